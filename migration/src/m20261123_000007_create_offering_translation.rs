//! Translations of offerings' texts: the venue and the programme's titles.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OfferingTranslation::Table)
                    .col(uuid(OfferingTranslation::OfferingId))
                    .col(string(OfferingTranslation::Locale))
                    .col(string(OfferingTranslation::Venue))
                    .col(json(OfferingTranslation::ProgrammeTitles))
                    .col(string(OfferingTranslation::SourceDigest))
                    .col(string(OfferingTranslation::Status))
                    .col(uuid_null(OfferingTranslation::TranslatorId))
                    .col(timestamp_with_time_zone(OfferingTranslation::CreatedAt))
                    .col(timestamp_with_time_zone(OfferingTranslation::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(OfferingTranslation::OfferingId)
                            .col(OfferingTranslation::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_offering_translation_offering")
                            .from(OfferingTranslation::Table, OfferingTranslation::OfferingId)
                            .to(Offering::Table, Offering::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OfferingTranslation::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Offering {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OfferingTranslation {
    Table,
    OfferingId,
    Locale,
    Venue,
    ProgrammeTitles,
    SourceDigest,
    Status,
    TranslatorId,
    CreatedAt,
    UpdatedAt,
}
