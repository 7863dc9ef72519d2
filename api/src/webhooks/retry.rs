//! What an attempt's answer means, and when the next one is made: the
//! rules of Standard Webhooks and the issue, apart from the worker that
//! applies them.

use std::time::Duration;

use crate::net::Posted;

/// What became of one attempt.
pub enum Outcome {
    Delivered,
    /// Try again later (at the schedule's next step, or `Retry-After`).
    Retry(Option<Duration>),
    /// Give up on this delivery.
    GiveUp,
    /// Give up, and disable the endpoint (410 Gone).
    Gone,
}

/// What an answer means (Standard Webhooks and the rules): 2xx
/// delivered; 410 gone; 408, 429 and 5xx retried (honouring `Retry-After`);
/// a redirect is a failure and retried; any other 4xx given up.
pub fn judge(posted: &Posted) -> Outcome {
    match posted.status {
        200..=299 => Outcome::Delivered,
        410 => Outcome::Gone,
        408 | 429 => Outcome::Retry(posted.retry_after),
        500..=599 => Outcome::Retry(posted.retry_after),
        300..=399 => Outcome::Retry(None),
        _ => Outcome::GiveUp,
    }
}

/// How long to wait before the next attempt: the schedule's step (with
/// jitter), or longer if the endpoint asked so with `Retry-After`, though
/// never longer than a day past the schedule's step.
pub fn next_wait(step: Duration, asked: Option<Duration>) -> Duration {
    let planned = jittered(step);
    let cap = planned.max(Duration::from_secs(86_400));
    asked.map_or(planned, |asked| asked.max(planned)).min(cap)
}

/// Up to a tenth more, so endpoints that failed together are not all
/// retried in the same second; short delays are kept as they are.
fn jittered(delay: Duration) -> Duration {
    if delay < Duration::from_secs(60) {
        return delay;
    }
    let tenth = delay.as_millis() as u64 / 10;
    delay + Duration::from_millis(rand::random_range(0..=tenth))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16) -> Posted {
        Posted {
            status,
            retry_after: Some(Duration::from_secs(7)),
            excerpt: String::new(),
        }
    }

    #[test]
    fn answers_are_judged_as_the_specification_says() {
        assert!(matches!(judge(&answer(200)), Outcome::Delivered));
        assert!(matches!(judge(&answer(204)), Outcome::Delivered));
        assert!(matches!(judge(&answer(410)), Outcome::Gone));
        assert!(matches!(judge(&answer(429)), Outcome::Retry(Some(d)) if d == Duration::from_secs(7)));
        assert!(matches!(judge(&answer(408)), Outcome::Retry(_)));
        assert!(matches!(judge(&answer(503)), Outcome::Retry(Some(_))));
        assert!(matches!(judge(&answer(302)), Outcome::Retry(None)));
        assert!(matches!(judge(&answer(400)), Outcome::GiveUp));
        assert!(matches!(judge(&answer(404)), Outcome::GiveUp));
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_day_and_never_shortens_the_schedule() {
        let day = Duration::from_secs(86_400);
        assert_eq!(next_wait(Duration::from_secs(5), None), Duration::from_secs(5));
        assert_eq!(
            next_wait(Duration::from_secs(5), Some(Duration::from_secs(2))),
            Duration::from_secs(5)
        );
        assert_eq!(
            next_wait(Duration::from_secs(5), Some(Duration::from_secs(120))),
            Duration::from_secs(120)
        );
        assert_eq!(next_wait(Duration::from_secs(5), Some(day * 7)), day);
        // The schedule's last step (24 h, jittered above a day) with a
        // Retry-After of any size: no panic, at most the jittered step.
        for asked in [None, Some(Duration::ZERO), Some(day), Some(day * 30)] {
            let wait = next_wait(day, asked);
            assert!(wait >= day && wait <= day + day / 10, "{wait:?}");
        }
    }

    #[test]
    fn long_delays_get_at_most_a_tenth_more() {
        assert_eq!(jittered(Duration::from_secs(5)), Duration::from_secs(5));
        for _ in 0..100 {
            let d = jittered(Duration::from_secs(300));
            assert!(
                d >= Duration::from_secs(300) && d <= Duration::from_secs(330),
                "{d:?}"
            );
        }
    }
}
