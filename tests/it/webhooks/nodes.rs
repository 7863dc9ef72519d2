//! Two servers on one database deliver each delivery once.

use std::collections::BTreeMap;

use super::{Receiver, endpoint, retitle, spawn, verify};
use crate::support::create_document;

#[tokio::test]
async fn two_nodes_on_one_database_send_every_delivery_exactly_once() {
    let app = spawn().await;
    let other = app.another_node().await;
    let receiver = Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let (_, secret) = endpoint(&app, &mette, &receiver.url("/ok"), &["document.updated"]).await;
    let mut docs = Vec::new();
    for n in 0..20 {
        docs.push(create_document(&app, &mette, &format!("Node {n}")).await);
    }
    // Changes through both nodes, in parallel.
    let changes = docs.iter().enumerate().map(|(n, doc)| {
        let node = if n % 2 == 0 { &app } else { &other };
        let mette = mette.clone();
        async move {
            for round in 0..10 {
                retitle(node, &mette, doc, &format!("Node change {round}")).await;
            }
        }
    });
    futures_util::future::join_all(changes).await;
    let all = receiver.wait_for("/ok", 60, |r| r.len() >= 200).await;
    // Anything late would show up now.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let all_now = receiver.at("/ok");
    assert_eq!(all_now.len(), all.len());
    let mut per_id: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &all_now {
        assert!(verify(&secret, r));
        *per_id.entry(r.id.as_str()).or_default() += 1;
    }
    assert_eq!(per_id.len(), 200);
    assert!(
        per_id.values().all(|n| *n == 1),
        "sent more than once: {per_id:?}"
    );
    // Both nodes' workers took part, and between them made 200 attempts.
    let mut attempts = Vec::new();
    for node in [&app, &other] {
        let text = node.metrics_text().await;
        let made: f64 = text
            .lines()
            .filter(|l| l.starts_with("sammen_webhook_attempts_total"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        attempts.push(made as u64);
    }
    assert_eq!(attempts.iter().sum::<u64>(), 200, "{attempts:?}");
    assert!(
        attempts.iter().all(|n| *n > 0),
        "one node did all the work: {attempts:?}"
    );
}
