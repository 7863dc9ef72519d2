//! Automatic persisted queries, as Apollo's protocol has them: a client
//! sends `extensions.persistedQuery = {version: 1, sha256Hash}` without the
//! query; if the server knows the hash it runs the query it stored, else it
//! answers PERSISTED_QUERY_NOT_FOUND and the client sends hash and query
//! together once, which the server checks and stores. Over GET this makes
//! queries short enough to cache.
//!
//! The texts live in a bounded LRU in each process: behind a load balancer
//! a node that has not seen a hash answers NOT_FOUND once and learns it.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::error::{ApiError, ErrorCode};

/// Queries remembered per process.
const CAPACITY: usize = 2048;

#[derive(Clone)]
pub struct PersistedQueries(Arc<Mutex<lru::LruCache<String, Arc<str>>>>);

impl Default for PersistedQueries {
    fn default() -> Self {
        let capacity = NonZeroUsize::new(CAPACITY).unwrap_or(NonZeroUsize::MIN);
        Self(Arc::new(Mutex::new(lru::LruCache::new(capacity))))
    }
}

#[derive(serde::Deserialize)]
struct Extension {
    version: i64,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

impl PersistedQueries {
    /// Fills in the query of a request that names one by hash, or checks
    /// and remembers the query sent with its hash. Requests without the
    /// extension pass untouched. `max_tokens`: a text over the token limit
    /// is not remembered (it will be refused anyway).
    pub fn resolve(&self, request: &mut async_graphql::Request, max_tokens: usize) -> Result<(), ApiError> {
        let Some(value) = request.extensions.remove("persistedQuery") else {
            return Ok(());
        };
        let invalid = || ApiError::invalid("extensions.persistedQuery", "apq-invalid");
        let json = value.into_json().map_err(|_| invalid())?;
        let extension: Extension = serde_json::from_value(json).map_err(|_| invalid())?;
        let hash = extension.sha256_hash.to_ascii_lowercase();
        if extension.version != 1 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid());
        }
        if request.query.is_empty() {
            let known = self.0.lock().ok().and_then(|mut cache| cache.get(&hash).cloned());
            return match known {
                Some(query) => {
                    request.query = query.to_string();
                    Ok(())
                }
                None => Err(ApiError::new(ErrorCode::PersistedQueryNotFound, "apq-not-found")),
            };
        }
        let actual = hex::encode(Sha256::digest(request.query.as_bytes()));
        if actual != hash {
            return Err(ApiError::invalid(
                "extensions.persistedQuery.sha256Hash",
                "apq-hash-mismatch",
            ));
        }
        if crate::graphql::input::count_tokens(&request.query, max_tokens) <= max_tokens
            && let Ok(mut cache) = self.0.lock()
        {
            cache.put(hash, Arc::from(request.query.as_str()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> async_graphql::Request {
        let mut request = async_graphql::Request::new(query);
        request.extensions.insert(
            "persistedQuery".into(),
            async_graphql::Value::from_json(serde_json::json!({ "version": 1, "sha256Hash": hash })).unwrap(),
        );
        request
    }

    #[test]
    fn a_hash_is_learnt_once_and_then_enough() {
        let apq = PersistedQueries::default();
        let query = "{ __typename }";
        let hash = hex::encode(Sha256::digest(query.as_bytes()));
        let unknown = apq.resolve(&mut with_hash("", &hash), 100).unwrap_err();
        assert_eq!(unknown.code, ErrorCode::PersistedQueryNotFound);
        let wrong = apq.resolve(&mut with_hash("{ other }", &hash), 100).unwrap_err();
        assert_eq!(wrong.code, ErrorCode::BadUserInput);
        apq.resolve(&mut with_hash(query, &hash), 100).unwrap();
        let mut by_hash = with_hash("", &hash);
        apq.resolve(&mut by_hash, 100).unwrap();
        assert_eq!(by_hash.query, query);
        assert!(by_hash.extensions.get("persistedQuery").is_none());
    }
}
