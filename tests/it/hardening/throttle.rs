//! Signing in: guesses are reserved before any password is verified, so
//! parallel guesses, guesses spread over two nodes and one password
//! sprayed over many accounts all stay within their allowance; forwarded
//! addresses count only behind a trusted proxy; a success gives back its
//! own attempt only; and the throttle stores digests, not addresses.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use sammen_entities::auth_token;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::support::{DEMO_PASSWORD, LOGIN, Reply, TestApp};

fn wrong_guess(email: &str) -> Value {
    json!({ "e": email, "p": "not-the-password" })
}

/// Counts UNAUTHENTICATED and RATE_LIMITED answers; anything else fails.
fn tally(replies: &[Reply]) -> (usize, usize) {
    let mut unauthenticated = 0;
    let mut limited = 0;
    for reply in replies {
        assert!(
            !reply.status.is_server_error(),
            "5xx: {} {}",
            reply.status,
            reply.body
        );
        match reply.code() {
            "UNAUTHENTICATED" => unauthenticated += 1,
            "RATE_LIMITED" => {
                let wait = reply.body["errors"][0]["extensions"]["retryAfterSeconds"].as_u64();
                assert!(
                    wait.is_some_and(|seconds| seconds > 0),
                    "RATE_LIMITED without retryAfterSeconds: {}",
                    reply.body
                );
                limited += 1;
            }
            other => panic!(
                "neither UNAUTHENTICATED nor RATE_LIMITED but {other:?}: {}",
                reply.body
            ),
        }
    }
    (unauthenticated, limited)
}

#[tokio::test]
async fn two_hundred_parallel_guesses_verify_at_most_the_allowed_ten() {
    let app = TestApp::spawn_with(|c| {
        c.serve.login_max_failures = 10;
        c.serve.login_max_failures_per_address = 1000;
        // Long enough that 200 sign-ins on a loaded two-core machine end
        // well inside it.
        c.serve.login_window_secs = 30;
    })
    .await;
    let started = Instant::now();
    let replies = join_all((0..200).map(|_| app.gql(LOGIN, wrong_guess("partner@example.org")))).await;
    let (unauthenticated, limited) = tally(&replies);
    assert!(
        (1..=10).contains(&unauthenticated),
        "{unauthenticated} of 200 parallel guesses were verified ({limited} limited)"
    );
    assert!(limited >= 190, "only {limited} of 200 guesses were limited");

    // Inside the window even the right password is refused, unverified.
    let right = app
        .gql(LOGIN, json!({ "e": "partner@example.org", "p": DEMO_PASSWORD }))
        .await;
    let elapsed = started.elapsed();
    assert_eq!(
        right.code(),
        "RATE_LIMITED",
        "the right password {elapsed:?} after the first guess (window 30 s): {}",
        right.body
    );
    // Once the window is over, the owner signs in. The window began at the
    // first guess the database reserved, which on a loaded machine is a
    // little after `started`: then the answer says how little is left.
    tokio::time::sleep(Duration::from_millis(30_500).saturating_sub(started.elapsed())).await;
    let right = json!({ "e": "partner@example.org", "p": DEMO_PASSWORD });
    let first = app.gql(LOGIN, right.clone()).await;
    if first.code() == "RATE_LIMITED" {
        let left = first.body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .expect("a wait");
        assert!(left <= 5, "the window outlasted 30 s by {left} s: {}", first.body);
        tokio::time::sleep(Duration::from_secs(left)).await;
        app.gql(LOGIN, right).await.ok();
    } else {
        first.ok();
    }
}

#[tokio::test]
async fn guesses_spread_over_two_nodes_share_one_allowance() {
    let app = TestApp::spawn_with(|c| {
        c.serve.login_max_failures = 10;
        c.serve.login_max_failures_per_address = 1000;
    })
    .await;
    let other = app.another_node().await;
    let (here, there) = futures_util::future::join(
        join_all((0..100).map(|_| app.gql(LOGIN, wrong_guess("partner@example.org")))),
        join_all((0..100).map(|_| other.gql(LOGIN, wrong_guess("partner@example.org")))),
    )
    .await;
    let (unauthenticated_here, limited_here) = tally(&here);
    let (unauthenticated_there, limited_there) = tally(&there);
    let verified = unauthenticated_here + unauthenticated_there;
    assert!(
        (1..=10).contains(&verified),
        "{verified} guesses were verified ({unauthenticated_here} on one node, {unauthenticated_there} on the other)"
    );
    assert!(limited_here + limited_there >= 190);
    // Both nodes agree the account is locked.
    for node in [&app, &other] {
        node.gql(LOGIN, json!({ "e": "partner@example.org", "p": DEMO_PASSWORD }))
            .await
            .expect_error("RATE_LIMITED");
    }
}

#[tokio::test]
async fn spraying_one_password_over_many_accounts_is_limited_per_address() {
    let app = TestApp::spawn_with(|c| c.serve.login_max_failures_per_address = 5).await;
    let emails: Vec<String> = (0..40).map(|i| format!("spray-{i}@example.net")).collect();
    let replies = join_all(emails.iter().map(|email| app.gql(LOGIN, wrong_guess(email)))).await;
    let (unauthenticated, limited) = tally(&replies);
    assert!(
        (1..=5).contains(&unauthenticated),
        "{unauthenticated} of 40 sprayed guesses were verified ({limited} limited)"
    );
    assert!(limited >= 35, "only {limited} of 40 were limited");
    // While the window lasts, this address signs nobody in, right password or not.
    app.gql(LOGIN, json!({ "e": "admin@example.org", "p": DEMO_PASSWORD }))
        .await
        .expect_error("RATE_LIMITED");
    let sessions = auth_token::Entity::find().count(&app.db).await.expect("count");
    assert_eq!(sessions, 0, "a session was created from a locked address");
}

/// A wrong guess for `email`, sent with `X-Forwarded-For: forwarded_for`.
async fn login_via(app: &TestApp, forwarded_for: &str, email: &str) -> Reply {
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("X-Forwarded-For", forwarded_for)
        .json(&json!({ "query": LOGIN, "variables": wrong_guess(email) }))
        .send()
        .await
        .expect("sent");
    TestApp::reply(response).await
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    // Behind a trusted proxy every forwarded client has its own allowance.
    let proxied = TestApp::spawn_with(|c| {
        c.serve.login_max_failures_per_address = 3;
        c.serve.trusted_proxies = vec!["127.0.0.1/32".parse().expect("a network")];
    })
    .await;
    for i in 0..3 {
        login_via(&proxied, "203.0.113.7", &format!("proxied-{i}@example.net"))
            .await
            .expect_error("UNAUTHENTICATED");
    }
    login_via(&proxied, "203.0.113.7", "proxied-3@example.net")
        .await
        .expect_error("RATE_LIMITED");
    // An address the client adds on the left does not make it someone else.
    login_via(&proxied, "198.51.100.23, 203.0.113.7", "proxied-4@example.net")
        .await
        .expect_error("RATE_LIMITED");
    login_via(&proxied, "203.0.113.8", "proxied-5@example.net")
        .await
        .expect_error("UNAUTHENTICATED");

    // Without trusted proxies the header is ignored: the TCP peer is the client.
    let direct = TestApp::spawn_with(|c| c.serve.login_max_failures_per_address = 3).await;
    for i in 0..3 {
        login_via(
            &direct,
            &format!("203.0.113.{}", 10 + i),
            &format!("direct-{i}@example.net"),
        )
        .await
        .expect_error("UNAUTHENTICATED");
    }
    login_via(&direct, "203.0.113.99", "direct-3@example.net")
        .await
        .expect_error("RATE_LIMITED");
}

#[tokio::test]
async fn a_success_gives_back_its_own_attempt_not_the_guessers_allowance() {
    let app = TestApp::spawn_with(|c| {
        c.serve.login_max_failures = 6;
        c.serve.login_max_failures_per_address = 1000;
    })
    .await;
    for _ in 0..5 {
        app.gql(LOGIN, wrong_guess("partner@example.org"))
            .await
            .expect_error("UNAUTHENTICATED");
    }
    // The owner signs in meanwhile; the five failures still count.
    app.login("partner@example.org").await;
    app.gql(LOGIN, wrong_guess("partner@example.org"))
        .await
        .expect_error("UNAUTHENTICATED");
    app.gql(LOGIN, wrong_guess("partner@example.org"))
        .await
        .expect_error("RATE_LIMITED");
}

#[tokio::test]
async fn a_very_long_email_is_just_a_wrong_sign_in_on_every_engine() {
    let app = TestApp::spawn().await;
    let long = format!("{}@example.org", "a".repeat(8000));
    let reply = app.gql(LOGIN, json!({ "e": long, "p": "whatever-it-is" })).await;
    reply.expect_error("UNAUTHENTICATED");
    // The throttle stores a digest, not the address.
    let stored: Vec<String> = sea_orm::ConnectionTrait::query_all_raw(
        &app.db,
        sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT \"key\" FROM login_throttle",
        ),
    )
    .await
    .expect("the throttle table")
    .iter()
    .map(|row| row.try_get::<String>("", "key").expect("a key"))
    .collect();
    assert!(!stored.is_empty());
    assert!(
        stored.iter().all(|k| k.len() == 64 && !k.contains('@')),
        "{stored:?}"
    );
}
