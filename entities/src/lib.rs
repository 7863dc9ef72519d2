//! sea-orm entities of Sammen, one file per table.
//!
//! Enumerations (`enums`) are stored as their SCREAMING_CASE names in plain
//! text columns so that SQLite and PostgreSQL share one schema, and typed in
//! the models: a row holding an unknown name fails to load. IDs are UUIDv7,
//! times are UTC.

pub mod auth_token;
pub mod deliverable;
pub mod deliverable_document;
pub mod deliverable_translation;
pub mod demo_load;
pub mod document;
pub mod document_share;
pub mod document_translation;
pub mod document_version;
pub mod enums;
pub mod event;
pub mod list;
pub mod milestone;
pub mod offering;
pub mod offering_translation;
pub mod organisation;
pub mod organisation_translation;
pub mod person;
pub mod prelude;
pub mod programme_item;
pub mod project;
pub mod project_member;
pub mod project_participant;
pub mod project_training_material;
pub mod project_translation;
pub mod search;
pub mod search_doc;
pub mod search_extraction;
pub mod training_document;
pub mod training_material;
pub mod training_share;
pub mod training_translation;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_subscription;
