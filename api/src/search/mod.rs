//! Search across what a caller may read (issue 15; the plan is
//! `docs/design/search.md`). So far: the text analysis both engines share
//! (`text`).

pub mod text;
