//! Parsed domain types. Input becomes one of these once, at the edge, and a
//! failure is a field error; inside, the type carries the guarantee.

mod enums;
mod text;

pub use enums::*;
pub use text::*;
