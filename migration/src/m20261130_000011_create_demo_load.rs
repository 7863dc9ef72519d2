//! `demo_load`: one row per finished load of built-in data (`demo`), written
//! by the loader as its last change. The demo is loaded in many changes
//! through the domain, so this row, which no API touches, tells a finished
//! load from an interrupted one. A database the earlier one-transaction
//! loader filled (the hub is there) counts as finished.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DemoLoad::Table)
                    .col(string(DemoLoad::Name).primary_key())
                    .col(timestamp_with_time_zone(DemoLoad::FinishedAt))
                    .to_owned(),
            )
            .await?;
        let finished_before = Query::insert()
            .into_table(DemoLoad::Table)
            .columns([DemoLoad::Name, DemoLoad::FinishedAt])
            .select_from(
                Query::select()
                    .expr(Expr::val("demo"))
                    .expr(Expr::col(Organisation::CreatedAt))
                    .from(Organisation::Table)
                    .and_where(Expr::col(Organisation::Slug).eq("erfaringssentrum"))
                    .to_owned(),
            )
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        manager.get_connection().execute(&finished_before).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DemoLoad::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum DemoLoad {
    Table,
    Name,
    FinishedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Slug,
    CreatedAt,
}
