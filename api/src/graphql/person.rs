//! People (the GraphQL `User`), signing in and out, and API tokens.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{Duration, Utc};
use sammen_entities::{auth_token, person};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, Set};
use uuid::Uuid;

use super::loaders::PeoplePage;
use super::organisation::{Organisation, find_visible};
use super::pagination::{self, ConnectionTotals, Cursor, Listing, Page, Sort};
use super::{RequestState, filters, parse_id};
use crate::auth::people::NewPerson;
use crate::auth::throttle::AttemptKeys;
use crate::auth::token::{self, NewToken, TokenKind};
use crate::auth::{password, policy};
use crate::domain::{Email, OrgRole, TokenScope, name_text, new_password};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::events::{Change, NewEvent};
use serde_json::json;

/// A person who signs in. Their e-mail address is shown only to themselves,
/// their organisation and network admins; their tokens only to themselves,
/// their organisation's admins and network admins.
pub struct User {
    pub person: person::Model,
    /// The person is the one who just signed in, though the request was anonymous.
    signing_in: bool,
}

impl User {
    pub fn new(person: person::Model) -> Self {
        Self {
            person,
            signing_in: false,
        }
    }

    fn may_see_details(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let state = RequestState::of(ctx)?;
        Ok(self.signing_in || policy::can_see_person_details(&state.caller, &self.person))
    }
}

#[Object]
impl User {
    async fn id(&self) -> ID {
        ID(self.person.id.to_string())
    }

    /// Null unless the caller may see it: the person, their organisation's
    /// people and network admins.
    async fn email(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        let state = RequestState::of(ctx)?;
        let visible = self.signing_in || policy::can_see_email(&state.caller, &self.person);
        Ok(visible.then_some(self.person.email.as_str()))
    }

    async fn display_name(&self) -> &str {
        &self.person.display_name
    }

    /// The organisation the person belongs to, if the caller may see it.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let Some(id) = self.person.organisation_id else {
            return Ok(None);
        };
        let state = RequestState::of(ctx)?;
        Ok(state.loaders.organisation.load_one(id).await?.map(Organisation))
    }

    async fn org_role(&self) -> OrgRole {
        OrgRole::from_db(&self.person.org_role).unwrap_or(OrgRole::Member)
    }

    /// Network administrator of the association.
    async fn is_admin(&self) -> bool {
        self.person.is_admin
    }

    /// Locales this person may translate stored content into.
    async fn translator_locales(&self) -> Vec<String> {
        self.person
            .translator_locales
            .as_array()
            .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    async fn preferred_locale(&self) -> Option<&str> {
        self.person.preferred_locale.as_deref()
    }

    async fn disabled(&self) -> bool {
        self.person.disabled
    }

    /// The person's API tokens (never their secrets); empty unless the caller may see them.
    #[graphql(complexity = "crate::graphql::cost::list(child_complexity)")]
    async fn api_tokens(&self, ctx: &Context<'_>) -> ApiResult<Vec<ApiToken>> {
        if !self.may_see_details(ctx)? {
            return Ok(Vec::new());
        }
        let state = RequestState::of(ctx)?;
        let tokens = state
            .loaders
            .api_tokens
            .load_one(self.person.id)
            .await?
            .unwrap_or_default();
        Ok(tokens.into_iter().map(ApiToken).collect())
    }

    async fn version(&self) -> i32 {
        self.person.version
    }

    async fn created_at(&self) -> chrono::DateTime<Utc> {
        self.person.created_at
    }
}

/// A named token for a partner's own system. Its secret is shown once, by `createApiToken`.
pub struct ApiToken(pub auth_token::Model);

#[Object]
impl ApiToken {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    async fn name(&self) -> &str {
        self.0.name.as_deref().unwrap_or_default()
    }

    async fn scope(&self) -> TokenScope {
        TokenScope::from_db(&self.0.scope).unwrap_or(TokenScope::Read)
    }

    /// The organisation the token acts for.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let Some(id) = self.0.organisation_id else {
            return Ok(None);
        };
        let state = RequestState::of(ctx)?;
        Ok(state.loaders.organisation.load_one(id).await?.map(Organisation))
    }

    async fn created_at(&self) -> chrono::DateTime<Utc> {
        self.0.created_at
    }

    async fn expires_at(&self) -> chrono::DateTime<Utc> {
        self.0.expires_at
    }

    async fn last_used_at(&self) -> Option<chrono::DateTime<Utc>> {
        self.0.last_used_at
    }

    async fn revoked_at(&self) -> Option<chrono::DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A new session.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send as `Authorization: Bearer <token>`. Shown only now.
    pub token: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub user: User,
}

/// A new API token.
#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    /// The secret, shown only now: store it safely.
    pub token: String,
    pub api_token: ApiToken,
}

/// A new person.
#[derive(InputObject)]
pub struct CreateUserInput {
    pub email: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    /// Required for organisation admins creating people; network admins may omit it.
    pub organisation_id: Option<ID>,
    #[graphql(default_with = "OrgRole::Member")]
    pub org_role: OrgRole,
    /// Network admin (only network admins may grant it).
    #[graphql(default)]
    pub is_admin: bool,
    /// Locales the person may translate stored content into, e.g. `["nb-NO"]`.
    #[graphql(default)]
    pub translator_locales: Vec<String>,
    pub preferred_locale: Option<String>,
}

/// Narrows `people`. Every given field must match.
#[derive(InputObject, Default)]
pub struct PersonFilter {
    pub organisation_id: Option<ID>,
    /// Words to find in the name, ignoring case and accents: `Soren` finds
    /// `Søren`, `Ase` finds `Åse`.
    pub query: Option<String>,
}

pub type UserConnection = Connection<String, User, ConnectionTotals>;

/// The tag of cursors over people (by folded name, then id).
const PEOPLE_ORDER: &str = "people";

#[derive(Default)]
pub struct PersonQuery;

#[Object]
impl PersonQuery {
    /// The signed-in person; null for anonymous callers.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let state = RequestState::of(ctx)?;
        Ok(state.caller.person.clone().map(User::new))
    }

    /// People the caller may see, by name: their own organisation's, those
    /// of organisations in the caller's projects and those projects' members
    /// (everyone for network admins; nobody for anonymous callers; an API
    /// token sees its organisation's people only).
    #[graphql(complexity = "pagination::complexity(first, child_complexity)")]
    async fn people(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PersonFilter>,
    ) -> ApiResult<UserConnection> {
        let state = RequestState::of(ctx)?;
        let page = Page::parse(first, after.as_deref())?;
        let filter = filter.unwrap_or_default();
        let mut condition = Condition::all().add(policy::person_read(&state.caller));
        if let Some(organisation) = &filter.organisation_id {
            let organisation = parse_id("filter.organisationId", organisation)?;
            condition = condition.add(person::Column::OrganisationId.eq(organisation));
        }
        if let Some(query) = filter.query.as_deref() {
            condition = condition.add(name_matches(
                state.db.get_database_backend(),
                "filter.query",
                query,
            )?);
        }
        let list = Listing {
            id: person::Column::Id,
            sort: Sort::TextAsc(person::Column::SearchName),
            order: PEOPLE_ORDER.to_owned(),
        };
        let count = ctx.look_ahead().field("totalCount").exists();
        pagination::keyset_page::<person::Entity, _>(
            &state.db,
            list,
            condition,
            &page,
            count,
            |p| (p.id, p.search_name.clone()),
            User::new,
        )
        .await
    }
}

/// Every word of `query` in the folded name.
fn name_matches(backend: sea_orm::DbBackend, field: &str, query: &str) -> ApiResult<Condition> {
    if query.chars().count() > 200 {
        return Err(ApiError::invalid(field, "input-too-long").arg("max", 200u64));
    }
    let folded = sammen_entities::search::fold(query);
    let mut condition = Condition::all();
    for word in folded.split_whitespace().take(8) {
        condition = condition.add(filters::contains_text(
            backend,
            Expr::col((person::Entity, person::Column::SearchName)),
            word,
        ));
    }
    Ok(condition)
}

/// One page of an organisation's people the caller may see, by name
/// (`Organisation.people`), loaded with every other organisation's page of
/// the same request in one statement.
pub async fn organisation_people(
    ctx: &Context<'_>,
    organisation: uuid::Uuid,
    first: Option<i32>,
    after: Option<String>,
) -> ApiResult<UserConnection> {
    let state = RequestState::of(ctx)?;
    let page = Page::parse(first, after.as_deref())?;
    let after = page.after_in(PEOPLE_ORDER)?.map(|c| (c.k.clone(), c.id));
    let key = PeoplePage {
        organisation,
        limit: page.first + 1,
        after,
    };
    let mut rows = if page.first == 0 {
        Vec::new()
    } else {
        state
            .loaders
            .organisation_people
            .load_one(key)
            .await?
            .unwrap_or_default()
    };
    let total_count = if ctx.look_ahead().field("totalCount").exists() {
        state
            .loaders
            .organisation_people_count
            .load_one(organisation)
            .await?
            .unwrap_or(0)
    } else {
        0
    };
    let has_next = rows.len() > page.first;
    rows.truncate(page.first);
    let mut connection =
        Connection::with_additional_fields(page.after.is_some(), has_next, ConnectionTotals { total_count });
    connection.edges.extend(rows.into_iter().map(|row| {
        let cursor = Cursor {
            o: PEOPLE_ORDER.to_owned(),
            k: row.search_name.clone(),
            id: row.id,
        };
        Edge::new(cursor.encode(), User::new(row))
    }));
    Ok(connection)
}

#[derive(Default)]
pub struct PersonMutation;

#[Object]
impl PersonMutation {
    /// Signs in with e-mail and password and returns a session token.
    /// A wrong e-mail or password gives the same UNAUTHENTICATED error.
    #[graphql(complexity = "crate::graphql::cost::PASSWORD_HASH + child_complexity")]
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> ApiResult<LoginPayload> {
        let state = RequestState::of(ctx)?;
        let failed = || ApiError::new(ErrorCode::Unauthenticated, "auth-login-failed");
        let keys = AttemptKeys::new(&email, state.client_ip);
        if let Err(locked) = state.login_throttle.reserve(&state.db, &keys).await? {
            let seconds = locked.retry_after.as_secs_f64().ceil().max(1.0) as u64;
            return Err(ApiError::new(ErrorCode::RateLimited, "auth-rate-limited")
                .arg("seconds", seconds)
                .extra("retryAfterSeconds", seconds));
        }
        let found = match Email::parse("email", &email) {
            Ok(email) => {
                person::Entity::find()
                    .filter(person::Column::Email.eq(email.as_str()))
                    .one(&state.db)
                    .await?
            }
            Err(_) => None,
        };
        let stored = found.as_ref().and_then(|p| p.password_hash.clone());
        let Ok(verified) = password::verify(password, stored).await else {
            // Nothing was verified: the attempt is not a failure.
            state.login_throttle.release(&state.db, &keys).await?;
            return Err(ApiError::new(ErrorCode::RateLimited, "auth-busy")
                .arg("seconds", 1u64)
                .extra("retryAfterSeconds", 1u64));
        };
        let person = match found {
            Some(person) if verified && !person.disabled => person,
            _ => return Err(failed()),
        };
        state.login_throttle.release(&state.db, &keys).await?;
        let mut change = Change::begin(&state.db).await?;
        let (token, row) = token::issue(
            change.db(),
            NewToken {
                kind: TokenKind::Session,
                person_id: person.id,
                organisation_id: person.organisation_id,
                name: None,
                scope: TokenScope::ReadWrite,
                lifetime: state.settings.session_lifetime,
            },
        )
        .await?;
        change
            .record(
                NewEvent::new("session.started", "Person", person.id, Some(&person))
                    .payload(json!({ "tokenId": row.id, "expiresAt": row.expires_at })),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(LoginPayload {
            token,
            expires_at: row.expires_at,
            user: User {
                person,
                signing_in: true,
            },
        })
    }

    /// Ends the session (revokes the token this request was made with).
    async fn logout(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let state = RequestState::of(ctx)?;
        state.caller.person()?;
        // A READ token changes nothing, not even its own session.
        state.caller.writer()?;
        let Some(id) = state.caller.token_id else {
            return Err(ApiError::unauthenticated());
        };
        let mut change = Change::begin(&state.db).await?;
        let row = revoke(change.db(), id).await?;
        change
            .record(
                NewEvent::new(
                    "session.ended",
                    "Person",
                    row.person_id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "tokenId": id })),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(true)
    }

    /// Creates a person (network admins anywhere; organisation admins in their own organisation).
    #[graphql(complexity = "crate::graphql::cost::PASSWORD_HASH + child_complexity")]
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> ApiResult<User> {
        let state = RequestState::of(ctx)?;
        state.caller.writer()?;
        let organisation_id = input
            .organisation_id
            .as_ref()
            .map(|id| parse_id("input.organisationId", id))
            .transpose()?;
        if let Some(id) = organisation_id {
            find_visible(state, id, &state.db).await.map_err(|e| {
                if e.code == ErrorCode::NotFound {
                    e.with_field("organisationId")
                } else {
                    e
                }
            })?;
        }
        policy::can_create_person(
            &state.caller,
            organisation_id,
            input.is_admin,
            !input.translator_locales.is_empty(),
        )?;
        let email = Email::parse("email", &input.email)?;
        let display_name = name_text("displayName", &input.display_name, 200)?;
        let password = new_password("password", &input.password)?;
        let mut translator_locales = Vec::new();
        for raw in &input.translator_locales {
            let tag = state.content_locale("translatorLocales", raw)?;
            if !translator_locales.contains(&tag) {
                translator_locales.push(tag);
            }
        }
        let preferred_locale = input
            .preferred_locale
            .as_deref()
            .map(|raw| state.content_locale("preferredLocale", raw))
            .transpose()?;
        let taken = || ApiError::invalid("email", "user-email-taken");
        let exists = person::Entity::find()
            .filter(person::Column::Email.eq(email.as_str()))
            .count(&state.db)
            .await?;
        if exists > 0 {
            return Err(taken());
        }
        let hash = password::hash(password).await.map_err(ApiError::internal)?;
        let mut change = Change::begin(&state.db).await?;
        let model = NewPerson {
            email,
            display_name,
            organisation_id,
            org_role: input.org_role,
            is_admin: input.is_admin,
            translator_locales,
            preferred_locale,
            password_hash: hash,
        }
        .insert(change.db(), state.caller.person.as_ref().map(|p| p.id))
        .await
        .map_err(crate::db::on_unique(crate::db::PERSON_EMAIL, taken))?;
        let (model, event) = model;
        change.recorded(event);
        change.commit(&state.events).await?;
        Ok(User::new(model))
    }

    /// Creates a named API token for the caller's organisation. The secret is
    /// returned once and stored only as a hash. Needs a signed-in session.
    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        name: String,
        scope: TokenScope,
        #[graphql(default = 365)] expires_in_days: i32,
    ) -> ApiResult<CreateApiTokenPayload> {
        let state = RequestState::of(ctx)?;
        let person = state.caller.writer()?;
        if state.caller.token_kind != Some(TokenKind::Session) {
            return Err(ApiError::forbidden());
        }
        let Some(organisation_id) = person.organisation_id else {
            return Err(ApiError::forbidden());
        };
        let name = name_text("name", &name, 100)?;
        if !(1..=730).contains(&expires_in_days) {
            return Err(ApiError::invalid("expiresInDays", "input-out-of-range")
                .arg("min", 1u64)
                .arg("max", 730u64));
        }
        let mut change = Change::begin(&state.db).await?;
        let (token, row) = token::issue(
            change.db(),
            NewToken {
                kind: TokenKind::Api,
                person_id: person.id,
                organisation_id: Some(organisation_id),
                name: Some(&name),
                scope,
                lifetime: Duration::days(i64::from(expires_in_days)),
            },
        )
        .await?;
        change
            .record(
                NewEvent::new("api_token.created", "ApiToken", row.id, Some(person)).payload(json!({
                    "organisationId": row.organisation_id,
                    "scope": row.scope,
                    "expiresAt": row.expires_at,
                })),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(CreateApiTokenPayload {
            token,
            api_token: ApiToken(row),
        })
    }

    /// Revokes an API token at once (its owner, their organisation's admins, network admins).
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ApiToken> {
        let state = RequestState::of(ctx)?;
        state.caller.writer()?;
        let id = parse_id("id", &id)?;
        let found = auth_token::Entity::find_by_id(id)
            .filter(auth_token::Column::Kind.eq(TokenKind::Api.as_str()))
            .one(&state.db)
            .await?;
        let Some(row) =
            found.filter(|t| policy::can_manage_token(&state.caller, t.person_id, t.organisation_id))
        else {
            return Err(ApiError::not_found());
        };
        if row.revoked_at.is_some() {
            return Ok(ApiToken(row));
        }
        let mut change = Change::begin(&state.db).await?;
        let revoked = revoke(change.db(), row.id).await?;
        change
            .record(
                NewEvent::new(
                    "api_token.revoked",
                    "ApiToken",
                    row.id,
                    state.caller.person.as_ref(),
                )
                .payload(json!({ "organisationId": row.organisation_id })),
            )
            .await?;
        change.commit(&state.events).await?;
        Ok(ApiToken(revoked))
    }
}

async fn revoke(db: &impl sea_orm::ConnectionTrait, id: Uuid) -> ApiResult<auth_token::Model> {
    let row = auth_token::ActiveModel {
        id: Set(id),
        revoked_at: Set(Some(Utc::now())),
        ..Default::default()
    }
    .update(db)
    .await?;
    Ok(row)
}
