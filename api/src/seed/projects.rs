//! Demo projects: the Erasmus+ project the association's guide came from,
//! and the ethics-guidelines project with partners from all four partner
//! countries and members from five (Norway, the United States, Denmark, the
//! Netherlands and South Africa). Budgets and grant references are
//! illustrative.
//!
//! A project is made as people make one: someone starts it (their
//! organisation becomes its coordinating participant, they its coordinating
//! member), brings in the other organisations and people, and its
//! coordinator plans it and walks it to where the table says it stands.

use super::{ForRow, Loaded, Loader, Ymd, date, id};
use crate::auth::Caller;
use crate::domain::{DeliverableStatus, MemberRole, MoneyInput, ParticipantRole, ProjectStatus, Visibility};
use crate::projects::{self, CreateDeliverableInput, CreateMilestoneInput, CreateProjectInput};

/// (code, title, due, status, responsible organisation slug, linked document file)
type DemoDeliverable = (
    &'static str,
    &'static str,
    Ymd,
    DeliverableStatus,
    &'static str,
    Option<&'static str>,
);

struct DemoProject {
    code: &'static str,
    title: &'static str,
    summary: &'static str,
    status: ProjectStatus,
    dates: (Ymd, Option<Ymd>),
    funding: Option<&'static str>,
    budget: Option<(i64, &'static str)>,
    visibility: Visibility,
    /// The e-mail of who starts it, a person of its first participant (the
    /// coordinating organisation). They stay a member only if `members`
    /// names them.
    started_by: &'static str,
    /// (e-mail, role), each of an organisation that takes part; the first
    /// COORDINATOR runs the project once it is started.
    members: &'static [(&'static str, MemberRole)],
    /// (organisation slug, role), in the order they join.
    participants: &'static [(&'static str, ParticipantRole)],
    deliverables: &'static [DemoDeliverable],
    /// (title, due, reached on the day it was due)
    milestones: &'static [(&'static str, Ymd, bool)],
    /// Documents linked to the project as a whole.
    documents: &'static [&'static str],
}

const PROJECTS: &[DemoProject] = &[
    DemoProject {
        code: "ESPSW-2019",
        title: "European Standards for Peer Support Workers in Mental Health",
        summary: "An Erasmus+ project that developed a further training concept for peer support workers at EQF levels 4 and 5, with guides for its national implementation.",
        status: ProjectStatus::Completed,
        dates: ((2019, 9, 1), Some((2021, 8, 31))),
        funding: Some("Erasmus+ KA2 Strategic Partnerships"),
        budget: Some((29_800_000, "EUR")),
        visibility: Visibility::Public,
        // The Erasmus+ coordinator's admin starts it and brings in the
        // association's coordinator, who then runs it on her own.
        started_by: "juergen@grone-bildungszentrum.example",
        members: &[("coordinator@example.org", MemberRole::Coordinator)],
        participants: &[
            ("grone-bildungszentrum", ParticipantRole::Coordinator),
            ("sorlandet-sykehus", ParticipantRole::Partner),
            ("platform-ervaringsdeskundigen", ParticipantRole::Partner),
            (super::HUB_SLUG, ParticipantRole::Associate),
        ],
        deliverables: &[
            (
                "IO1",
                "Competence profile of peer support workers",
                (2020, 3, 31),
                DeliverableStatus::Accepted,
                "grone-bildungszentrum",
                None,
            ),
            (
                "IO2",
                "Curriculum for further training at EQF levels 4 and 5",
                (2020, 12, 31),
                DeliverableStatus::Accepted,
                "platform-ervaringsdeskundigen",
                None,
            ),
            (
                "IO3",
                "Guides for national implementation",
                (2021, 6, 30),
                DeliverableStatus::Accepted,
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
        status: ProjectStatus::Active,
        dates: ((2024, 9, 1), Some((2025, 12, 31))),
        funding: None,
        budget: Some((17_000_000, "NOK")),
        visibility: Visibility::Partners,
        started_by: "coordinator@example.org",
        // People from Norway, the United States, Denmark, the Netherlands
        // and South Africa.
        members: &[
            ("coordinator@example.org", MemberRole::Coordinator),
            ("partner@example.org", MemberRole::Contributor),
            ("mette@peer-netvaerket.example", MemberRole::Contributor),
            (
                "renee@platform-ervaringsdeskundigen.example",
                MemberRole::Contributor,
            ),
            ("thandiwe@cape-peer-recovery.example", MemberRole::Viewer),
        ],
        participants: &[
            (super::HUB_SLUG, ParticipantRole::Coordinator),
            ("new-england-peer-alliance", ParticipantRole::Partner),
            ("peer-netvaerket-danmark", ParticipantRole::Partner),
            ("cape-peer-recovery-forum", ParticipantRole::Associate),
            ("platform-ervaringsdeskundigen", ParticipantRole::Partner),
        ],
        deliverables: &[
            (
                "D1",
                "Draft guidelines",
                (2025, 3, 1),
                DeliverableStatus::InProgress,
                super::HUB_SLUG,
                Some("etiske-retningslinjer-utkast.md"),
            ),
            (
                "D2",
                "Consultation with partners",
                (2025, 6, 1),
                DeliverableStatus::Planned,
                "peer-netvaerket-danmark",
                None,
            ),
            (
                "D3",
                "Guidelines in English and Norwegian",
                (2025, 11, 30),
                DeliverableStatus::Planned,
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

/// Loads the demo projects.
pub(super) async fn load(loader: &Loader<'_>, admin: &Caller, loaded: &Loaded) -> anyhow::Result<()> {
    for demo in PROJECTS {
        load_one(loader, admin, loaded, demo).await?;
    }
    Ok(())
}

async fn load_one(
    loader: &Loader<'_>,
    admin: &Caller,
    loaded: &Loaded,
    demo: &DemoProject,
) -> anyhow::Result<()> {
    let row = format!("project {}", demo.code);
    let starter = loaded.person(demo.started_by)?;
    let Some(((first, first_role), others)) = demo.participants.split_first() else {
        anyhow::bail!("the demo {row} has no participants");
    };
    anyhow::ensure!(
        *first_role == ParticipantRole::Coordinator
            && starter.organisation_id == Some(loaded.organisation(first)?),
        "the demo {row} is started by a person of its first participant, its coordinator"
    );
    let starting = loader.as_person(starter).await?;
    let as_starter = loader.ctx(&starting);
    let project = projects::create_project(
        &as_starter,
        CreateProjectInput {
            code: demo.code.into(),
            title: demo.title.into(),
            summary: demo.summary.into(),
            original_locale: Some("en-US".into()),
            starts_on: date(demo.dates.0)?,
            ends_on: demo.dates.1.map(date).transpose()?,
            funding_programme: demo.funding.map(Into::into),
            grant_reference: None,
            budget: demo.budget.map(|(amount_minor, currency)| MoneyInput {
                amount_minor,
                currency: currency.into(),
            }),
            visibility: demo.visibility,
        },
    )
    .await
    .for_row(&row)?;
    let project_id = id(project.id);

    for (slug, role) in others {
        let organisation = id(loaded.organisation(slug)?);
        projects::add_project_participant(&as_starter, project_id.clone(), organisation, *role)
            .await
            .for_row(format!("{row}, participant {slug}"))?;
    }
    for (email, role) in demo.members.iter().filter(|(email, _)| *email != demo.started_by) {
        let person = id(loaded.person(email)?.id);
        projects::add_project_member(&as_starter, project_id.clone(), person, *role)
            .await
            .for_row(format!("{row}, member {email}"))?;
    }
    let Some((coordinator, _)) = demo
        .members
        .iter()
        .find(|(_, role)| *role == MemberRole::Coordinator)
    else {
        anyhow::bail!("the demo {row} has no coordinating member");
    };
    let coordinating = loader.as_person(loaded.person(coordinator)?).await?;
    let as_coordinator = loader.ctx(&coordinating);
    if !demo.members.iter().any(|(email, _)| *email == demo.started_by) {
        projects::remove_project_member(&as_coordinator, project_id.clone(), id(starter.id))
            .await
            .for_row(format!("{row}, {} leaving", demo.started_by))?;
    }

    // Linking opens a document to the project's participants, which only
    // its owner's people and admins may do: the admin links them.
    let as_admin = loader.ctx(admin);
    for (code, title, due, status, responsible, file) in demo.deliverables {
        let what = format!("{row}, deliverable {code}");
        let deliverable = projects::create_deliverable(
            &as_coordinator,
            CreateDeliverableInput {
                project_id: project_id.clone(),
                code: (*code).into(),
                title: (*title).into(),
                original_locale: None,
                due_on: Some(date(*due)?),
                responsible_organisation_id: Some(id(loaded.organisation(responsible)?)),
            },
        )
        .await
        .for_row(&what)?;
        for step in deliverable_steps(*status) {
            projects::change_deliverable_status(&as_coordinator, id(deliverable.id), *step)
                .await
                .for_row(&what)?;
        }
        if let Some(file) = file {
            projects::link_document_to_deliverable(&as_admin, id(deliverable.id), id(loaded.document(file)?))
                .await
                .for_row(format!("{what}, {file}"))?;
        }
    }
    for (title, due, reached) in demo.milestones {
        let what = format!("{row}, milestone {title}");
        let milestone = projects::create_milestone(
            &as_coordinator,
            CreateMilestoneInput {
                project_id: project_id.clone(),
                title: (*title).into(),
                due_on: date(*due)?,
            },
        )
        .await
        .for_row(&what)?;
        if *reached {
            projects::mark_milestone_reached(&as_coordinator, id(milestone.id), Some(date(*due)?))
                .await
                .for_row(&what)?;
        }
    }
    for file in demo.documents {
        projects::link_document_to_project(&as_admin, project_id.clone(), id(loaded.document(file)?))
            .await
            .for_row(format!("{row}, {file}"))?;
    }
    for step in project_steps(demo.status) {
        projects::change_project_status(&as_coordinator, project_id.clone(), *step)
            .await
            .for_row(&row)?;
    }
    Ok(())
}

/// The moves from PLANNED, where every project starts, to `status`.
fn project_steps(status: ProjectStatus) -> &'static [ProjectStatus] {
    use ProjectStatus::*;
    match status {
        Planned => &[],
        Active => &[Active],
        Completed => &[Active, Completed],
        Cancelled => &[Cancelled],
    }
}

/// The moves from PLANNED, where every deliverable starts, to `status`.
fn deliverable_steps(status: DeliverableStatus) -> &'static [DeliverableStatus] {
    use DeliverableStatus::*;
    match status {
        Planned => &[],
        InProgress => &[InProgress],
        Submitted => &[InProgress, Submitted],
        Accepted => &[InProgress, Submitted, Accepted],
    }
}
