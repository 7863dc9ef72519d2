//! What fields cost in the complexity limit (`--max-complexity`, 5000 by
//! default). A field costs 1 plus its selection unless it does more work:
//! a page costs `first` × its selection, an unpaginated nested list the
//! items it may hold, and a few fields cost what their work does, so that
//! aliasing one of them many times is refused before anything runs.

/// A field that reads every readable row of several tables (`localeCoverage`,
/// `translationQueue`): two fit in one operation.
pub const WHOLE_TABLE: usize = 2000;

/// One Argon2 password hash (~20 ms of a core and 19 MiB): ten per operation.
pub const PASSWORD_HASH: usize = 500;

/// A request to another server (`importDocumentVersion`).
pub const OUTBOUND_FETCH: usize = 1000;

/// Streaming an uploaded file to storage.
pub const UPLOAD: usize = 250;

/// Items assumed in a nested list that has no `first` (a project's members,
/// a document's versions): such lists are short, but not free.
pub const NESTED_LIST_ITEMS: usize = 5;

/// Cost of an unpaginated nested list.
pub fn list(child: usize) -> usize {
    NESTED_LIST_ITEMS.saturating_mul(child.max(1))
}

/// Cost of a field that reads whole tables and then returns a page.
pub fn whole_table_page(first: Option<i32>, child: usize) -> usize {
    WHOLE_TABLE.saturating_add(super::pagination::complexity(first, child))
}
