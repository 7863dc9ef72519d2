//! Webhooks: endpoints of partner organisations, the event types each
//! subscribes to, and one delivery row per event and endpoint, written in the
//! event's transaction (so a crash between the change and the send loses
//! nothing) and claimed by the delivery worker of some node.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebhookEndpoint::Table)
                    .col(pk_uuid(WebhookEndpoint::Id))
                    .col(uuid(WebhookEndpoint::OrganisationId))
                    .col(string(WebhookEndpoint::Url))
                    .col(text(WebhookEndpoint::Description))
                    .col(string(WebhookEndpoint::Locale))
                    .col(string(WebhookEndpoint::Secret))
                    .col(string_null(WebhookEndpoint::PreviousSecret))
                    .col(timestamp_with_time_zone_null(
                        WebhookEndpoint::PreviousSecretUntil,
                    ))
                    .col(boolean(WebhookEndpoint::Paused))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::DisabledAt))
                    .col(string_null(WebhookEndpoint::DisabledReason))
                    .col(timestamp_with_time_zone_null(WebhookEndpoint::FailingSince))
                    .col(uuid_null(WebhookEndpoint::CreatedBy))
                    .col(integer(WebhookEndpoint::Version))
                    .col(timestamp_with_time_zone(WebhookEndpoint::CreatedAt))
                    .col(timestamp_with_time_zone(WebhookEndpoint::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_endpoint_organisation")
                            .from(WebhookEndpoint::Table, WebhookEndpoint::OrganisationId)
                            .to(Organisation::Table, Organisation::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_endpoint_organisation")
                    .table(WebhookEndpoint::Table)
                    .col(WebhookEndpoint::OrganisationId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WebhookSubscription::Table)
                    .col(uuid(WebhookSubscription::EndpointId))
                    .col(string(WebhookSubscription::EventType))
                    .primary_key(
                        Index::create()
                            .col(WebhookSubscription::EndpointId)
                            .col(WebhookSubscription::EventType),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_webhook_subscription_endpoint")
                            .from(WebhookSubscription::Table, WebhookSubscription::EndpointId)
                            .to(WebhookEndpoint::Table, WebhookEndpoint::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_subscription_event_type")
                    .table(WebhookSubscription::Table)
                    .col(WebhookSubscription::EventType)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(WebhookDelivery::Table)
                    .col(pk_uuid(WebhookDelivery::Id))
                    .col(uuid(WebhookDelivery::EndpointId))
                    .col(uuid(WebhookDelivery::EventId))
                    .col(string(WebhookDelivery::EventType))
                    .col(string(WebhookDelivery::SubjectType))
                    .col(uuid(WebhookDelivery::SubjectId))
                    .col(uuid_null(WebhookDelivery::ProjectId))
                    .col(json(WebhookDelivery::Data))
                    .col(timestamp_with_time_zone(WebhookDelivery::OccurredAt))
                    .col(string(WebhookDelivery::Status))
                    .col(integer(WebhookDelivery::Attempts))
                    .col(integer_null(WebhookDelivery::LastStatusCode))
                    .col(string_null(WebhookDelivery::LastError))
                    .col(string_null(WebhookDelivery::ResponseExcerpt))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::ClaimedUntil))
                    .col(uuid_null(WebhookDelivery::ClaimId))
                    .col(timestamp_with_time_zone_null(WebhookDelivery::LastAttemptAt))
                    .col(timestamp_with_time_zone(WebhookDelivery::CreatedAt))
                    // No foreign key to the endpoint: a change that queues a
                    // delivery while the endpoint is being deleted must not
                    // fail on it (PostgreSQL's check would wait for the
                    // delete and then refuse the change). Deleting an
                    // endpoint deletes its deliveries; pruning removes any
                    // left by such a race.
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_webhook_delivery_due",
                vec![WebhookDelivery::Status, WebhookDelivery::NextAttemptAt],
            ),
            (
                "idx_webhook_delivery_endpoint",
                vec![WebhookDelivery::EndpointId, WebhookDelivery::Id],
            ),
            // The worker's: an endpoint's pending deliveries, the first of
            // each subject.
            (
                "idx_webhook_delivery_pending",
                vec![
                    WebhookDelivery::EndpointId,
                    WebhookDelivery::Status,
                    WebhookDelivery::SubjectId,
                    WebhookDelivery::Id,
                ],
            ),
        ] {
            let mut index = Index::create();
            index.name(name).table(WebhookDelivery::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookDelivery::Table.into_iden(),
            WebhookSubscription::Table.into_iden(),
            WebhookEndpoint::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum WebhookEndpoint {
    Table,
    Id,
    OrganisationId,
    Url,
    Description,
    Locale,
    Secret,
    PreviousSecret,
    PreviousSecretUntil,
    Paused,
    DisabledAt,
    DisabledReason,
    FailingSince,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookSubscription {
    Table,
    EndpointId,
    EventType,
}

#[derive(DeriveIden)]
enum WebhookDelivery {
    Table,
    Id,
    EndpointId,
    EventId,
    EventType,
    SubjectType,
    SubjectId,
    ProjectId,
    Data,
    OccurredAt,
    Status,
    Attempts,
    LastStatusCode,
    LastError,
    ResponseExcerpt,
    NextAttemptAt,
    ClaimedUntil,
    ClaimId,
    LastAttemptAt,
    CreatedAt,
}
