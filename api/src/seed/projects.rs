//! Demo projects: the Erasmus+ project the association's guide came from,
//! and the ethics-guidelines project with partners from all four partner
//! countries and members from five (Norway, the United States, Denmark, the
//! Netherlands and South Africa). Budgets and grant references are illustrative.

use super::stored;
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sammen_entities::{
    deliverable, deliverable_document, document, milestone, project, project_member, project_participant,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

/// A calendar day as (year, month, day).
type Ymd = (i32, u32, u32);

/// (code, title, due, status, responsible organisation slug, linked document file)
type DemoDeliverable = (
    &'static str,
    &'static str,
    Ymd,
    &'static str,
    &'static str,
    Option<&'static str>,
);

struct DemoProject {
    code: &'static str,
    title: &'static str,
    summary: &'static str,
    status: &'static str,
    dates: (Ymd, Option<Ymd>),
    funding: Option<&'static str>,
    budget: Option<(i64, &'static str)>,
    visibility: &'static str,
    /// (organisation slug, role)
    participants: &'static [(&'static str, &'static str)],
    deliverables: &'static [DemoDeliverable],
    /// (title, due, reached)
    milestones: &'static [(&'static str, Ymd, bool)],
    /// Documents linked to the project as a whole.
    documents: &'static [&'static str],
}

const PROJECTS: &[DemoProject] = &[
    DemoProject {
        code: "ESPSW-2019",
        title: "European Standards for Peer Support Workers in Mental Health",
        summary: "An Erasmus+ project that developed a further training concept for peer support workers at EQF levels 4 and 5, with guides for its national implementation.",
        status: "COMPLETED",
        dates: ((2019, 9, 1), Some((2021, 8, 31))),
        funding: Some("Erasmus+ KA2 Strategic Partnerships"),
        budget: Some((29_800_000, "EUR")),
        visibility: "PUBLIC",
        participants: &[
            ("grone-bildungszentrum", "COORDINATOR"),
            ("sorlandet-sykehus", "PARTNER"),
            ("platform-ervaringsdeskundigen", "PARTNER"),
            (super::HUB_SLUG, "ASSOCIATE"),
        ],
        deliverables: &[
            (
                "IO1",
                "Competence profile of peer support workers",
                (2020, 3, 31),
                "ACCEPTED",
                "grone-bildungszentrum",
                None,
            ),
            (
                "IO2",
                "Curriculum for further training at EQF levels 4 and 5",
                (2020, 12, 31),
                "ACCEPTED",
                "platform-ervaringsdeskundigen",
                None,
            ),
            (
                "IO3",
                "Guides for national implementation",
                (2021, 6, 30),
                "ACCEPTED",
                "sorlandet-sykehus",
                Some("national-implementation-guide-eqf-4-5.pdf"),
            ),
        ],
        milestones: &[
            ("Kick-off meeting", (2019, 10, 15), true),
            ("Final conference", (2021, 6, 15), true),
        ],
        documents: &["national-implementation-guide-eqf-4-5.pdf"],
    },
    DemoProject {
        code: "ETHICS-2024",
        title: "Shared ethics guidelines for peer support work",
        summary: "Erfaringssentrum and partners in the United States, Denmark, South Africa and the Netherlands write shared ethics guidelines: professionalism, confidentiality, loyalty and the freedom of speech.",
        status: "ACTIVE",
        dates: ((2024, 9, 1), Some((2025, 12, 31))),
        funding: None,
        budget: Some((17_000_000, "NOK")),
        visibility: "PARTNERS",
        participants: &[
            (super::HUB_SLUG, "COORDINATOR"),
            ("new-england-peer-alliance", "PARTNER"),
            ("peer-netvaerket-danmark", "PARTNER"),
            ("cape-peer-recovery-forum", "ASSOCIATE"),
            ("platform-ervaringsdeskundigen", "PARTNER"),
        ],
        deliverables: &[
            (
                "D1",
                "Draft guidelines",
                (2025, 3, 1),
                "IN_PROGRESS",
                super::HUB_SLUG,
                Some("etiske-retningslinjer-utkast.md"),
            ),
            (
                "D2",
                "Consultation with partners",
                (2025, 6, 1),
                "PLANNED",
                "peer-netvaerket-danmark",
                None,
            ),
            (
                "D3",
                "Guidelines in English and Norwegian",
                (2025, 11, 30),
                "PLANNED",
                "new-england-peer-alliance",
                None,
            ),
        ],
        milestones: &[
            ("Consultation round", (2025, 3, 1), false),
            ("Publication", (2025, 12, 1), false),
        ],
        documents: &["etiske-retningslinjer-utkast.md"],
    },
];

fn day((y, m, d): Ymd) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("bad demo date {y}-{m}-{d}"))
}

/// Loads the demo projects. `coordinator` coordinates every one of them;
/// `members` are further (project code, person, COORDINATOR|CONTRIBUTOR|VIEWER),
/// each from an organisation that takes part in that project.
pub(super) async fn load(
    txn: &DatabaseTransaction,
    organisations: &HashMap<&'static str, Uuid>,
    documents: &HashMap<&'static str, Uuid>,
    coordinator: Option<Uuid>,
    members: &[(&'static str, Uuid, &'static str)],
) -> anyhow::Result<()> {
    let now = Utc::now();
    let org = |slug: &str| {
        organisations
            .get(slug)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("no demo organisation {slug}"))
    };
    let doc = |file: &str| {
        documents
            .get(file)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("no demo document {file}"))
    };
    for demo in PROJECTS {
        let id = Uuid::now_v7();
        project::ActiveModel {
            id: Set(id),
            code: Set(demo.code.into()),
            title: Set(demo.title.into()),
            summary: Set(demo.summary.into()),
            original_locale: Set("en-US".into()),
            status: Set(stored(demo.status)?),
            starts_on: Set(day(demo.dates.0)?),
            ends_on: Set(demo.dates.1.map(day).transpose()?),
            funding_programme: Set(demo.funding.map(Into::into)),
            grant_reference: Set(None),
            budget_minor: Set(demo.budget.map(|(amount, _)| amount)),
            budget_currency: Set(demo.budget.map(|(_, currency)| currency.into())),
            visibility: Set(stored(demo.visibility)?),
            created_by: Set(coordinator),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(txn)
        .await?;
        for (joined, (slug, role)) in demo.participants.iter().enumerate() {
            project_participant::ActiveModel {
                project_id: Set(id),
                organisation_id: Set(org(slug)?),
                role: Set(stored(role)?),
                created_at: Set(now + chrono::Duration::milliseconds(joined as i64)),
            }
            .insert(txn)
            .await?;
        }
        let mut joining: Vec<(Uuid, &'static str)> = Vec::new();
        if let Some(coordinator) = coordinator {
            joining.push((coordinator, "COORDINATOR"));
        }
        for (code, person, role) in members {
            if *code == demo.code {
                joining.push((*person, *role));
            }
        }
        for (joined, (person, role)) in joining.into_iter().enumerate() {
            project_member::ActiveModel {
                project_id: Set(id),
                person_id: Set(person),
                role: Set(stored(role)?),
                created_at: Set(now + chrono::Duration::milliseconds(joined as i64)),
            }
            .insert(txn)
            .await?;
        }
        for (code, title, due, status, responsible, file) in demo.deliverables {
            let deliverable_id = Uuid::now_v7();
            deliverable::ActiveModel {
                id: Set(deliverable_id),
                project_id: Set(id),
                code: Set((*code).into()),
                title: Set((*title).into()),
                original_locale: Set("en-US".into()),
                due_on: Set(Some(day(*due)?)),
                status: Set(stored(status)?),
                responsible_organisation_id: Set(Some(org(responsible)?)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(txn)
            .await?;
            if let Some(file) = file {
                deliverable_document::ActiveModel {
                    deliverable_id: Set(deliverable_id),
                    document_id: Set(doc(file)?),
                    created_at: Set(now),
                }
                .insert(txn)
                .await?;
            }
        }
        for (title, due, reached) in demo.milestones {
            milestone::ActiveModel {
                id: Set(Uuid::now_v7()),
                project_id: Set(id),
                title: Set((*title).into()),
                due_on: Set(day(*due)?),
                reached_on: Set(if *reached { Some(day(*due)?) } else { None }),
                created_at: Set(now),
            }
            .insert(txn)
            .await?;
        }
        for file in demo.documents {
            document::Entity::update_many()
                .col_expr(document::Column::ProjectId, Expr::value(Some(id)))
                .filter(document::Column::Id.eq(doc(file)?))
                .exec(txn)
                .await?;
        }
        crate::events::record(
            txn,
            crate::events::NewEvent {
                kind: "project.created",
                subject_type: "Project",
                subject_id: id,
                project_id: Some(id),
                actor_id: coordinator,
                payload: serde_json::json!({ "actor": "Kari Koordinator", "project": format!("{} – {}", demo.code, demo.title) }),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo event: {e:?}"))?;
    }
    Ok(())
}
