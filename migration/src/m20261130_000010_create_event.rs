//! The `event` table: every change, written in its transaction (an
//! outbox). The project activity log becomes a reading of it: its entries
//! are moved over and `project_activity` is dropped (and rebuilt on the way
//! down).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Event::Table)
                    .col(pk_uuid(Event::Id))
                    .col(string(Event::Kind))
                    .col(string(Event::SubjectType))
                    .col(uuid(Event::SubjectId))
                    .col(uuid_null(Event::ProjectId))
                    .col(uuid_null(Event::ActorId))
                    .col(json(Event::Payload))
                    .col(timestamp_with_time_zone(Event::CreatedAt))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("idx_event_project_id", Event::ProjectId),
            ("idx_event_created_at", Event::CreatedAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Event::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        let moved = Query::insert()
            .into_table(Event::Table)
            .columns([
                Event::Id,
                Event::Kind,
                Event::SubjectType,
                Event::SubjectId,
                Event::ProjectId,
                Event::ActorId,
                Event::Payload,
                Event::CreatedAt,
            ])
            .select_from(
                Query::select()
                    .column(ProjectActivity::Id)
                    .column(ProjectActivity::Verb)
                    .column(ProjectActivity::ObjectType)
                    .expr(Func::coalesce([
                        Expr::col(ProjectActivity::ObjectId),
                        Expr::col(ProjectActivity::ProjectId),
                    ]))
                    .column(ProjectActivity::ProjectId)
                    .column(ProjectActivity::ActorId)
                    .column(ProjectActivity::Data)
                    .column(ProjectActivity::CreatedAt)
                    .from(ProjectActivity::Table)
                    .to_owned(),
            )
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        manager.get_connection().execute(&moved).await?;
        manager
            .drop_table(Table::drop().table(ProjectActivity::Table).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProjectActivity::Table)
                    .col(pk_uuid(ProjectActivity::Id))
                    .col(uuid(ProjectActivity::ProjectId))
                    .col(uuid_null(ProjectActivity::ActorId))
                    .col(string(ProjectActivity::Verb))
                    .col(string(ProjectActivity::ObjectType))
                    .col(uuid_null(ProjectActivity::ObjectId))
                    .col(json(ProjectActivity::Data))
                    .col(timestamp_with_time_zone(ProjectActivity::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_activity_project")
                            .from(ProjectActivity::Table, ProjectActivity::ProjectId)
                            .to(Project::Table, Project::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_project_activity_project")
                    .table(ProjectActivity::Table)
                    .col(ProjectActivity::ProjectId)
                    .to_owned(),
            )
            .await?;
        let moved = Query::insert()
            .into_table(ProjectActivity::Table)
            .columns([
                ProjectActivity::Id,
                ProjectActivity::ProjectId,
                ProjectActivity::ActorId,
                ProjectActivity::Verb,
                ProjectActivity::ObjectType,
                ProjectActivity::ObjectId,
                ProjectActivity::Data,
                ProjectActivity::CreatedAt,
            ])
            .select_from(
                Query::select()
                    .columns([
                        Event::Id,
                        Event::ProjectId,
                        Event::ActorId,
                        Event::Kind,
                        Event::SubjectType,
                        Event::SubjectId,
                        Event::Payload,
                        Event::CreatedAt,
                    ])
                    .from(Event::Table)
                    .and_where(Expr::col(Event::ProjectId).is_not_null())
                    .and_where(
                        Expr::col(Event::ProjectId).in_subquery(
                            Query::select()
                                .column(Project::Id)
                                .from(Project::Table)
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            )
            .map_err(|e| DbErr::Custom(e.to_string()))?
            .to_owned();
        manager.get_connection().execute(&moved).await?;
        manager
            .drop_table(Table::drop().table(Event::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Event {
    Table,
    Id,
    Kind,
    SubjectType,
    SubjectId,
    ProjectId,
    ActorId,
    Payload,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProjectActivity {
    Table,
    Id,
    ProjectId,
    ActorId,
    Verb,
    ObjectType,
    ObjectId,
    Data,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Project {
    Table,
    Id,
}
