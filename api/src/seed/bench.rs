//! `sammen seed bench --scale N`: a large network for benchmarks, on top of
//! the demo data. N organisations, 10·N documents in all four visibilities,
//! N projects with participants, deliverables and milestones, and N
//! training materials with an offering each. Inserted in batches.

use crate::domain::{
    DeliverableStatus, DeliveryMode, DocumentKind, OfferingStatus, OrganisationKind, ParticipantRole,
    PartnershipStatus, ProjectStatus, TrainingKind, Visibility,
};
use chrono::{Duration, NaiveDate, Utc};
use sammen_entities::{
    deliverable, document, milestone, offering, organisation, project, project_participant, training_material,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, QueryFilter};
use sea_orm::{DatabaseConnection, EntityTrait};
use uuid::Uuid;

const COUNTRIES: [&str; 5] = ["NO", "US", "DK", "ZA", "NL"];
const VISIBILITIES: [Visibility; 4] = [
    Visibility::Private,
    Visibility::Partners,
    Visibility::Network,
    Visibility::Public,
];
const BATCH: usize = 500;

pub async fn load(db: &DatabaseConnection, scale: usize) -> anyhow::Result<()> {
    let hub = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(super::HUB_SLUG))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("load the demo data first"))?;
    let now = Utc::now();
    let run = Uuid::now_v7().simple().to_string();
    let tag = &run[run.len() - 6..];
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();

    let organisations: Vec<organisation::ActiveModel> = (0..scale)
        .map(|i| organisation::ActiveModel {
            id: Set(Uuid::now_v7()),
            slug: Set(format!("bench-{tag}-{i}")),
            name: Set(format!("Bench organisation {i}")),
            country: Set(COUNTRIES[i % COUNTRIES.len()].into()),
            city: Set(Some("Oslo".into())),
            kind: Set(OrganisationKind::Ngo),
            website: Set(None),
            contact_email: Set(None),
            description: Set(format!(
                "Benchmark organisation number {i} working on peer support."
            )),
            original_locale: Set("en-US".into()),
            partnership_status: Set(if i % 3 == 0 {
                PartnershipStatus::Prospect
            } else {
                PartnershipStatus::Active
            }),
            agreement_date: Set(None),
            focus_areas: Set(sammen_entities::list::StringList::from(&["peer support"][..])),
            is_hub: Set(false),
            archived_at: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    let org_ids: Vec<Uuid> = organisations.iter().map(|o| *o.id.as_ref()).collect();
    insert_batches(db, organisations).await?;

    let documents: Vec<document::ActiveModel> = (0..scale * 10)
        .map(|i| document::ActiveModel {
            id: Set(Uuid::now_v7()),
            owner_organisation_id: Set(org_ids[i % org_ids.len()]),
            project_id: Set(None),
            kind: Set(DocumentKind::Report),
            title: Set(format!("Benchmark report {i} on peer support work")),
            summary: Set("A report written for the benchmark.".into()),
            original_locale: Set("en-US".into()),
            content_language: Set("en".into()),
            license: Set(None),
            authors: Set(sammen_entities::list::StringList::from(&["Bench"][..])),
            published_on: Set(None),
            topics: Set(sammen_entities::list::StringList::from(&["bench", "survey"][..])),
            visibility: Set(VISIBILITIES[i % VISIBILITIES.len()]),
            created_by: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .collect();
    insert_batches(db, documents).await?;

    let mut projects = Vec::new();
    let mut participants = Vec::new();
    let mut deliverables = Vec::new();
    let mut milestones = Vec::new();
    for i in 0..scale {
        let id = Uuid::now_v7();
        projects.push(project::ActiveModel {
            id: Set(id),
            code: Set(format!("BENCH-{tag}-{i}")),
            title: Set(format!("Benchmark project {i}")),
            summary: Set("A project for the benchmark.".into()),
            original_locale: Set("en-US".into()),
            status: Set(ProjectStatus::Active),
            starts_on: Set(start),
            ends_on: Set(Some(start + Duration::days(365))),
            funding_programme: Set(Some("Erasmus+".into())),
            grant_reference: Set(None),
            budget_minor: Set(Some(10_000_000)),
            budget_currency: Set(Some("EUR".into())),
            visibility: Set(if i % 2 == 0 {
                Visibility::Public
            } else {
                Visibility::Network
            }),
            created_by: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        let members = [
            hub.id,
            org_ids[i % org_ids.len()],
            org_ids[(i + 1) % org_ids.len()],
        ];
        for (n, organisation) in members.iter().enumerate() {
            if n > 0 && (*organisation == hub.id || *organisation == members[n - 1]) {
                continue;
            }
            participants.push(project_participant::ActiveModel {
                project_id: Set(id),
                organisation_id: Set(*organisation),
                role: Set(if n == 0 {
                    ParticipantRole::Coordinator
                } else {
                    ParticipantRole::Partner
                }),
                created_at: Set(now),
            });
        }
        for d in 0..5 {
            deliverables.push(deliverable::ActiveModel {
                id: Set(Uuid::now_v7()),
                project_id: Set(id),
                code: Set(format!("D{d}")),
                title: Set(format!("Deliverable {d}")),
                original_locale: Set("en-US".into()),
                due_on: Set(Some(start + Duration::days(60 * d))),
                status: Set(DeliverableStatus::Planned),
                responsible_organisation_id: Set(Some(hub.id)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        milestones.push(milestone::ActiveModel {
            id: Set(Uuid::now_v7()),
            project_id: Set(id),
            title: Set("Kick-off".into()),
            due_on: Set(start),
            reached_on: Set(None),
            created_at: Set(now),
        });
    }
    insert_batches(db, projects).await?;
    insert_batches(db, participants).await?;
    insert_batches(db, deliverables).await?;
    insert_batches(db, milestones).await?;

    let mut materials = Vec::new();
    let mut offerings = Vec::new();
    for i in 0..scale {
        let id = Uuid::now_v7();
        materials.push(training_material::ActiveModel {
            id: Set(id),
            provider_organisation_id: Set(org_ids[i % org_ids.len()]),
            kind: Set(TrainingKind::Course),
            title: Set(format!("Benchmark course {i}")),
            summary: Set("A course for the benchmark.".into()),
            prerequisites: Set(String::new()),
            learning_outcomes: Set(sammen_entities::list::StringList::from(
                &["Know the benchmark."][..],
            )),
            original_locale: Set("en-US".into()),
            target_audiences: Set(sammen_entities::list::StringList::from(&["PEER_WORKERS"][..])),
            eqf_level: Set(Some((i % 8) as i32 + 1)),
            ects_credits: Set(Some(7.5)),
            duration: Set(Some("2 days".into())),
            delivery_mode: Set(DeliveryMode::InPerson),
            languages: Set(sammen_entities::list::StringList::from(&["en"][..])),
            license: Set(None),
            topics: Set(sammen_entities::list::StringList::from(&["bench"][..])),
            instructors: Set(sammen_entities::list::StringList::default()),
            visibility: Set(VISIBILITIES[i % VISIBILITIES.len()]),
            created_by: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
        offerings.push(offering::ActiveModel {
            id: Set(Uuid::now_v7()),
            training_material_id: Set(id),
            starts_on: Set(start + Duration::days(i as i64 % 300)),
            ends_on: Set(start + Duration::days(i as i64 % 300 + 1)),
            venue: Set(None),
            city: Set(Some("Oslo".into())),
            country: Set(Some(COUNTRIES[i % COUNTRIES.len()].into())),
            online_url: Set(None),
            language: Set("en".into()),
            price_minor: Set(Some(170_000)),
            price_currency: Set(Some("NOK".into())),
            early_bird_minor: Set(None),
            early_bird_deadline: Set(None),
            capacity: Set(Some(30)),
            registration_url: Set(None),
            status: Set(OfferingStatus::Scheduled),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    insert_batches(db, materials).await?;
    insert_batches(db, offerings).await?;
    tracing::info!(scale, "benchmark data loaded");
    Ok(())
}

async fn insert_batches<A>(db: &DatabaseConnection, rows: Vec<A>) -> anyhow::Result<()>
where
    A: sea_orm::ActiveModelTrait + Send,
{
    let txn = crate::db::begin_write(db).await?;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        <A::Entity as EntityTrait>::insert_many(batch)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}
