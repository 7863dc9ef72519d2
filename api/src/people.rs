//! People: signing in and out, creating people, and the API tokens of
//! partners' systems, each checked against the policy, validated, and
//! written in one transaction with its event.

use std::net::IpAddr;

use async_graphql::{ID, InputObject};
use chrono::{Duration, Utc};
use sammen_entities::{auth_token, person};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::auth::people::NewPerson;
use crate::auth::throttle::{AttemptKeys, LoginThrottle};
use crate::auth::token::{self, NewToken, TokenKind};
use crate::auth::{password, policy};
use crate::context::Ctx;
use crate::domain::{Email, OrgRole, TokenScope, name_text, new_password, parse_id};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::events::{Change, NewEvent};
use crate::organisations;

/// A new session: its secret (shown once), when it ends, and who it is for.
pub struct Session {
    pub token: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub person: person::Model,
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

/// Signs in with e-mail and password and returns a session token.
/// A wrong e-mail or password gives the same UNAUTHENTICATED error.
pub async fn login(
    ctx: &Ctx<'_>,
    throttle: &LoginThrottle,
    client_ip: Option<IpAddr>,
    email: &str,
    password: String,
) -> ApiResult<Session> {
    let failed = || ApiError::new(ErrorCode::Unauthenticated, "auth-login-failed");
    let keys = AttemptKeys::new(email, client_ip);
    if let Err(locked) = throttle.reserve(ctx.db, &keys).await? {
        let seconds = locked.retry_after.as_secs_f64().ceil().max(1.0) as u64;
        return Err(ApiError::new(ErrorCode::RateLimited, "auth-rate-limited")
            .arg("seconds", seconds)
            .extra("retryAfterSeconds", seconds));
    }
    let found = match Email::parse("email", email) {
        Ok(email) => {
            person::Entity::find()
                .filter(person::Column::Email.eq(email.as_str()))
                .one(ctx.db)
                .await?
        }
        Err(_) => None,
    };
    let stored = found.as_ref().and_then(|p| p.password_hash.clone());
    let Ok(verified) = password::verify(password, stored).await else {
        // Nothing was verified: the attempt is not a failure.
        throttle.release(ctx.db, &keys).await?;
        return Err(ApiError::new(ErrorCode::RateLimited, "auth-busy")
            .arg("seconds", 1u64)
            .extra("retryAfterSeconds", 1u64));
    };
    let person = match found {
        Some(person) if verified && !person.disabled => person,
        _ => return Err(failed()),
    };
    throttle.release(ctx.db, &keys).await?;
    let mut change = Change::begin(ctx.db).await?;
    let (token, row) = token::issue(
        change.db(),
        NewToken {
            kind: TokenKind::Session,
            person_id: person.id,
            organisation_id: person.organisation_id,
            name: None,
            scope: TokenScope::ReadWrite,
            lifetime: ctx.settings.session_lifetime,
        },
    )
    .await?;
    change
        .record(
            NewEvent::new("session.started", "Person", person.id, Some(&person))
                .payload(json!({ "tokenId": row.id, "expiresAt": row.expires_at })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(Session {
        token,
        expires_at: row.expires_at,
        person,
    })
}

/// Ends the session (revokes the token this request was made with).
pub async fn logout(ctx: &Ctx<'_>) -> ApiResult<()> {
    ctx.caller.person()?;
    // A READ token changes nothing, not even its own session.
    ctx.caller.writer()?;
    let Some(id) = ctx.caller.token_id else {
        return Err(ApiError::unauthenticated());
    };
    let mut change = Change::begin(ctx.db).await?;
    let row = revoke(change.db(), id).await?;
    change
        .record(
            NewEvent::new("session.ended", "Person", row.person_id, ctx.actor())
                .payload(json!({ "tokenId": id })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(())
}

/// Creates a person (network admins anywhere; organisation admins in their own organisation).
pub async fn create(ctx: &Ctx<'_>, input: CreateUserInput) -> ApiResult<person::Model> {
    create_with_hash(ctx, input, None).await
}

/// As `create`; with `known_hash`, a hash made earlier of the same
/// password (the demo data gives everyone one password and hashes it once).
pub(crate) async fn create_with_hash(
    ctx: &Ctx<'_>,
    input: CreateUserInput,
    known_hash: Option<&str>,
) -> ApiResult<person::Model> {
    ctx.caller.writer()?;
    let organisation_id = input
        .organisation_id
        .as_ref()
        .map(|id| parse_id("input.organisationId", id.as_str()))
        .transpose()?;
    if let Some(id) = organisation_id {
        organisations::find_visible(ctx.caller, id, ctx.db)
            .await
            .map_err(|e| {
                if e.code == ErrorCode::NotFound {
                    e.with_field("organisationId")
                } else {
                    e
                }
            })?;
    }
    policy::can_create_person(
        ctx.caller,
        organisation_id,
        input.is_admin,
        !input.translator_locales.is_empty(),
    )?;
    let email = Email::parse("email", &input.email)?;
    let display_name = name_text("displayName", &input.display_name, 200)?;
    let password = new_password("password", &input.password)?;
    let mut translator_locales = Vec::new();
    for raw in &input.translator_locales {
        let tag = ctx.content_locale("translatorLocales", raw)?;
        if !translator_locales.contains(&tag) {
            translator_locales.push(tag);
        }
    }
    let preferred_locale = input
        .preferred_locale
        .as_deref()
        .map(|raw| ctx.content_locale("preferredLocale", raw))
        .transpose()?;
    let taken = || ApiError::invalid("email", "user-email-taken");
    let exists = person::Entity::find()
        .filter(person::Column::Email.eq(email.as_str()))
        .count(ctx.db)
        .await?;
    if exists > 0 {
        return Err(taken());
    }
    let hash = match known_hash {
        Some(hash) => hash.to_owned(),
        None => password::hash(password).await.map_err(ApiError::internal)?,
    };
    let mut change = Change::begin(ctx.db).await?;
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
    .insert(change.db(), ctx.actor().map(|p| p.id))
    .await
    .map_err(crate::db::on_unique(crate::db::PERSON_EMAIL, taken))?;
    let (model, event) = model;
    change.recorded(event);
    change.commit(ctx.events).await?;
    Ok(model)
}

/// Creates a named API token for the caller's organisation. The secret is
/// returned once and stored only as a hash. Needs a signed-in session.
pub async fn create_api_token(
    ctx: &Ctx<'_>,
    name: &str,
    scope: TokenScope,
    expires_in_days: i32,
) -> ApiResult<(String, auth_token::Model)> {
    let person = ctx.caller.writer()?;
    if ctx.caller.token_kind != Some(TokenKind::Session) {
        return Err(ApiError::forbidden());
    }
    let Some(organisation_id) = person.organisation_id else {
        return Err(ApiError::forbidden());
    };
    let name = name_text("name", name, 100)?;
    if !(1..=730).contains(&expires_in_days) {
        return Err(ApiError::invalid("expiresInDays", "input-out-of-range")
            .arg("min", 1u64)
            .arg("max", 730u64));
    }
    let mut change = Change::begin(ctx.db).await?;
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
    change.commit(ctx.events).await?;
    Ok((token, row))
}

/// Revokes an API token at once (its owner, their organisation's admins, network admins).
pub async fn revoke_api_token(ctx: &Ctx<'_>, id: Uuid) -> ApiResult<auth_token::Model> {
    ctx.caller.writer()?;
    let found = auth_token::Entity::find_by_id(id)
        .filter(auth_token::Column::Kind.eq(TokenKind::Api.as_str()))
        .one(ctx.db)
        .await?;
    let Some(row) = found.filter(|t| policy::can_manage_token(ctx.caller, t.person_id, t.organisation_id))
    else {
        return Err(ApiError::not_found());
    };
    if row.revoked_at.is_some() {
        return Ok(row);
    }
    let mut change = Change::begin(ctx.db).await?;
    let revoked = revoke(change.db(), row.id).await?;
    change
        .record(
            NewEvent::new("api_token.revoked", "ApiToken", row.id, ctx.actor())
                .payload(json!({ "organisationId": row.organisation_id })),
        )
        .await?;
    change.commit(ctx.events).await?;
    Ok(revoked)
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
