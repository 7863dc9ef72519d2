//! Three nodes on one database (and, where moto is installed, one S3
//! store): a subscriber on A hears B's and C's changes in the database's
//! order, loses nothing when B is killed mid-burst, the sign-in throttle
//! counts across all three, files cross nodes, and each webhook delivery
//! is sent once.

use std::collections::BTreeMap;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use super::{entries, milestone, newest_entry, subscribe};
use crate::support::{
    LOGIN, PDF, Process, S3, TestApp, create_document, gql_at, try_next_json, upload_pdf, ws_connect,
};
use crate::webhooks::{Receiver, endpoint};

/// The project's entries after `start`, as committed, in the order every
/// node hands them out (PostgreSQL: by writing transaction, then id;
/// SQLite: by id), read from the database.
async fn logged_after(app: &TestApp, project: &str, start: &str) -> Vec<String> {
    let backend = app.db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => {
            "SELECT id FROM event WHERE project_id = $1 \
             AND (tx, id) > (SELECT tx, id FROM event WHERE id = $2) ORDER BY tx, id"
        }
        _ => "SELECT id FROM event WHERE project_id = $1 AND id > $2 ORDER BY id",
    };
    let project = uuid::Uuid::parse_str(project).expect("project id");
    let start = uuid::Uuid::parse_str(start).expect("entry id");
    let rows = app
        .db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [project.into(), start.into()],
        ))
        .await
        .expect("events");
    rows.iter()
        .map(|row| row.try_get::<uuid::Uuid>("", "id").expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn three_nodes_serve_one_network_and_survive_losing_one() {
    let s3 = S3::start().await;
    let a = TestApp::spawn_with(|c| {
        crate::webhooks::configure(c);
        c.serve.login_max_failures = 10;
        c.serve.login_max_failures_per_address = 1000;
        if let Some(s3) = &s3 {
            c.global.storage_url = Some(s3.storage_url());
            c.global.storage_options = s3.options();
        }
    })
    .await;
    let mut b = Process::node_of(
        &a,
        &[
            "--search-extract-workers",
            "0",
            "--login-max-failures",
            "10",
            "--login-max-failures-per-address",
            "1000",
            "--webhook-allow-loopback",
            "--webhook-retry-delays-secs",
            "0,1,1",
            "--webhook-timeout-secs",
            "2",
        ],
    )
    .await;
    let c = a.another_node().await;
    let client = a.client.clone();
    let coordinator = a.login("coordinator@example.org").await;
    let project = crate::support::create_project(&a, &coordinator, "THREE-1").await;
    let project_json = json!(project);
    let start = newest_entry(&a, &coordinator, &project_json).await;
    let receiver = Receiver::start().await;
    // The hub's admin asks for its milestones (the coordinator's project
    // is the hub's).
    let admin = a.login("admin@example.org").await;
    endpoint(&a, &admin, &receiver.url("/ok"), &["milestone.created"]).await;
    let mut socket = ws_connect(&a.address, Some(&coordinator)).await;
    subscribe(&mut socket, &project_json, Some(&start)).await;

    // 1. Changes through B and C at once: A's subscriber hears them all,
    // once, in the order the database gives every node.
    let burst = |node: String, prefix: &'static str, count: usize| {
        let (client, coordinator, project) = (client.clone(), coordinator.clone(), project_json.clone());
        async move {
            for n in 0..count {
                milestone(&node, &client, &coordinator, &project, &format!("{prefix}{n}")).await;
            }
        }
    };
    futures_util::future::join(burst(b.address.clone(), "b", 8), burst(c.address.clone(), "c", 8)).await;
    let heard = entries(&mut socket, 16).await;
    let logged = logged_after(&a, &project, &start).await;
    assert_eq!(heard.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(), logged);
    // Each of the three nodes' webhook workers may claim, but each
    // delivery is sent once.
    receiver.wait_for("/ok", 60, |r| r.len() >= 16).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for received in receiver.at("/ok") {
        *per_id.entry(received.id).or_default() += 1;
    }
    assert_eq!(per_id.len(), 16);
    assert!(
        per_id.values().all(|n| *n == 1),
        "sent more than once: {per_id:?}"
    );

    // 2. B is killed while it and C are changing the project; C goes on.
    let last = heard.last().expect("entries").0.clone();
    let b_address = b.address.clone();
    let doomed = tokio::spawn({
        let (client, coordinator, project) = (client.clone(), coordinator.clone(), project_json.clone());
        async move {
            // Requests to B in parallel; those in flight at the kill fail.
            let requests = (0..20).map(|n| {
                let (client, coordinator, project, address) =
                    (client.clone(), coordinator.clone(), project.clone(), b_address.clone());
                async move {
                    let body = json!({
                        "query": "mutation($p: ID!, $t: String!) { createMilestone(input: {projectId: $p, title: $t, dueOn: \"2025-05-17\"}) { id } }",
                        "variables": { "p": project, "t": format!("doomed{n}") },
                    });
                    // A request cut off by the kill fails; that is all.
                    let sent = client.post(format!("{address}/graphql")).bearer_auth(&coordinator).json(&body);
                    sent.send().await.ok()
                }
            });
            futures_util::future::join_all(requests).await
        }
    });
    let going_on = tokio::spawn(burst(c.address.clone(), "on", 12));
    tokio::time::sleep(Duration::from_millis(150)).await;
    b.kill9().await;
    doomed.await.expect("B's requests end, answered or cut off");
    going_on.await.expect("C's changes");
    let logged = logged_after(&a, &project, &last).await;
    assert!(
        logged.len() >= 12,
        "C's twelve changes at least: {}",
        logged.len()
    );
    let heard = entries(&mut socket, logged.len()).await;
    assert_eq!(heard.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(), logged);
    let more = try_next_json(&mut socket, Duration::from_millis(1500)).await;
    assert!(more.is_none(), "an entry came twice or from nowhere: {more:?}");

    // 3. The sign-in throttle counts guesses at all nodes together.
    let b = Process::node_of(
        &a,
        &[
            "--search-extract-workers",
            "0",
            "--login-max-failures",
            "10",
            "--login-max-failures-per-address",
            "1000",
        ],
    )
    .await;
    let guess = json!({ "e": "partner@example.org", "p": "not-the-password" });
    let nodes = [a.address.clone(), b.address.clone(), c.address.clone()];
    let guesses = nodes.iter().flat_map(|node| {
        (0..30).map(|_| {
            let (client, node, guess) = (client.clone(), node.clone(), guess.clone());
            async move { gql_at(&client, &node, None, LOGIN, guess).await }
        })
    });
    let replies = futures_util::future::join_all(guesses).await;
    let verified = replies.iter().filter(|r| r.code() == "UNAUTHENTICATED").count();
    let limited = replies.iter().filter(|r| r.code() == "RATE_LIMITED").count();
    assert!(
        (1..=10).contains(&verified),
        "{verified} of 90 guesses were verified"
    );
    assert_eq!(verified + limited, 90);

    // 4. A file uploaded through A downloads from C (and from the new B).
    let doc = create_document(&a, &coordinator, "Across nodes").await;
    let version = upload_pdf(&a, &coordinator, &doc, "across.pdf").await;
    for node in [&c.address, &b.address] {
        let download = client
            .get(format!("{node}/files/{version}"))
            .bearer_auth(&coordinator)
            .send()
            .await
            .expect("download");
        assert_eq!(download.status(), 200);
        assert_eq!(download.bytes().await.expect("bytes"), PDF);
    }
}
