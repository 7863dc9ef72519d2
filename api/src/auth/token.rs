//! Bearer tokens. A token is `smn_` followed by 32 random bytes in URL-safe
//! base64; only its SHA-256 is stored, so a database leak reveals no token.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sammen_entities::{auth_token, person};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::Caller;
use super::policy::Acting;
pub use sammen_entities::enums::TokenKind;

use crate::domain::TokenScope;
use crate::error::{ApiError, ApiResult, ErrorCode};

pub const PREFIX: &str = "smn_";

/// A fresh random token (shown once) and its hash (stored).
pub fn generate() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let token = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let hash = digest(&token);
    (token, hash)
}

/// SHA-256 of a token, hex. Tokens carry 256 bits of entropy, so a fast hash
/// is enough; a slow one would only cost every request.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues a token and stores its hash.
pub struct NewToken<'a> {
    pub kind: TokenKind,
    pub person_id: Uuid,
    pub organisation_id: Option<Uuid>,
    pub name: Option<&'a str>,
    pub scope: TokenScope,
    pub lifetime: Duration,
}

pub async fn issue(db: &impl ConnectionTrait, new: NewToken<'_>) -> ApiResult<(String, auth_token::Model)> {
    let (token, hash) = generate();
    let now = Utc::now();
    let model = auth_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(new.kind),
        name: Set(new.name.map(str::to_owned)),
        token_hash: Set(hash),
        person_id: Set(new.person_id),
        organisation_id: Set(new.organisation_id),
        scope: Set(new.scope),
        expires_at: Set(now + new.lifetime),
        revoked_at: Set(None),
        last_used_at: Set(None),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok((token, model))
}

/// Resolves an `Authorization: Bearer …` value to a caller. An unknown,
/// expired or revoked token, or a disabled person, is UNAUTHENTICATED.
pub async fn authenticate(db: &impl ConnectionTrait, bearer: &str) -> ApiResult<Caller> {
    Ok(authenticate_until(db, bearer).await?.0)
}

/// [`authenticate`], with the time the token expires.
async fn authenticate_until(db: &impl ConnectionTrait, bearer: &str) -> ApiResult<(Caller, DateTime<Utc>)> {
    let rejected = || ApiError::new(ErrorCode::Unauthenticated, "error-token-invalid");
    if !bearer.starts_with(PREFIX) || bearer.len() > 128 {
        return Err(rejected());
    }
    let found = auth_token::Entity::find()
        .filter(auth_token::Column::TokenHash.eq(digest(bearer)))
        .find_also_related(person::Entity)
        .one(db)
        .await?;
    let Some((token, Some(person))) = found else {
        return Err(rejected());
    };
    let caller = caller_of(db, &token, person).await?;
    let expires_at = token.expires_at;
    // Record use at most every five minutes, so reads do not all become writes.
    let now = Utc::now();
    if token.last_used_at.is_none_or(|t| now - t > Duration::minutes(5)) {
        let mut active: auth_token::ActiveModel = token.into();
        active.last_used_at = Set(Some(now));
        if let Err(error) = active.update(db).await {
            tracing::warn!(%error, "could not record token use");
        }
    }
    Ok((caller, expires_at))
}

/// How long a node keeps a caller it read without reading it again. Within
/// this node a change to who a caller is (a token revoked, a session
/// ended, a person or organisation updated) takes effect at once, through
/// the event dispatcher's generation; this bounds how late a change made by
/// another process (another node, the command line) is seen.
pub const CALLER_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

/// The callers of recently seen tokens, so that a warm token costs no SQL
/// statement. Keyed by the token's digest; only accepted tokens are kept.
pub struct CallerCache {
    entries: std::sync::Mutex<lru::LruCache<String, Remembered>>,
    ttl: std::time::Duration,
}

struct Remembered {
    caller: Caller,
    /// The dispatcher's caller generation when the rows were read.
    generation: u64,
    read_at: std::time::Instant,
    expires_at: DateTime<Utc>,
}

impl CallerCache {
    /// A cache of up to `capacity` tokens, each kept up to `ttl`.
    pub fn new(capacity: usize, ttl: std::time::Duration) -> Self {
        let capacity = std::num::NonZeroUsize::new(capacity).unwrap_or(std::num::NonZeroUsize::MIN);
        Self {
            entries: std::sync::Mutex::new(lru::LruCache::new(capacity)),
            ttl,
        }
    }

    /// [`authenticate`], from memory when this node read the token's
    /// caller less than the TTL ago and nothing that changes callers has
    /// happened since.
    pub async fn authenticate(
        &self,
        db: &impl ConnectionTrait,
        events: &crate::events::Dispatcher,
        bearer: &str,
    ) -> ApiResult<Caller> {
        if !bearer.starts_with(PREFIX) || bearer.len() > 128 {
            return authenticate(db, bearer).await;
        }
        let key = digest(bearer);
        // Read before the rows: a change committed while they are read
        // leaves this entry behind the generation, so it is not used.
        let generation = events.callers_generation();
        {
            let mut entries = self
                .entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(hit) = entries.get(&key) {
                if hit.generation == generation
                    && hit.read_at.elapsed() < self.ttl
                    && hit.expires_at > Utc::now()
                {
                    return Ok(hit.caller.clone());
                }
                entries.pop(&key);
            }
        }
        let (caller, expires_at) = authenticate_until(db, bearer).await?;
        if !self.ttl.is_zero() {
            let remembered = Remembered {
                caller: caller.clone(),
                generation,
                read_at: std::time::Instant::now(),
                expires_at,
            };
            self.entries
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .put(key, remembered);
        }
        Ok(caller)
    }
}

/// The caller a token stands for now: a WebSocket asks again before each
/// operation, so a revoked or expired token, a disabled person or a lost
/// right stops there, not when the socket closes.
pub async fn reload(db: &impl ConnectionTrait, token_id: uuid::Uuid) -> ApiResult<Caller> {
    let found = auth_token::Entity::find_by_id(token_id)
        .find_also_related(person::Entity)
        .one(db)
        .await?;
    let Some((token, Some(person))) = found else {
        return Err(ApiError::new(ErrorCode::Unauthenticated, "error-token-invalid"));
    };
    caller_of(db, &token, person).await
}

async fn caller_of(
    db: &impl ConnectionTrait,
    token: &auth_token::Model,
    person: person::Model,
) -> ApiResult<Caller> {
    if token.revoked_at.is_some() || token.expires_at <= Utc::now() || person.disabled {
        return Err(ApiError::new(ErrorCode::Unauthenticated, "error-token-invalid"));
    }
    let kind = token.kind;
    // An API token is a partner system acting for one organisation (see
    // `Acting::Organisation`): the policy reads its rights from that, not
    // from its creator's row.
    let acting = match (kind, token.organisation_id) {
        (TokenKind::Session, _) => Acting::Person,
        (TokenKind::Api, Some(organisation)) => Acting::Organisation(organisation),
        (TokenKind::Api, None) => {
            return Err(ApiError::new(ErrorCode::Unauthenticated, "error-token-invalid"));
        }
    };
    let acting_organisation = match acting {
        Acting::Organisation(organisation) => Some(organisation),
        Acting::Person | Acting::Anonymous => person.organisation_id,
    };
    let (network_member, hub_member) = super::caller::standing(db, acting_organisation).await?;
    Ok(Caller {
        network_member,
        hub_member,
        scope: token.scope,
        token_id: Some(token.id),
        token_kind: Some(kind),
        acting,
        person: Some(person),
    })
}
