//! People (the GraphQL `User`), signing in and out, and API tokens.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::Utc;
use sammen_entities::{auth_token, person};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition};

use super::loaders::PeoplePage;
use super::organisation::Organisation;
use super::pagination::{self, ConnectionTotals, Cursor, Listing, Page, Sort};
use super::{RequestState, filters, parse_id};
use crate::auth::policy;
use crate::domain::{OrgRole, TokenScope};
use crate::error::{ApiError, ApiResult};
use crate::people::{self, CreateUserInput};

/// A person who signs in. Their e-mail address is shown only to themselves,
/// their organisation and network admins; their tokens only to themselves,
/// their organisation's admins and network admins.
pub struct User {
    pub person: person::Model,
    /// The person is the one who just signed in, though the request was anonymous.
    signing_in: bool,
    /// `me` for an API token: the token's creator as the token acts, a plain
    /// member of this organisation (no admin or translator rights).
    token_organisation: Option<uuid::Uuid>,
}

impl User {
    pub fn new(person: person::Model) -> Self {
        Self {
            person,
            signing_in: false,
            token_organisation: None,
        }
    }

    /// The person who just signed in.
    pub fn signing_in(person: person::Model) -> Self {
        Self {
            signing_in: true,
            ..Self::new(person)
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
        let Some(id) = self.token_organisation.or(self.person.organisation_id) else {
            return Ok(None);
        };
        let state = RequestState::of(ctx)?;
        Ok(state.loaders.visible_organisation(id).await?.map(Organisation))
    }

    async fn org_role(&self) -> OrgRole {
        if self.token_organisation.is_some() {
            return OrgRole::Member;
        }
        self.person.org_role
    }

    /// Network administrator of the association.
    async fn is_admin(&self) -> bool {
        self.token_organisation.is_none() && self.person.is_admin
    }

    /// Locales this person may translate stored content into.
    async fn translator_locales(&self) -> Vec<String> {
        if self.token_organisation.is_some() {
            return Vec::new();
        }
        self.person.translator_locales.0.clone()
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
        self.0.scope
    }

    /// The organisation the token acts for.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        let Some(id) = self.0.organisation_id else {
            return Ok(None);
        };
        let state = RequestState::of(ctx)?;
        Ok(state.loaders.visible_organisation(id).await?.map(Organisation))
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
        let token_organisation = match state.caller.acting {
            crate::auth::policy::Acting::Organisation(organisation) => Some(organisation),
            _ => None,
        };
        Ok(state.caller.person.clone().map(|person| User {
            token_organisation,
            ..User::new(person)
        }))
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
        let session = people::login(
            &state.ctx(),
            &state.login_throttle,
            state.client_ip,
            &email,
            password,
        )
        .await?;
        Ok(LoginPayload {
            token: session.token,
            expires_at: session.expires_at,
            user: User::signing_in(session.person),
        })
    }

    /// Ends the session (revokes the token this request was made with).
    async fn logout(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        let state = RequestState::of(ctx)?;
        people::logout(&state.ctx()).await?;
        Ok(true)
    }

    /// Creates a person (network admins anywhere; organisation admins in their own organisation).
    #[graphql(complexity = "crate::graphql::cost::PASSWORD_HASH + child_complexity")]
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> ApiResult<User> {
        let state = RequestState::of(ctx)?;
        Ok(User::new(people::create(&state.ctx(), input).await?))
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
        let (token, row) = people::create_api_token(&state.ctx(), &name, scope, expires_in_days).await?;
        Ok(CreateApiTokenPayload {
            token,
            api_token: ApiToken(row),
        })
    }

    /// Revokes an API token at once (its owner, their organisation's admins, network admins).
    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> ApiResult<ApiToken> {
        let state = RequestState::of(ctx)?;
        let id = parse_id("id", &id)?;
        Ok(ApiToken(people::revoke_api_token(&state.ctx(), id).await?))
    }
}
