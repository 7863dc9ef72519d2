//! Documents, their translations, immutable versions and sharing grants.

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
                    .table(Document::Table)
                    .col(pk_uuid(Document::Id))
                    .col(uuid(Document::OwnerOrganisationId))
                    .col(uuid_null(Document::ProjectId))
                    .col(string(Document::Kind))
                    .col(string(Document::Title))
                    .col(text(Document::Summary))
                    .col(string(Document::OriginalLocale))
                    .col(string(Document::ContentLanguage))
                    .col(string_null(Document::License))
                    .col(json(Document::Authors))
                    .col(date_null(Document::PublishedOn))
                    .col(json(Document::Topics))
                    .col(string(Document::Visibility))
                    .col(uuid_null(Document::CreatedBy))
                    .col(integer(Document::Version).default(1))
                    .col(timestamp_with_time_zone(Document::CreatedAt))
                    .col(timestamp_with_time_zone(Document::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_owner")
                            .from(Document::Table, Document::OwnerOrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_document_owner", Document::OwnerOrganisationId),
            ("idx_document_visibility", Document::Visibility),
            ("idx_document_kind", Document::Kind),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Document::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(DocumentTranslation::Table)
                    .col(uuid(DocumentTranslation::DocumentId))
                    .col(string(DocumentTranslation::Locale))
                    .col(string(DocumentTranslation::Title))
                    .col(text(DocumentTranslation::Summary))
                    .col(string(DocumentTranslation::SourceDigest))
                    .col(string(DocumentTranslation::Status))
                    .col(uuid_null(DocumentTranslation::TranslatorId))
                    .col(timestamp_with_time_zone(DocumentTranslation::CreatedAt))
                    .col(timestamp_with_time_zone(DocumentTranslation::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(DocumentTranslation::DocumentId)
                            .col(DocumentTranslation::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_translation_document")
                            .from(DocumentTranslation::Table, DocumentTranslation::DocumentId)
                            .to(Document::Table, Document::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DocumentVersion::Table)
                    .col(pk_uuid(DocumentVersion::Id))
                    .col(uuid(DocumentVersion::DocumentId))
                    .col(integer(DocumentVersion::Number))
                    .col(string(DocumentVersion::Filename))
                    .col(string(DocumentVersion::MediaType))
                    .col(big_integer(DocumentVersion::Size))
                    .col(string_len(DocumentVersion::Sha256, 64))
                    .col(string(DocumentVersion::StorageKey))
                    .col(text_null(DocumentVersion::SourceUrl))
                    .col(text_null(DocumentVersion::ChangeNote))
                    .col(uuid_null(DocumentVersion::UploadedBy))
                    .col(timestamp_with_time_zone(DocumentVersion::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_version_document")
                            .from(DocumentVersion::Table, DocumentVersion::DocumentId)
                            .to(Document::Table, Document::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_document_version_number")
                    .table(DocumentVersion::Table)
                    .col(DocumentVersion::DocumentId)
                    .col(DocumentVersion::Number)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DocumentShare::Table)
                    .col(uuid(DocumentShare::DocumentId))
                    .col(uuid(DocumentShare::OrganisationId))
                    .col(string(DocumentShare::Permission))
                    .col(timestamp_with_time_zone_null(DocumentShare::ExpiresAt))
                    .col(uuid_null(DocumentShare::GrantedBy))
                    .col(timestamp_with_time_zone(DocumentShare::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(DocumentShare::DocumentId)
                            .col(DocumentShare::OrganisationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_share_document")
                            .from(DocumentShare::Table, DocumentShare::DocumentId)
                            .to(Document::Table, Document::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_document_share_organisation")
                            .from(DocumentShare::Table, DocumentShare::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_document_share_organisation")
                    .table(DocumentShare::Table)
                    .col(DocumentShare::OrganisationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            DocumentShare::Table.into_iden(),
            DocumentVersion::Table.into_iden(),
            DocumentTranslation::Table.into_iden(),
            Document::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Document {
    Table,
    Id,
    OwnerOrganisationId,
    ProjectId,
    Kind,
    Title,
    Summary,
    OriginalLocale,
    ContentLanguage,
    License,
    Authors,
    PublishedOn,
    Topics,
    Visibility,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DocumentTranslation {
    Table,
    DocumentId,
    Locale,
    Title,
    Summary,
    SourceDigest,
    Status,
    TranslatorId,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DocumentVersion {
    Table,
    Id,
    DocumentId,
    Number,
    Filename,
    MediaType,
    Size,
    Sha256,
    StorageKey,
    SourceUrl,
    ChangeNote,
    UploadedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum DocumentShare {
    Table,
    DocumentId,
    OrganisationId,
    Permission,
    ExpiresAt,
    GrantedBy,
    CreatedAt,
}
