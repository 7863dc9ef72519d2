//! Short names for every entity.

pub use crate::auth_token::Entity as AuthToken;
pub use crate::deliverable::Entity as Deliverable;
pub use crate::deliverable_document::Entity as DeliverableDocument;
pub use crate::deliverable_translation::Entity as DeliverableTranslation;
pub use crate::document::Entity as Document;
pub use crate::document_share::Entity as DocumentShare;
pub use crate::document_translation::Entity as DocumentTranslation;
pub use crate::document_version::Entity as DocumentVersion;
pub use crate::milestone::Entity as Milestone;
pub use crate::offering::Entity as Offering;
pub use crate::offering_translation::Entity as OfferingTranslation;
pub use crate::organisation::Entity as Organisation;
pub use crate::organisation_translation::Entity as OrganisationTranslation;
pub use crate::person::Entity as Person;
pub use crate::programme_item::Entity as ProgrammeItem;
pub use crate::project::Entity as Project;
pub use crate::project_member::Entity as ProjectMember;
pub use crate::project_participant::Entity as ProjectParticipant;
pub use crate::project_training_material::Entity as ProjectTrainingMaterial;
pub use crate::project_translation::Entity as ProjectTranslation;
pub use crate::training_document::Entity as TrainingDocument;
pub use crate::training_material::Entity as TrainingMaterial;
pub use crate::training_share::Entity as TrainingShare;
pub use crate::training_translation::Entity as TrainingTranslation;
