//! Translations of deliverables' titles.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeliverableTranslation::Table)
                    .col(uuid(DeliverableTranslation::DeliverableId))
                    .col(string(DeliverableTranslation::Locale))
                    .col(string(DeliverableTranslation::Title))
                    .col(string(DeliverableTranslation::SourceDigest))
                    .col(string(DeliverableTranslation::Status))
                    .col(uuid_null(DeliverableTranslation::TranslatorId))
                    .col(timestamp_with_time_zone(DeliverableTranslation::CreatedAt))
                    .col(timestamp_with_time_zone(DeliverableTranslation::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(DeliverableTranslation::DeliverableId)
                            .col(DeliverableTranslation::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deliverable_translation_deliverable")
                            .from(
                                DeliverableTranslation::Table,
                                DeliverableTranslation::DeliverableId,
                            )
                            .to(Deliverable::Table, Deliverable::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DeliverableTranslation::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Deliverable {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DeliverableTranslation {
    Table,
    DeliverableId,
    Locale,
    Title,
    SourceDigest,
    Status,
    TranslatorId,
    CreatedAt,
    UpdatedAt,
}
