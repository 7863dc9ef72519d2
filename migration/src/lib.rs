//! Database migrations of Sammen: one file per migration, forward and back,
//! written with sea-query's schema builder so that the same code runs on
//! SQLite (the embedded default) and PostgreSQL (production).

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_create_organisation;
mod m20261122_000002_create_person_and_auth_token;
mod m20261123_000003_create_documents;
mod m20261123_000004_create_projects;
mod m20261123_000005_create_training;
mod m20261123_000006_create_deliverable_translation;
mod m20261123_000007_create_offering_translation;
mod m20261130_000008_create_login_throttle;
mod m20261130_000009_add_person_search_name;
mod m20261130_000010_create_event;
mod m20261130_000011_create_demo_load;
mod m20261130_000012_create_webhooks;
mod m20261130_000013_create_search;
mod m20261201_000014_event_feed;

/// Every migration, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_organisation::Migration),
            Box::new(m20261122_000002_create_person_and_auth_token::Migration),
            Box::new(m20261123_000003_create_documents::Migration),
            Box::new(m20261123_000004_create_projects::Migration),
            Box::new(m20261123_000005_create_training::Migration),
            Box::new(m20261123_000006_create_deliverable_translation::Migration),
            Box::new(m20261123_000007_create_offering_translation::Migration),
            Box::new(m20261130_000008_create_login_throttle::Migration),
            Box::new(m20261130_000009_add_person_search_name::Migration),
            Box::new(m20261130_000010_create_event::Migration),
            Box::new(m20261130_000011_create_demo_load::Migration),
            Box::new(m20261130_000012_create_webhooks::Migration),
            Box::new(m20261130_000013_create_search::Migration),
            Box::new(m20261201_000014_event_feed::Migration),
        ]
    }
}
