//! Training materials, their translations, grants and attached documents;
//! dated offerings with prices and a timed programme.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261122_000001_create_organisation::Organisation;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(TrainingMaterial::Table)
                    .col(pk_uuid(TrainingMaterial::Id))
                    .col(uuid(TrainingMaterial::ProviderOrganisationId))
                    .col(string(TrainingMaterial::Kind))
                    .col(string(TrainingMaterial::Title))
                    .col(text(TrainingMaterial::Summary))
                    .col(text(TrainingMaterial::Prerequisites))
                    .col(json(TrainingMaterial::LearningOutcomes))
                    .col(string(TrainingMaterial::OriginalLocale))
                    .col(json(TrainingMaterial::TargetAudiences))
                    .col(integer_null(TrainingMaterial::EqfLevel))
                    .col(double_null(TrainingMaterial::EctsCredits))
                    .col(string_null(TrainingMaterial::Duration))
                    .col(string(TrainingMaterial::DeliveryMode))
                    .col(json(TrainingMaterial::Languages))
                    .col(string_null(TrainingMaterial::License))
                    .col(json(TrainingMaterial::Topics))
                    .col(json(TrainingMaterial::Instructors))
                    .col(string(TrainingMaterial::Visibility))
                    .col(uuid_null(TrainingMaterial::CreatedBy))
                    .col(integer(TrainingMaterial::Version).default(1))
                    .col(timestamp_with_time_zone(TrainingMaterial::CreatedAt))
                    .col(timestamp_with_time_zone(TrainingMaterial::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_training_material_provider")
                            .from(TrainingMaterial::Table, TrainingMaterial::ProviderOrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingTranslation::Table)
                    .col(uuid(TrainingTranslation::TrainingMaterialId))
                    .col(string(TrainingTranslation::Locale))
                    .col(string(TrainingTranslation::Title))
                    .col(text(TrainingTranslation::Summary))
                    .col(text(TrainingTranslation::Prerequisites))
                    .col(json(TrainingTranslation::LearningOutcomes))
                    .col(string(TrainingTranslation::SourceDigest))
                    .col(string(TrainingTranslation::Status))
                    .col(uuid_null(TrainingTranslation::TranslatorId))
                    .col(timestamp_with_time_zone(TrainingTranslation::CreatedAt))
                    .col(timestamp_with_time_zone(TrainingTranslation::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(TrainingTranslation::TrainingMaterialId)
                            .col(TrainingTranslation::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_training_translation_material")
                            .from(
                                TrainingTranslation::Table,
                                TrainingTranslation::TrainingMaterialId,
                            )
                            .to(TrainingMaterial::Table, TrainingMaterial::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingShare::Table)
                    .col(uuid(TrainingShare::TrainingMaterialId))
                    .col(uuid(TrainingShare::OrganisationId))
                    .col(string(TrainingShare::Permission))
                    .col(timestamp_with_time_zone_null(TrainingShare::ExpiresAt))
                    .col(uuid_null(TrainingShare::GrantedBy))
                    .col(timestamp_with_time_zone(TrainingShare::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(TrainingShare::TrainingMaterialId)
                            .col(TrainingShare::OrganisationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_training_share_material")
                            .from(TrainingShare::Table, TrainingShare::TrainingMaterialId)
                            .to(TrainingMaterial::Table, TrainingMaterial::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TrainingDocument::Table)
                    .col(uuid(TrainingDocument::TrainingMaterialId))
                    .col(uuid(TrainingDocument::DocumentId))
                    .col(timestamp_with_time_zone(TrainingDocument::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(TrainingDocument::TrainingMaterialId)
                            .col(TrainingDocument::DocumentId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_training_document_material")
                            .from(TrainingDocument::Table, TrainingDocument::TrainingMaterialId)
                            .to(TrainingMaterial::Table, TrainingMaterial::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Offering::Table)
                    .col(pk_uuid(Offering::Id))
                    .col(uuid(Offering::TrainingMaterialId))
                    .col(date(Offering::StartsOn))
                    .col(date(Offering::EndsOn))
                    .col(string_null(Offering::Venue))
                    .col(string_null(Offering::City))
                    .col(string_len_null(Offering::Country, 2))
                    .col(string_null(Offering::OnlineUrl))
                    .col(string(Offering::Language))
                    .col(big_integer_null(Offering::PriceMinor))
                    .col(string_len_null(Offering::PriceCurrency, 3))
                    .col(big_integer_null(Offering::EarlyBirdMinor))
                    .col(date_null(Offering::EarlyBirdDeadline))
                    .col(integer_null(Offering::Capacity))
                    .col(string_null(Offering::RegistrationUrl))
                    .col(string(Offering::Status))
                    .col(integer(Offering::Version).default(1))
                    .col(timestamp_with_time_zone(Offering::CreatedAt))
                    .col(timestamp_with_time_zone(Offering::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_offering_material")
                            .from(Offering::Table, Offering::TrainingMaterialId)
                            .to(TrainingMaterial::Table, TrainingMaterial::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProgrammeItem::Table)
                    .col(pk_uuid(ProgrammeItem::Id))
                    .col(uuid(ProgrammeItem::OfferingId))
                    .col(integer(ProgrammeItem::Position))
                    .col(timestamp_with_time_zone(ProgrammeItem::StartsAt))
                    .col(string(ProgrammeItem::Title))
                    .col(string_null(ProgrammeItem::Speaker))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_programme_item_offering")
                            .from(ProgrammeItem::Table, ProgrammeItem::OfferingId)
                            .to(Offering::Table, Offering::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, table, column) in [
            (
                "idx_training_material_provider",
                TrainingMaterial::Table.into_iden(),
                TrainingMaterial::ProviderOrganisationId.into_iden(),
            ),
            (
                "idx_offering_material",
                Offering::Table.into_iden(),
                Offering::TrainingMaterialId.into_iden(),
            ),
            (
                "idx_offering_starts",
                Offering::Table.into_iden(),
                Offering::StartsOn.into_iden(),
            ),
            (
                "idx_programme_item_offering",
                ProgrammeItem::Table.into_iden(),
                ProgrammeItem::OfferingId.into_iden(),
            ),
            (
                "idx_training_share_organisation",
                TrainingShare::Table.into_iden(),
                TrainingShare::OrganisationId.into_iden(),
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ProgrammeItem::Table.into_iden(),
            Offering::Table.into_iden(),
            TrainingDocument::Table.into_iden(),
            TrainingShare::Table.into_iden(),
            TrainingTranslation::Table.into_iden(),
            TrainingMaterial::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum TrainingMaterial {
    Table,
    Id,
    ProviderOrganisationId,
    Kind,
    Title,
    Summary,
    Prerequisites,
    LearningOutcomes,
    OriginalLocale,
    TargetAudiences,
    EqfLevel,
    EctsCredits,
    Duration,
    DeliveryMode,
    Languages,
    License,
    Topics,
    Instructors,
    Visibility,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TrainingTranslation {
    Table,
    TrainingMaterialId,
    Locale,
    Title,
    Summary,
    Prerequisites,
    LearningOutcomes,
    SourceDigest,
    Status,
    TranslatorId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TrainingShare {
    Table,
    TrainingMaterialId,
    OrganisationId,
    Permission,
    ExpiresAt,
    GrantedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TrainingDocument {
    Table,
    TrainingMaterialId,
    DocumentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Offering {
    Table,
    Id,
    TrainingMaterialId,
    StartsOn,
    EndsOn,
    Venue,
    City,
    Country,
    OnlineUrl,
    Language,
    PriceMinor,
    PriceCurrency,
    EarlyBirdMinor,
    EarlyBirdDeadline,
    Capacity,
    RegistrationUrl,
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProgrammeItem {
    Table,
    Id,
    OfferingId,
    Position,
    StartsAt,
    Title,
    Speaker,
}
