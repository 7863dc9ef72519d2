//! `person.search_name`: the display name folded for searching (lower case,
//! no accents, `ø` as `o`; see `sammen_entities::search::fold`), filled in
//! for the people already stored, and indexed with the organisation for
//! `people` and `Organisation.people`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::ConnectionTrait;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Person::Table)
                    .add_column(ColumnDef::new(Person::SearchName).string().not_null().default(""))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let select = Query::select()
            .columns([Person::Id, Person::DisplayName])
            .from(Person::Table)
            .to_owned();
        for row in db.query_all(&select).await? {
            let id: sea_orm_migration::sea_orm::prelude::Uuid = row.try_get("", "id")?;
            let name: String = row.try_get("", "display_name")?;
            let update = Query::update()
                .table(Person::Table)
                .value(Person::SearchName, sammen_entities::search::fold(&name))
                .and_where(Expr::col(Person::Id).eq(id))
                .to_owned();
            db.execute(&update).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_person_organisation_search_name")
                    .table(Person::Table)
                    .col(Person::OrganisationId)
                    .col(Person::SearchName)
                    .col(Person::Id)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_person_organisation_search_name")
                    .table(Person::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Person::Table)
                    .drop_column(Person::SearchName)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    DisplayName,
    OrganisationId,
    SearchName,
}
