//! Argon2id password hashing with the crate's default (OWASP) parameters.
//!
//! Hashing is CPU-bound and needs ~19 MiB of working memory. It runs on a
//! small fixed set of threads (one per core) that each keep one block buffer
//! and reuse it for every hash. Hashing on the blocking pool instead left
//! every freed buffer in the allocator's per-thread arenas of whichever pool
//! thread ran it: 50 parallel sign-ins grew the process by ~650 MiB for good.
//! With fixed threads the memory is bounded by threads × buffer, and a flood
//! of sign-ins queues instead of growing it.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// Work for a hashing thread.
enum Job {
    Hash {
        password: String,
        reply: tokio::sync::oneshot::Sender<anyhow::Result<String>>,
    },
    Verify {
        password: String,
        stored: Option<String>,
        reply: tokio::sync::oneshot::Sender<bool>,
    },
}

/// Jobs waiting beyond this many are refused rather than queued without end.
const QUEUE: usize = 1024;

fn pool() -> &'static SyncSender<Job> {
    static POOL: OnceLock<SyncSender<Job>> = OnceLock::new();
    POOL.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        // One per core, at most four: each keeps a 19 MiB buffer.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        for i in 0..threads {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("sammen-argon2-{i}"))
                .spawn(move || work(&receiver));
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a password hashing thread");
            }
        }
        sender
    })
}

fn work(receiver: &Mutex<Receiver<Job>>) {
    let mut memory: Vec<Block> = Vec::new();
    loop {
        let job = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        match job {
            // A request that gave up (timed out, disconnected) needs no answer.
            Job::Hash { reply, .. } if reply.is_closed() => {}
            Job::Verify { reply, .. } if reply.is_closed() => {}
            Job::Hash { password, reply } => {
                let _ = reply.send(hash_with(&mut memory, &password));
            }
            Job::Verify {
                password,
                stored,
                reply,
            } => {
                let (phc, real) = match &stored {
                    Some(s) => (s.as_str(), true),
                    None => (dummy_hash(&mut memory), false),
                };
                let ok = verify_with(&mut memory, &password, phc);
                let _ = reply.send(ok && real);
            }
        }
    }
}

fn submit(job: Job) -> anyhow::Result<()> {
    match pool().try_send(job) {
        Ok(()) => Ok(()),
        Err(TrySendError::Full(_)) => anyhow::bail!("too many passwords waiting to be hashed"),
        Err(TrySendError::Disconnected(_)) => anyhow::bail!("the password hashing threads are gone"),
    }
}

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> anyhow::Result<String> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    submit(Job::Hash { password, reply })?;
    answer.await?
}

/// The hashing threads have more work queued than they should take on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// Checks a password against a stored hash. With no stored hash it still does
/// the work against a dummy hash, so response time does not tell whether an
/// account exists. `Err(Busy)` when no check could be made at all.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, Busy> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    submit(Job::Verify {
        password,
        stored,
        reply,
    })
    .map_err(|_| Busy)?;
    answer.await.map_err(|_| Busy)
}

/// The blocks `params` needs, from the thread's buffer (grown once).
fn blocks_for<'m>(memory: &'m mut Vec<Block>, params: &Params) -> &'m mut [Block] {
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::new());
    }
    &mut memory[..needed]
}

fn hash_with(memory: &mut Vec<Block>, password: &str) -> anyhow::Result<String> {
    let failed = |e: &dyn std::fmt::Display| anyhow::anyhow!("hashing a password failed: {e}");
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.decode_b64(&mut salt_bytes).map_err(|e| failed(&e))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_raw,
            &mut out,
            blocks_for(memory, &params),
        )
        .map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| failed(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| failed(&e))?),
    };
    Ok(phc.to_string())
}

fn verify_with(memory: &mut Vec<Block>, password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_raw) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    if argon2
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_raw,
            &mut out,
            blocks_for(memory, &params),
        )
        .is_err()
    {
        return false;
    }
    // `Output` compares in constant time.
    Output::new(&out).is_ok_and(|computed| computed == expected)
}

fn dummy_hash(memory: &mut Vec<Block>) -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    if let Some(dummy) = DUMMY.get() {
        return dummy;
    }
    let made = hash_with(memory, "not a real password").unwrap_or_default();
    DUMMY.get_or_init(|| made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let phc = hash("correct horse".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert_eq!(verify("correct horse".into(), Some(phc.clone())).await, Ok(true));
        assert_eq!(verify("wrong horse".into(), Some(phc)).await, Ok(false));
        assert_eq!(verify("anything".into(), None).await, Ok(false));
    }

    #[tokio::test]
    async fn hashes_made_by_the_crate_still_verify() {
        use argon2::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let phc = Argon2::default()
            .hash_password(b"older hash", &salt)
            .unwrap()
            .to_string();
        assert_eq!(verify("older hash".into(), Some(phc)).await, Ok(true));
    }
}
