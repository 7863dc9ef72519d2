//! A thousand changes, and the server killed (SIGKILL) in the middle of
//! them: after a restart every committed change is delivered at least once,
//! each verified, in order per document, and a change delivered twice
//! carries the same `webhook-id` both times.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::RwLock;

use super::{CREATE, Receiver, verify};
use crate::support::{DEMO_PASSWORD, LOGIN, Process, gql_at};

const DOCUMENTS: usize = 10;
const CHANGES_PER_DOCUMENT: usize = 100;
const ARGS: &[&str] = &[
    "--demo",
    "--webhook-allow-loopback",
    "--webhook-timeout-secs",
    "2",
];

/// A GraphQL request that may meet a dead server: `None` then.
async fn try_gql(
    client: &reqwest::Client,
    address: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> Option<Value> {
    let response = client
        .post(format!("{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()?;
    let body: Value = response.json().await.ok()?;
    body.get("errors").is_none().then(|| body["data"].clone())
}

#[tokio::test]
async fn a_thousand_changes_and_a_kill_9_lose_no_delivery() {
    let dir = tempfile::tempdir().expect("dir");
    let receiver = Receiver::start().await;
    let mut server = Process::serve(dir.path(), ARGS).await;
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let token = gql_at(
        &client,
        &server.address,
        None,
        LOGIN,
        json!({ "e": "mette@peer-netvaerket.example", "p": DEMO_PASSWORD }),
    )
    .await
    .ok()["login"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let created = gql_at(
        &client,
        &server.address,
        Some(&token),
        CREATE,
        json!({ "i": { "url": receiver.url("/ok"), "eventTypes": ["document.updated"] } }),
    )
    .await;
    let secret = created.ok()["createWebhookEndpoint"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let mut docs = Vec::new();
    for n in 0..DOCUMENTS {
        let reply = gql_at(
            &client,
            &server.address,
            Some(&token),
            "mutation($t: String!) { createDocument(input: {kind: REPORT, title: $t}) { id } }",
            json!({ "t": format!("Burst {n}") }),
        )
        .await;
        docs.push(
            reply.ok()["createDocument"]["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }

    // Ten writers, one per document, each making its hundred changes and
    // carrying on through the crash.
    let address = Arc::new(RwLock::new(server.address.clone()));
    let done = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = docs
        .iter()
        .cloned()
        .map(|doc| {
            let (client, token, address, done) = (client.clone(), token.clone(), address.clone(), done.clone());
            tokio::spawn(async move {
                let mut made = 0;
                while made < CHANGES_PER_DOCUMENT {
                    let at = address.read().await.clone();
                    let Some(current) = try_gql(&client, &at, &token, "query($id: ID!) { document(id: $id) { version } }", json!({ "id": doc })).await else {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    };
                    let version = current["document"]["version"].as_i64().expect("version");
                    let changed = try_gql(
                        &client,
                        &at,
                        &token,
                        "mutation($i: UpdateDocumentInput!) { updateDocument(input: $i) { version } }",
                        json!({ "i": { "id": doc, "expectedVersion": version, "title": format!("Burst, change {}", version) } }),
                    )
                    .await;
                    if changed.is_some() {
                        made += 1;
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();

    // Kill the server about a third of the way, and start it again.
    while done.load(Ordering::SeqCst) < 300 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill9().await;
    let restarted = Process::serve(dir.path(), ARGS).await;
    *address.write().await = restarted.address.clone();
    for writer in writers {
        writer.await.expect("writer");
    }

    // Every committed change: each document's versions 2..=final.
    let mut expected: BTreeMap<String, i64> = BTreeMap::new();
    for doc in &docs {
        let reply = gql_at(
            &client,
            &restarted.address,
            Some(&token),
            "query($id: ID!) { document(id: $id) { version } }",
            json!({ "id": doc }),
        )
        .await;
        expected.insert(
            doc.clone(),
            reply.ok()["document"]["version"].as_i64().expect("version"),
        );
    }
    let total: i64 = expected.values().map(|v| v - 1).sum();
    assert!(
        total >= (DOCUMENTS * CHANGES_PER_DOCUMENT) as i64,
        "{total} changes committed"
    );
    let all = receiver
        .wait_for("/ok", 180, |got| {
            let seen: BTreeSet<(String, i64)> = got
                .iter()
                .map(|r| {
                    (
                        r.json["data"]["id"].as_str().unwrap_or_default().to_owned(),
                        r.json["data"]["version"].as_i64().unwrap_or_default(),
                    )
                })
                .collect();
            seen.len() as i64 >= total
        })
        .await;

    // Each verified; each change under one webhook-id; in order per document.
    let mut ids: BTreeMap<(String, i64), String> = BTreeMap::new();
    let mut first_seen: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for r in &all {
        assert!(verify(&secret, r), "a delivery did not verify: {}", r.id);
        let doc = r.json["data"]["id"].as_str().expect("id").to_owned();
        let version = r.json["data"]["version"].as_i64().expect("version");
        match ids.get(&(doc.clone(), version)) {
            Some(id) => assert_eq!(id, &r.id, "a duplicate with another webhook-id"),
            None => {
                ids.insert((doc.clone(), version), r.id.clone());
                first_seen.entry(doc).or_default().push(version);
            }
        }
    }
    for (doc, last) in &expected {
        let versions = &first_seen[doc];
        let wanted: Vec<i64> = (2..=*last).collect();
        assert_eq!(versions, &wanted, "document {doc}: every change, in order");
    }
    let duplicates = all.len() - ids.len();
    eprintln!(
        "{} deliveries for {} changes ({duplicates} repeated after the crash)",
        all.len(),
        ids.len()
    );
}
