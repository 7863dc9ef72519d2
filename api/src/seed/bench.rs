//! `sammen seed bench --scale N`: a large network for benchmarks, on top of
//! the demo data. N organisations, 10·N documents in all four visibilities,
//! translations and some Markdown files (see `corpus`), N active projects with participants, deliverables and a milestone, and N
//! training materials with an offering each.
//!
//! Everything is made by the demo admin through the same domain functions
//! as the API, one change at a time, each with its event: slower than
//! inserting in bulk, but the data is what the API would have made. She
//! starts the projects, so her organisation (the hub) coordinates each one
//! and she is each one's coordinating member.

use chrono::{Duration, NaiveDate};
use sammen_entities::{organisation, person};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{ForRow, Loader, Service, id, strings};
use crate::context::Ctx;
use crate::documents::CreateDocumentInput;
use crate::domain::{
    Audience, Date, DeliveryMode, DocumentKind, MoneyInput, OrganisationKind, ParticipantRole,
    PartnershipStatus, ProjectStatus, TrainingKind, TranslationStatus, Visibility,
};
use crate::organisations::CreateOrganisationInput;
use crate::projects::{CreateDeliverableInput, CreateMilestoneInput, CreateProjectInput};
use crate::training::{CreateTrainingMaterialInput, OfferingInput};

const COUNTRIES: [&str; 5] = ["NO", "US", "DK", "ZA", "NL"];
const VISIBILITIES: [Visibility; 4] = [
    Visibility::Private,
    Visibility::Partners,
    Visibility::Network,
    Visibility::Public,
];

/// Loads the benchmark data as the demo admin; the demo data must be there.
pub async fn load(service: Service<'_>, scale: usize) -> anyhow::Result<()> {
    let db = service.db;
    let hub = organisation::Entity::find()
        .filter(organisation::Column::Slug.eq(super::HUB_SLUG))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("load the demo data first"))?;
    let email = super::people::admin()?.email;
    let admin = person::Entity::find()
        .filter(person::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("load the demo data first (no {email})"))?;
    let loader = Loader::new(service);
    let admin = loader.as_person(&admin).await?;
    let ctx = loader.ctx(&admin);
    let run = Uuid::now_v7().simple().to_string();
    let tag = &run[run.len() - 6..];
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default();

    let mut organisations = Vec::with_capacity(scale);
    for i in 0..scale {
        let created = crate::organisations::create(
            &ctx,
            CreateOrganisationInput {
                slug: format!("bench-{tag}-{i}"),
                name: format!("Bench organisation {i}"),
                country: COUNTRIES[i % COUNTRIES.len()].into(),
                city: Some("Oslo".into()),
                kind: OrganisationKind::Ngo,
                website: None,
                contact_email: None,
                description: format!("Benchmark organisation number {i} working on peer support."),
                original_locale: Some("en-US".into()),
                partnership_status: Some(if i % 3 == 0 {
                    PartnershipStatus::Prospect
                } else {
                    PartnershipStatus::Active
                }),
                agreement_date: None,
                focus_areas: strings(&["peer support"]),
            },
        )
        .await
        .for_row(format!("bench organisation {i}"))?;
        organisations.push(created.id);
    }
    tracing::info!(scale, "benchmark organisations loaded");

    let mut corpus = super::corpus::Corpus::new(scale as u64);
    for i in 0..scale * 10 {
        let texts = corpus.document(i);
        let row = format!("bench document {i}");
        let (_, title, summary) = &texts.locales[0];
        let created = crate::documents::create(
            &ctx,
            CreateDocumentInput {
                owner_organisation_id: Some(id(organisations[i % organisations.len()])),
                kind: DocumentKind::Report,
                title: title.clone(),
                summary: summary.clone(),
                original_locale: Some(texts.original_locale.into()),
                content_language: Some(texts.content_language.into()),
                license: None,
                authors: strings(&["Bench"]),
                published_on: None,
                topics: strings(&["bench", "survey"]),
                visibility: VISIBILITIES[i % VISIBILITIES.len()],
            },
        )
        .await
        .for_row(&row)?;
        for (locale, title, summary) in &texts.locales[1..] {
            crate::documents::translate(
                &ctx,
                created.id,
                locale,
                title,
                summary,
                TranslationStatus::Reviewed,
            )
            .await
            .for_row(format!("{row}, {locale}"))?;
        }
        if let Some(markdown) = texts.markdown {
            let filename = format!("bench-{i}.md");
            super::documents::first_version(
                &ctx,
                created.id,
                &filename,
                "text/markdown",
                markdown.into_bytes(),
            )
            .await
            .for_row(format!("{row}, its file"))?;
        }
    }
    tracing::info!(scale, "benchmark documents loaded");

    for i in 0..scale {
        let partners = [
            organisations[i % organisations.len()],
            organisations[(i + 1) % organisations.len()],
        ];
        project(&ctx, tag, i, start, hub.id, partners).await?;
    }
    tracing::info!(scale, "benchmark projects loaded");

    for i in 0..scale {
        let material = crate::training::changes::create(
            &ctx,
            CreateTrainingMaterialInput {
                provider_organisation_id: Some(id(organisations[i % organisations.len()])),
                kind: TrainingKind::Course,
                title: format!("Benchmark course {i}"),
                summary: "A course for the benchmark.".into(),
                prerequisites: String::new(),
                learning_outcomes: strings(&["Know the benchmark."]),
                original_locale: Some("en-US".into()),
                target_audiences: vec![Audience::PeerWorkers],
                eqf_level: Some((i % 8) as i32 + 1),
                ects_credits: Some(7.5),
                duration: Some("2 days".into()),
                delivery_mode: DeliveryMode::InPerson,
                languages: strings(&["en"]),
                license: None,
                topics: strings(&["bench"]),
                instructors: Vec::new(),
                visibility: VISIBILITIES[i % VISIBILITIES.len()],
            },
        )
        .await
        .for_row(format!("bench course {i}"))?;
        let starts_on = start + Duration::days(i as i64 % 300);
        crate::training::changes::schedule_offering(
            &ctx,
            material.id,
            OfferingInput {
                starts_on: Date(starts_on),
                ends_on: Some(Date(starts_on + Duration::days(1))),
                venue: None,
                city: Some("Oslo".into()),
                country: Some(COUNTRIES[i % COUNTRIES.len()].into()),
                online_url: None,
                language: "en".into(),
                price: Some(MoneyInput {
                    amount_minor: 170_000,
                    currency: "NOK".into(),
                }),
                early_bird_price: None,
                early_bird_deadline: None,
                capacity: Some(30),
                registration_url: None,
                programme: Vec::new(),
            },
        )
        .await
        .for_row(format!("bench course {i}, offering"))?;
    }
    tracing::info!(scale, "benchmark data loaded");
    Ok(())
}

/// Starts benchmark project `i` (the hub coordinates it), adds `partners`
/// once each, plans five deliverables and a kick-off, and makes it ACTIVE.
async fn project(
    ctx: &Ctx<'_>,
    tag: &str,
    i: usize,
    start: NaiveDate,
    hub: Uuid,
    partners: [Uuid; 2],
) -> anyhow::Result<()> {
    let row = format!("bench project {i}");
    let created = crate::projects::create_project(
        ctx,
        CreateProjectInput {
            code: format!("BENCH-{tag}-{i}"),
            title: format!("Benchmark project {i}"),
            summary: "A project for the benchmark.".into(),
            original_locale: Some("en-US".into()),
            starts_on: Date(start),
            ends_on: Some(Date(start + Duration::days(365))),
            funding_programme: Some("Erasmus+".into()),
            grant_reference: None,
            budget: Some(MoneyInput {
                amount_minor: 10_000_000,
                currency: "EUR".into(),
            }),
            visibility: if i.is_multiple_of(2) {
                Visibility::Public
            } else {
                Visibility::Network
            },
        },
    )
    .await
    .for_row(&row)?;
    let project_id = id(created.id);
    let mut joined = vec![hub];
    for partner in partners {
        if joined.contains(&partner) {
            continue;
        }
        crate::projects::add_project_participant(
            ctx,
            project_id.clone(),
            id(partner),
            ParticipantRole::Partner,
        )
        .await
        .for_row(&row)?;
        joined.push(partner);
    }
    for d in 0..5 {
        crate::projects::create_deliverable(
            ctx,
            CreateDeliverableInput {
                project_id: project_id.clone(),
                code: format!("D{d}"),
                title: format!("Deliverable {d}"),
                original_locale: None,
                due_on: Some(Date(start + Duration::days(60 * d))),
                responsible_organisation_id: Some(id(hub)),
            },
        )
        .await
        .for_row(&row)?;
    }
    crate::projects::create_milestone(
        ctx,
        CreateMilestoneInput {
            project_id: project_id.clone(),
            title: "Kick-off".into(),
            due_on: Date(start),
        },
    )
    .await
    .for_row(&row)?;
    crate::projects::change_project_status(ctx, project_id, ProjectStatus::Active)
        .await
        .for_row(&row)?;
    Ok(())
}
