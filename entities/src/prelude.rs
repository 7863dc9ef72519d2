//! Short names for every entity.

pub use crate::auth_token::Entity as AuthToken;
pub use crate::organisation::Entity as Organisation;
pub use crate::organisation_translation::Entity as OrganisationTranslation;
pub use crate::person::Entity as Person;
