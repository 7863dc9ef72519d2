//! Search across what a caller may read (issue 15; the plan was
//! `docs/design/search.md`): the text analysis both engines share
//! (`text`), the search box's syntax (`query`), the index, written in each
//! change's transaction (`index`), the statements with the access policy
//! inside them (`engine`), the snippets (`highlight`), and documents' file
//! text, extracted in a bounded child process (`extract`) by each node's
//! `worker`.

pub mod engine;
pub mod extract;
pub mod highlight;
pub mod index;
pub mod query;
pub mod text;
pub mod worker;
