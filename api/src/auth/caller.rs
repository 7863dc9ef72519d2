//! The caller of a request: who they are, what they act as (a person with
//! a session, or an organisation's system with an API token), and the
//! rights that follow, which `policy` reads.

use sammen_entities::{organisation, person};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::token::TokenKind;
use crate::domain::{OrgRole, TokenScope};
use crate::error::{ApiError, ApiResult};

/// Whom a request acts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Acting {
    /// Nobody signed in.
    Anonymous,
    /// A person with a session: their own rights (network admin,
    /// organisation admin, translator, project memberships).
    Person,
    /// A partner's system with an API token: a plain member of the token's
    /// organisation, and nothing more. It never carries its creator's
    /// network-admin, organisation-admin or translator rights, nor their
    /// project memberships.
    Organisation(Uuid),
}

/// The caller of one request.
#[derive(Clone, Debug)]
pub struct Caller {
    /// The person signed in, or who made the API token (as stored: their
    /// rights are read through `acting`, never from this row directly).
    pub person: Option<person::Model>,
    pub acting: Acting,
    pub token_id: Option<Uuid>,
    pub token_kind: Option<TokenKind>,
    pub scope: TokenScope,
    /// The caller's organisation is in the network (AGREEMENT or ACTIVE, not
    /// archived), so NETWORK content is open to it.
    pub network_member: bool,
    /// The caller works at the hub association, which runs the network and
    /// so sees every organisation in it, prospects included.
    pub hub_member: bool,
}

impl Caller {
    pub fn anonymous() -> Self {
        Self {
            person: None,
            acting: Acting::Anonymous,
            token_id: None,
            token_kind: None,
            scope: TokenScope::Read,
            network_member: false,
            hub_member: false,
        }
    }

    /// `person` acting with their own rights, as with a session (what
    /// `auth::token` makes of a session token, without one): for the demo
    /// data, which acts as its people without signing them in.
    pub async fn session_of(db: &impl ConnectionTrait, person: person::Model) -> ApiResult<Self> {
        let (network_member, hub_member) = standing(db, person.organisation_id).await?;
        Ok(Self {
            person: Some(person),
            acting: Acting::Person,
            token_id: None,
            token_kind: Some(TokenKind::Session),
            scope: TokenScope::ReadWrite,
            network_member,
            hub_member,
        })
    }

    /// An organisation's own system, as its READ API token would be: what
    /// the organisation may read now, and nothing more (the rights a
    /// webhook delivery is checked with).
    pub async fn system_of(db: &impl ConnectionTrait, organisation: Uuid) -> ApiResult<Self> {
        let (network_member, hub_member) = standing(db, Some(organisation)).await?;
        Ok(Self {
            person: None,
            acting: Acting::Organisation(organisation),
            token_id: None,
            token_kind: None,
            scope: TokenScope::Read,
            network_member,
            hub_member,
        })
    }

    /// The signed-in person, or UNAUTHENTICATED.
    pub fn person(&self) -> ApiResult<&person::Model> {
        self.person.as_ref().ok_or_else(ApiError::unauthenticated)
    }

    /// The signed-in person, if the token may change things (a READ API
    /// token may not: FORBIDDEN).
    pub fn writer(&self) -> ApiResult<&person::Model> {
        let person = self.person()?;
        if self.scope != TokenScope::ReadWrite {
            return Err(ApiError::forbidden().arg("reason", "read-only-token"));
        }
        Ok(person)
    }

    /// The person, when acting with their own rights (a session).
    pub(super) fn own(&self) -> Option<&person::Model> {
        match self.acting {
            Acting::Person => self.person.as_ref(),
            Acting::Anonymous | Acting::Organisation(_) => None,
        }
    }

    /// A network admin with a session.
    pub fn is_admin(&self) -> bool {
        self.own().is_some_and(|p| p.is_admin)
    }

    /// The organisation the caller acts for: the person's, or the API token's.
    pub fn organisation_id(&self) -> Option<Uuid> {
        match self.acting {
            Acting::Person => self.person.as_ref().and_then(|p| p.organisation_id),
            Acting::Organisation(organisation) => Some(organisation),
            Acting::Anonymous => None,
        }
    }

    /// The person whose project memberships count (none for an API token).
    pub fn member_id(&self) -> Option<Uuid> {
        self.own().map(|p| p.id)
    }

    /// Whether the caller is an API token acting for its organisation.
    pub fn is_api_token(&self) -> bool {
        matches!(self.acting, Acting::Organisation(_))
    }

    pub(super) fn is_org_admin_of(&self, organisation_id: Uuid) -> bool {
        self.own()
            .is_some_and(|p| p.organisation_id == Some(organisation_id) && p.org_role == OrgRole::OrgAdmin)
    }

    /// The locales the caller translates into (none for an API token).
    pub(super) fn translator_locales(&self) -> Vec<&str> {
        self.own()
            .map(|p| p.translator_locales.items().iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// Whether an organisation is in the network (AGREEMENT or ACTIVE) and
/// whether it is the hub: neither for no organisation or an archived one.
pub(super) async fn standing(
    db: &impl ConnectionTrait,
    organisation: Option<Uuid>,
) -> ApiResult<(bool, bool)> {
    let found = match organisation {
        Some(id) => organisation::Entity::find_by_id(id)
            .one(db)
            .await?
            .filter(|o| o.archived_at.is_none()),
        None => None,
    };
    Ok((
        found
            .as_ref()
            .is_some_and(|o| o.partnership_status.is_network_member()),
        found.as_ref().is_some_and(|o| o.is_hub),
    ))
}
