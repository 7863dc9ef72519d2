//! Slows down password guessing: after `max_failures` failed sign-ins for
//! one e-mail address within a window, further attempts for it are
//! RATE_LIMITED until the window ends, whether the password is right or not.
//!
//! The counts live in this process. Behind a load balancer each node counts
//! on its own, which multiplies the allowance by the number of nodes but
//! still turns an online guessing attack from thousands of tries a second
//! into a handful a quarter of an hour.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Most addresses tracked at once; beyond it, expired windows are dropped,
/// and if that is not enough the oldest windows go.
const MAX_TRACKED: usize = 100_000;

pub struct LoginThrottle {
    windows: Mutex<HashMap<String, Window>>,
    max_failures: u32,
    window: Duration,
}

#[derive(Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            windows: Mutex::new(HashMap::new()),
            max_failures: max_failures.max(1),
            window,
        }
    }

    /// `Err(wait)` while `key` is locked out.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        let Ok(windows) = self.windows.lock() else {
            return Ok(());
        };
        match windows.get(key) {
            Some(w) if w.failures >= self.max_failures => {
                let elapsed = w.started.elapsed();
                if elapsed < self.window {
                    Err(self.window - elapsed)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed attempt for `key`.
    pub fn failed(&self, key: &str) {
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        let now = Instant::now();
        if windows.len() >= MAX_TRACKED {
            let window = self.window;
            windows.retain(|_, w| now.duration_since(w.started) < window);
            if windows.len() >= MAX_TRACKED {
                let mut by_age: Vec<_> = windows.iter().map(|(k, w)| (w.started, k.clone())).collect();
                by_age.sort();
                for (_, k) in by_age.into_iter().take(MAX_TRACKED / 10) {
                    windows.remove(&k);
                }
            }
        }
        let entry = windows.entry(key.to_owned()).or_insert(Window {
            started: now,
            failures: 0,
        });
        if now.duration_since(entry.started) >= self.window {
            *entry = Window {
                started: now,
                failures: 0,
            };
        }
        entry.failures += 1;
    }

    /// Forgets `key` after a successful sign-in.
    pub fn succeeded(&self, key: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_out_after_the_allowed_failures_and_only_that_address() {
        let throttle = LoginThrottle::new(2, Duration::from_secs(60));
        throttle.failed("a@example.org");
        assert!(throttle.check("a@example.org").is_ok());
        throttle.failed("a@example.org");
        let wait = throttle.check("a@example.org").expect_err("locked out");
        assert!(wait <= Duration::from_secs(60) && wait > Duration::from_secs(50));
        assert!(throttle.check("b@example.org").is_ok());
    }

    #[test]
    fn the_window_ends_and_success_forgets() {
        let throttle = LoginThrottle::new(1, Duration::from_millis(1));
        throttle.failed("a@example.org");
        std::thread::sleep(Duration::from_millis(5));
        assert!(throttle.check("a@example.org").is_ok());
        let throttle = LoginThrottle::new(1, Duration::from_secs(60));
        throttle.failed("a@example.org");
        throttle.succeeded("a@example.org");
        assert!(throttle.check("a@example.org").is_ok());
    }
}
