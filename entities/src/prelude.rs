//! Short names for every entity.

pub use crate::auth_token::Entity as AuthToken;
pub use crate::document::Entity as Document;
pub use crate::document_share::Entity as DocumentShare;
pub use crate::document_translation::Entity as DocumentTranslation;
pub use crate::document_version::Entity as DocumentVersion;
pub use crate::organisation::Entity as Organisation;
pub use crate::organisation_translation::Entity as OrganisationTranslation;
pub use crate::person::Entity as Person;
