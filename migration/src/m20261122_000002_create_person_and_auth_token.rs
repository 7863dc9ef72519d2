//! People who sign in, and their session and API tokens.

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
                    .table(Person::Table)
                    .col(pk_uuid(Person::Id))
                    .col(string(Person::Email).unique_key())
                    .col(string(Person::DisplayName))
                    .col(uuid_null(Person::OrganisationId))
                    .col(string(Person::OrgRole))
                    .col(boolean(Person::IsAdmin).default(false))
                    .col(json(Person::TranslatorLocales))
                    .col(string_null(Person::PreferredLocale))
                    .col(string_null(Person::PasswordHash))
                    .col(boolean(Person::Disabled).default(false))
                    .col(integer(Person::Version).default(1))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_organisation")
                            .from(Person::Table, Person::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_person_organisation")
                    .table(Person::Table)
                    .col(Person::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuthToken::Table)
                    .col(pk_uuid(AuthToken::Id))
                    .col(string(AuthToken::Kind))
                    .col(string_null(AuthToken::Name))
                    .col(string(AuthToken::TokenHash).unique_key())
                    .col(uuid(AuthToken::PersonId))
                    .col(uuid_null(AuthToken::OrganisationId))
                    .col(string(AuthToken::Scope))
                    .col(timestamp_with_time_zone(AuthToken::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AuthToken::RevokedAt))
                    .col(timestamp_with_time_zone_null(AuthToken::LastUsedAt))
                    .col(timestamp_with_time_zone(AuthToken::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_auth_token_person")
                            .from(AuthToken::Table, AuthToken::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_auth_token_organisation")
                            .from(AuthToken::Table, AuthToken::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_auth_token_person")
                    .table(AuthToken::Table)
                    .col(AuthToken::PersonId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuthToken::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Person::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    Email,
    DisplayName,
    OrganisationId,
    OrgRole,
    IsAdmin,
    TranslatorLocales,
    PreferredLocale,
    PasswordHash,
    Disabled,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuthToken {
    Table,
    Id,
    Kind,
    Name,
    TokenHash,
    PersonId,
    OrganisationId,
    Scope,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
    CreatedAt,
}
