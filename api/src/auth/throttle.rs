//! Slows down password guessing, on every node at once.
//!
//! Each sign-in attempt first reserves a slot, in one atomic statement, for
//! the account (the e-mail address) and for the client address. Only then is
//! the password verified, so N parallel guesses verify at most the limit:
//! the reservation that goes over it is refused without any hashing. A
//! success gives its own reservation back; a failure keeps it. The counts live in the database (`login_throttle`),
//! so three nodes behind a load balancer allow what one node allows. A window
//! starts with the first attempt and lasts `window`; expired rows are swept.

use std::net::IpAddr;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

/// The limits, shared by every node that reads the same configuration.
#[derive(Debug, Clone)]
pub struct LoginThrottle {
    max_per_account: u32,
    max_per_address: u32,
    window: Duration,
}

/// A refused attempt: how long until the window ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    pub retry_after: Duration,
}

/// The keys one attempt counts against.
#[derive(Debug, Clone)]
pub struct AttemptKeys {
    account: String,
    address: Option<String>,
}

impl AttemptKeys {
    /// `email` as typed (case and spaces do not make a new account), and the
    /// client address if known. IPv6 clients count per /64, the block one
    /// subscriber usually holds.
    pub fn new(email: &str, client: Option<IpAddr>) -> Self {
        Self {
            account: format!("account:{}", email.trim().to_lowercase()),
            address: client.map(address_key),
        }
    }
}

/// The key a client address counts under: the address, or for IPv6 its
/// /64, the block one subscriber usually holds.
pub fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => format!("address:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("address:{v4}"),
            None => {
                let s = v6.segments();
                format!("address:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// What is stored for a key: its SHA-256, so that a long e-mail address
/// makes no long key and the table holds no addresses in clear.
fn stored_key(key: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(key.as_bytes()))
}

const RESERVE: &str = r#"INSERT INTO login_throttle ("key", attempts, window_ends_at) VALUES ($1, 1, $3)
ON CONFLICT ("key") DO UPDATE SET
  attempts = CASE WHEN login_throttle.window_ends_at <= $2 THEN 1 ELSE login_throttle.attempts + 1 END,
  window_ends_at = CASE WHEN login_throttle.window_ends_at <= $2 THEN $3 ELSE login_throttle.window_ends_at END
RETURNING attempts, window_ends_at"#;

impl LoginThrottle {
    pub fn new(max_per_account: u32, max_per_address: u32, window: Duration) -> Self {
        Self {
            max_per_account: max_per_account.max(1),
            max_per_address: max_per_address.max(1),
            window: window.max(Duration::from_millis(1)),
        }
    }

    /// Reserves one attempt for the address, then for the account. `Err`
    /// when either is over its limit: the caller must not verify anything.
    pub async fn reserve(
        &self,
        db: &DatabaseConnection,
        keys: &AttemptKeys,
    ) -> Result<Result<(), Locked>, DbErr> {
        if let Some(address) = &keys.address
            && let Err(locked) = self.reserve_key(db, address, self.max_per_address).await?
        {
            return Ok(Err(locked));
        }
        self.reserve_key(db, &keys.account, self.max_per_account).await
    }

    async fn reserve_key(
        &self,
        db: &DatabaseConnection,
        key: &str,
        max: u32,
    ) -> Result<Result<(), Locked>, DbErr> {
        let now = now_ms();
        let ends = now.saturating_add(i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX));
        let backend = db.get_database_backend();
        let statement = Statement::from_sql_and_values(
            backend,
            RESERVE,
            [stored_key(key).into(), now.into(), ends.into()],
        );
        let row = db
            .query_one_raw(statement)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound("login_throttle".into()))?;
        let attempts: i32 = row.try_get("", "attempts")?;
        let window_ends_at: i64 = row.try_get("", "window_ends_at")?;
        if u32::try_from(attempts).unwrap_or(u32::MAX) > max {
            let left = u64::try_from(window_ends_at.saturating_sub(now)).unwrap_or(0);
            return Ok(Err(Locked {
                retry_after: Duration::from_millis(left.max(1)),
            }));
        }
        Ok(Ok(()))
    }

    /// Gives back the attempt reserved for `keys`: after a successful
    /// sign-in, or when no password could be verified at all. Failures
    /// counted before stay (a success does not hand a guesser a new allowance).
    pub async fn release(&self, db: &DatabaseConnection, keys: &AttemptKeys) -> Result<(), DbErr> {
        let backend = db.get_database_backend();
        for key in std::iter::once(&keys.account).chain(keys.address.iter()) {
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                r#"UPDATE login_throttle SET attempts = attempts - 1 WHERE "key" = $1 AND attempts > 0"#,
                [stored_key(key).into()],
            ))
            .await?;
        }
        Ok(())
    }

    /// Deletes windows that have ended; returns how many.
    pub async fn sweep(db: &DatabaseConnection) -> Result<u64, DbErr> {
        let backend = db.get_database_backend();
        let result = db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "DELETE FROM login_throttle WHERE window_ends_at <= $1",
                [now_ms().into()],
            ))
            .await?;
        Ok(result.rows_affected())
    }

    /// Sweeps ended windows every minute, for as long as the process runs.
    pub fn sweep_periodically(db: DatabaseConnection) {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                if let Err(error) = Self::sweep(&db).await {
                    tracing::warn!(%error, "sweeping sign-in windows failed");
                }
            }
        });
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_fold_case_and_ipv6_counts_per_subscriber_block() {
        let a = AttemptKeys::new(
            " Admin@Example.org ",
            Some("2001:db8:1:2:3:4:5:6".parse().unwrap()),
        );
        assert_eq!(a.account, "account:admin@example.org");
        assert_eq!(a.address.as_deref(), Some("address:2001:db8:1:2::/64"));
        let b = AttemptKeys::new("x", Some("::ffff:192.0.2.1".parse().unwrap()));
        assert_eq!(b.address.as_deref(), Some("address:192.0.2.1"));
    }
}
