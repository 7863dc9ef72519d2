//! Joint projects: participants, members, deliverables, milestones, links
//! to documents and training materials, and the activity log.

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
                    .table(Project::Table)
                    .col(pk_uuid(Project::Id))
                    .col(string(Project::Code).unique_key())
                    .col(string(Project::Title))
                    .col(text(Project::Summary))
                    .col(string(Project::OriginalLocale))
                    .col(string(Project::Status))
                    .col(date(Project::StartsOn))
                    .col(date_null(Project::EndsOn))
                    .col(string_null(Project::FundingProgramme))
                    .col(string_null(Project::GrantReference))
                    .col(big_integer_null(Project::BudgetMinor))
                    .col(string_len_null(Project::BudgetCurrency, 3))
                    .col(string(Project::Visibility))
                    .col(uuid_null(Project::CreatedBy))
                    .col(integer(Project::Version).default(1))
                    .col(timestamp_with_time_zone(Project::CreatedAt))
                    .col(timestamp_with_time_zone(Project::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectTranslation::Table)
                    .col(uuid(ProjectTranslation::ProjectId))
                    .col(string(ProjectTranslation::Locale))
                    .col(string(ProjectTranslation::Title))
                    .col(text(ProjectTranslation::Summary))
                    .col(string(ProjectTranslation::SourceDigest))
                    .col(string(ProjectTranslation::Status))
                    .col(uuid_null(ProjectTranslation::TranslatorId))
                    .col(timestamp_with_time_zone(ProjectTranslation::CreatedAt))
                    .col(timestamp_with_time_zone(ProjectTranslation::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProjectTranslation::ProjectId)
                            .col(ProjectTranslation::Locale),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_translation_project")
                            .from(ProjectTranslation::Table, ProjectTranslation::ProjectId)
                            .to(Project::Table, Project::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectParticipant::Table)
                    .col(uuid(ProjectParticipant::ProjectId))
                    .col(uuid(ProjectParticipant::OrganisationId))
                    .col(string(ProjectParticipant::Role))
                    .col(timestamp_with_time_zone(ProjectParticipant::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProjectParticipant::ProjectId)
                            .col(ProjectParticipant::OrganisationId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_participant_project")
                            .from(ProjectParticipant::Table, ProjectParticipant::ProjectId)
                            .to(Project::Table, Project::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_participant_organisation")
                            .from(ProjectParticipant::Table, ProjectParticipant::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_project_participant_organisation")
                    .table(ProjectParticipant::Table)
                    .col(ProjectParticipant::OrganisationId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectMember::Table)
                    .col(uuid(ProjectMember::ProjectId))
                    .col(uuid(ProjectMember::PersonId))
                    .col(string(ProjectMember::Role))
                    .col(timestamp_with_time_zone(ProjectMember::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProjectMember::ProjectId)
                            .col(ProjectMember::PersonId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_member_project")
                            .from(ProjectMember::Table, ProjectMember::ProjectId)
                            .to(Project::Table, Project::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Deliverable::Table)
                    .col(pk_uuid(Deliverable::Id))
                    .col(uuid(Deliverable::ProjectId))
                    .col(string(Deliverable::Code))
                    .col(string(Deliverable::Title))
                    .col(string(Deliverable::OriginalLocale))
                    .col(date_null(Deliverable::DueOn))
                    .col(string(Deliverable::Status))
                    .col(uuid_null(Deliverable::ResponsibleOrganisationId))
                    .col(integer(Deliverable::Version).default(1))
                    .col(timestamp_with_time_zone(Deliverable::CreatedAt))
                    .col(timestamp_with_time_zone(Deliverable::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deliverable_project")
                            .from(Deliverable::Table, Deliverable::ProjectId)
                            .to(Project::Table, Project::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_deliverable_code")
                    .table(Deliverable::Table)
                    .col(Deliverable::ProjectId)
                    .col(Deliverable::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeliverableDocument::Table)
                    .col(uuid(DeliverableDocument::DeliverableId))
                    .col(uuid(DeliverableDocument::DocumentId))
                    .col(timestamp_with_time_zone(DeliverableDocument::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(DeliverableDocument::DeliverableId)
                            .col(DeliverableDocument::DocumentId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_deliverable_document_deliverable")
                            .from(DeliverableDocument::Table, DeliverableDocument::DeliverableId)
                            .to(Deliverable::Table, Deliverable::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Milestone::Table)
                    .col(pk_uuid(Milestone::Id))
                    .col(uuid(Milestone::ProjectId))
                    .col(string(Milestone::Title))
                    .col(date(Milestone::DueOn))
                    .col(date_null(Milestone::ReachedOn))
                    .col(timestamp_with_time_zone(Milestone::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_milestone_project")
                            .from(Milestone::Table, Milestone::ProjectId)
                            .to(Project::Table, Project::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Ready for training materials (no foreign key until that table exists).
        manager
            .create_table(
                Table::create()
                    .table(ProjectTrainingMaterial::Table)
                    .col(uuid(ProjectTrainingMaterial::ProjectId))
                    .col(uuid(ProjectTrainingMaterial::TrainingMaterialId))
                    .col(timestamp_with_time_zone(ProjectTrainingMaterial::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(ProjectTrainingMaterial::ProjectId)
                            .col(ProjectTrainingMaterial::TrainingMaterialId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_project_training_material_project")
                            .from(ProjectTrainingMaterial::Table, ProjectTrainingMaterial::ProjectId)
                            .to(Project::Table, Project::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
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
        for (name, table, column) in [
            (
                "idx_deliverable_project",
                Deliverable::Table.into_iden(),
                Deliverable::ProjectId.into_iden(),
            ),
            (
                "idx_milestone_project",
                Milestone::Table.into_iden(),
                Milestone::ProjectId.into_iden(),
            ),
            (
                "idx_project_activity_project",
                ProjectActivity::Table.into_iden(),
                ProjectActivity::ProjectId.into_iden(),
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
            ProjectActivity::Table.into_iden(),
            ProjectTrainingMaterial::Table.into_iden(),
            Milestone::Table.into_iden(),
            DeliverableDocument::Table.into_iden(),
            Deliverable::Table.into_iden(),
            ProjectMember::Table.into_iden(),
            ProjectParticipant::Table.into_iden(),
            ProjectTranslation::Table.into_iden(),
            Project::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Project {
    Table,
    Id,
    Code,
    Title,
    Summary,
    OriginalLocale,
    Status,
    StartsOn,
    EndsOn,
    FundingProgramme,
    GrantReference,
    BudgetMinor,
    BudgetCurrency,
    Visibility,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProjectTranslation {
    Table,
    ProjectId,
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
enum ProjectParticipant {
    Table,
    ProjectId,
    OrganisationId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProjectMember {
    Table,
    ProjectId,
    PersonId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Deliverable {
    Table,
    Id,
    ProjectId,
    Code,
    Title,
    OriginalLocale,
    DueOn,
    Status,
    ResponsibleOrganisationId,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DeliverableDocument {
    Table,
    DeliverableId,
    DocumentId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Milestone {
    Table,
    Id,
    ProjectId,
    Title,
    DueOn,
    ReachedOn,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ProjectTrainingMaterial {
    Table,
    ProjectId,
    TrainingMaterialId,
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
