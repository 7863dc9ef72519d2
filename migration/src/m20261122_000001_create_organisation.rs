//! Organisations and the translations of their descriptions.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(pk_uuid(Organisation::Id))
                    .col(string(Organisation::Slug).unique_key())
                    .col(string(Organisation::Name))
                    .col(string_len(Organisation::Country, 2))
                    .col(string_null(Organisation::City))
                    .col(string(Organisation::Kind))
                    .col(string_null(Organisation::Website))
                    .col(string_null(Organisation::ContactEmail))
                    .col(text(Organisation::Description))
                    .col(string(Organisation::OriginalLocale))
                    .col(string(Organisation::PartnershipStatus))
                    .col(date_null(Organisation::AgreementDate))
                    .col(json(Organisation::FocusAreas))
                    .col(boolean(Organisation::IsHub).default(false))
                    .col(timestamp_with_time_zone_null(Organisation::ArchivedAt))
                    .col(integer(Organisation::Version).default(1))
                    .col(timestamp_with_time_zone(Organisation::CreatedAt))
                    .col(timestamp_with_time_zone(Organisation::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_organisation_country", Organisation::Country),
            ("idx_organisation_status", Organisation::PartnershipStatus),
            ("idx_organisation_name", Organisation::Name),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Organisation::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(OrganisationTranslation::Table)
                    .col(uuid(OrganisationTranslation::OrganisationId))
                    .col(string(OrganisationTranslation::Locale))
                    .col(text(OrganisationTranslation::Description))
                    .col(string(OrganisationTranslation::SourceDigest))
                    .col(string(OrganisationTranslation::Status))
                    .col(uuid_null(OrganisationTranslation::TranslatorId))
                    .col(timestamp_with_time_zone(OrganisationTranslation::CreatedAt))
                    .col(timestamp_with_time_zone(OrganisationTranslation::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(OrganisationTranslation::OrganisationId)
                            .col(OrganisationTranslation::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_organisation_translation_organisation")
                            .from(
                                OrganisationTranslation::Table,
                                OrganisationTranslation::OrganisationId,
                            )
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrganisationTranslation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Organisation::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub(crate) enum Organisation {
    Table,
    Id,
    Slug,
    Name,
    Country,
    City,
    Kind,
    Website,
    ContactEmail,
    Description,
    OriginalLocale,
    PartnershipStatus,
    AgreementDate,
    FocusAreas,
    IsHub,
    ArchivedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrganisationTranslation {
    Table,
    OrganisationId,
    Locale,
    Description,
    SourceDigest,
    Status,
    TranslatorId,
    CreatedAt,
    UpdatedAt,
}
