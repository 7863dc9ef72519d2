//! Search across what a caller may read (issue 15; the plan is
//! `docs/design/search.md`). So far: the text analysis both engines share
//! (`text`) and the search box's syntax, parsed and rendered for FTS5
//! (`query`).

pub mod query;
pub mod text;
