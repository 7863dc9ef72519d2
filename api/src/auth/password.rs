//! Argon2id password hashing with the crate's default (OWASP) parameters.
//! Hashing is CPU-bound and takes ~19 MiB each, so it runs on the blocking
//! pool, at most one per core at a time: a flood of sign-ins queues instead
//! of exhausting memory.

use std::sync::OnceLock;

use tokio::sync::{Semaphore, SemaphorePermit};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> anyhow::Result<String> {
    let _permit = permit().await;
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

async fn permit() -> Option<SemaphorePermit<'static>> {
    static HASHING: OnceLock<Semaphore> = OnceLock::new();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    HASHING.get_or_init(|| Semaphore::new(cores)).acquire().await.ok()
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// Checks a password against a stored hash. With no stored hash it still does
/// the work against a dummy hash, so response time does not tell whether an
/// account exists.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    let _permit = permit().await;
    tokio::task::spawn_blocking(move || {
        let dummy = dummy_hash();
        let (phc, real) = match &stored {
            Some(s) => (s.as_str(), true),
            None => (dummy, false),
        };
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && real
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not a real password").unwrap_or_default())
}
