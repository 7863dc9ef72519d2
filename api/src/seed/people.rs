//! Demo people: five demo sign-ins, and two or three people in each partner
//! organisation abroad, all with the same password.

use super::{DEMO_PASSWORD, ForRow, Loaded, Loader, id, strings};
use crate::auth::Caller;
use crate::domain::OrgRole;
use crate::people::CreateUserInput;

pub(super) struct DemoPerson {
    pub email: &'static str,
    pub name: &'static str,
    /// The slug of the organisation they work at.
    pub organisation: &'static str,
    pub org_role: OrgRole,
    /// Network admin.
    pub is_admin: bool,
    pub translates_into: &'static [&'static str],
    pub preferred_locale: &'static str,
}

const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        email: "admin@example.org",
        name: "Ada Admin",
        organisation: super::HUB_SLUG,
        org_role: OrgRole::OrgAdmin,
        is_admin: true,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "coordinator@example.org",
        name: "Kari Koordinator",
        organisation: super::HUB_SLUG,
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "nb-NO",
    },
    DemoPerson {
        email: "translator@example.org",
        name: "Tore Translatør",
        organisation: super::HUB_SLUG,
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &["nb-NO"],
        preferred_locale: "nb-NO",
    },
    DemoPerson {
        email: "partner@example.org",
        name: "Pat Partner",
        organisation: "new-england-peer-alliance",
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "oversaetter@example.org",
        name: "Line Kjærsgaard",
        organisation: "peer-netvaerket-danmark",
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &["da-DK"],
        preferred_locale: "da-DK",
    },
    // People in the partner organisations, who sign in with the same password.
    DemoPerson {
        email: "marisol@new-england-peers.example",
        name: "Marisol Ortega",
        organisation: "new-england-peer-alliance",
        org_role: OrgRole::OrgAdmin,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "mette@peer-netvaerket.example",
        name: "Mette Højgaard",
        organisation: "peer-netvaerket-danmark",
        org_role: OrgRole::OrgAdmin,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "da-DK",
    },
    DemoPerson {
        email: "soren@peer-netvaerket.example",
        name: "Søren Kærgaard",
        organisation: "peer-netvaerket-danmark",
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "da-DK",
    },
    DemoPerson {
        email: "renee@platform-ervaringsdeskundigen.example",
        name: "Renée van der Berg",
        organisation: "platform-ervaringsdeskundigen",
        org_role: OrgRole::OrgAdmin,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "nl-NL",
    },
    DemoPerson {
        email: "zoe@platform-ervaringsdeskundigen.example",
        name: "Zoë Bakker",
        organisation: "platform-ervaringsdeskundigen",
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "nl-NL",
    },
    DemoPerson {
        email: "juergen@grone-bildungszentrum.example",
        name: "Jürgen Müller",
        organisation: "grone-bildungszentrum",
        org_role: OrgRole::OrgAdmin,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "annika@grone-bildungszentrum.example",
        name: "Annika Schröder",
        organisation: "grone-bildungszentrum",
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "thandiwe@cape-peer-recovery.example",
        name: "Thandiwe Nkosi",
        organisation: "cape-peer-recovery-forum",
        org_role: OrgRole::OrgAdmin,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "pieter@cape-peer-recovery.example",
        name: "Pieter van Wyk",
        organisation: "cape-peer-recovery-forum",
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "sipho@ubuntu-peer-workers.example",
        name: "Sipho Dlamini",
        organisation: "ubuntu-peer-workers",
        org_role: OrgRole::OrgAdmin,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "lerato@ubuntu-peer-workers.example",
        name: "Lerato Mokoena",
        organisation: "ubuntu-peer-workers",
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "en-US",
    },
    DemoPerson {
        email: "ase@kbt.example",
        name: "Åse Ødegård",
        organisation: "kbt",
        org_role: OrgRole::Member,
        is_admin: false,
        translates_into: &[],
        preferred_locale: "nb-NO",
    },
];

/// The network admin, who loads the rest (see `bootstrap`).
pub(super) fn admin() -> anyhow::Result<&'static DemoPerson> {
    let mut admins = PEOPLE.iter().filter(|p| p.is_admin);
    match (admins.next(), admins.next()) {
        (Some(admin), None) => Ok(admin),
        _ => anyhow::bail!("the demo data has one network admin"),
    }
}

/// Adds everyone but the admin (whom `bootstrap` stored), as the admin.
pub(super) async fn load(loader: &Loader<'_>, admin: &Caller, loaded: &mut Loaded) -> anyhow::Result<()> {
    let ctx = loader.ctx(admin);
    // Everyone has the admin's password: hashed once, in `bootstrap`.
    let hash = admin.person.as_ref().and_then(|p| p.password_hash.clone());
    for demo in PEOPLE.iter().filter(|p| !p.is_admin) {
        let person = crate::people::create_with_hash(
            &ctx,
            CreateUserInput {
                email: demo.email.into(),
                display_name: demo.name.into(),
                password: DEMO_PASSWORD.into(),
                organisation_id: Some(id(loaded.organisation(demo.organisation)?)),
                org_role: demo.org_role,
                is_admin: false,
                translator_locales: strings(demo.translates_into),
                preferred_locale: Some(demo.preferred_locale.into()),
            },
            hash.as_deref(),
        )
        .await
        .for_row(format!("person {}", demo.email))?;
        loaded.people.insert(demo.email, person);
    }
    Ok(())
}
