//! Who is calling, and what they may do: passwords (argon2id), session and
//! API tokens (random 256-bit, stored as SHA-256), and the access policy.

mod caller;
pub mod password;
pub mod people;
pub mod policy;
pub mod throttle;
pub mod token;

pub use caller::{Acting, Caller};
