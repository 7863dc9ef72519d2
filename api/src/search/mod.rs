//! Search across what a caller may read (issue 15; the plan is
//! `docs/design/search.md`): the text analysis both engines share
//! (`text`), the search box's syntax (`query`), and the index, written in
//! each change's transaction (`index`).

pub mod index;
pub mod query;
pub mod text;
