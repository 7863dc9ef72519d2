//! Search (issue 15): the text analysis agrees with PostgreSQL's, the index
//! follows every change and can be rebuilt.

mod analysis;
mod index;
