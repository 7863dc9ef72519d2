//! A subscriber hears every node's changes, resumes after its own
//! reconnect with `after`, and misses nothing while its node reconnects to
//! the database.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::json;

use super::{entries, milestone, newest_entry, subscribe, titles};
use crate::support::{TestApp, create_project, try_next_json, ws_connect};

#[tokio::test]
async fn a_subscriber_on_one_node_hears_changes_made_through_another_in_order() {
    let a = TestApp::spawn().await;
    let b = a.another_node().await;
    let coordinator = a.login("coordinator@example.org").await;
    let project = json!(create_project(&a, &coordinator, "NODES-1").await);
    let start = newest_entry(&a, &coordinator, &project).await;

    let mut socket = ws_connect(&a.address, Some(&coordinator)).await;
    // From the newest entry on, so no change can fall before the
    // subscription is in place.
    subscribe(&mut socket, &project, Some(&start)).await;
    let mut made = Vec::new();
    for n in 0..6 {
        let (node, name) = if n % 3 == 0 { (&a, "A") } else { (&b, "B") };
        let title = format!("{name}{n}");
        milestone(&node.address, &a.client, &coordinator, &project, &title).await;
        made.push(title);
    }
    let heard = entries(&mut socket, made.len()).await;
    assert_eq!(titles(&heard), made);
    // Once each: nothing more comes.
    let more = try_next_json(&mut socket, std::time::Duration::from_millis(1500)).await;
    assert!(more.is_none(), "an entry came twice: {more:?}");
}

#[tokio::test]
async fn a_subscriber_resumes_after_its_own_reconnect_on_any_node() {
    let a = TestApp::spawn().await;
    let b = a.another_node().await;
    let coordinator = a.login("coordinator@example.org").await;
    let project = json!(create_project(&a, &coordinator, "RESUME-1").await);
    let start = newest_entry(&a, &coordinator, &project).await;

    let mut socket = ws_connect(&a.address, Some(&coordinator)).await;
    subscribe(&mut socket, &project, Some(&start)).await;
    milestone(&a.address, &a.client, &coordinator, &project, "before").await;
    let first = entries(&mut socket, 1).await;
    assert_eq!(titles(&first), ["before"]);
    drop(socket);

    // While the client is away, changes go on through both nodes.
    for title in ["away-1", "away-2", "away-3"] {
        milestone(&b.address, &a.client, &coordinator, &project, title).await;
    }
    // It comes back through the other node, from the last entry it had.
    let mut socket = ws_connect(&b.address, Some(&coordinator)).await;
    subscribe(&mut socket, &project, Some(&first[0].0)).await;
    let missed = entries(&mut socket, 3).await;
    assert_eq!(titles(&missed), ["away-1", "away-2", "away-3"]);
    milestone(&a.address, &a.client, &coordinator, &project, "after").await;
    let live = entries(&mut socket, 1).await;
    assert_eq!(titles(&live), ["after"]);

    // An entry of another project is no place to resume from.
    let other = json!(create_project(&a, &coordinator, "RESUME-2").await);
    let elsewhere = newest_entry(&a, &coordinator, &other).await;
    let mut socket = ws_connect(&a.address, Some(&coordinator)).await;
    subscribe(&mut socket, &project, Some(&elsewhere)).await;
    let refused = crate::support::next_json(&mut socket).await;
    let error = &refused["payload"]["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{refused}");
    assert_eq!(error["extensions"]["field"], "after", "{refused}");
    assert!(
        error["message"]
            .as_str()
            .expect("message")
            .contains("beholdes i 90 dager"),
        "{refused}"
    );
}

/// PostgreSQL only: the node's listening connection is cut (as a failover
/// or a proxy's idle timeout would), changes go on through another node,
/// and the subscriber still gets every entry once, in order, while the node
/// listens again.
#[tokio::test]
async fn a_node_that_loses_its_listening_connection_reconnects_and_misses_nothing() {
    let a = TestApp::spawn().await;
    if a.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let b = a.another_node().await;
    let coordinator = a.login("coordinator@example.org").await;
    let project = json!(create_project(&a, &coordinator, "CUT-1").await);
    let start = newest_entry(&a, &coordinator, &project).await;
    let mut socket = ws_connect(&a.address, Some(&coordinator)).await;
    subscribe(&mut socket, &project, Some(&start)).await;

    let schema = a.config.global.database_schema.clone().expect("a schema");
    let listeners = format!(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'sammen events' \
         AND query LIKE '%sammen_events:{schema}%'"
    );
    let pids = |rows: Vec<sea_orm::QueryResult>| -> Vec<i32> {
        rows.iter()
            .map(|row| row.try_get("", "pid").expect("pid"))
            .collect()
    };
    let before = pids(
        a.db.query_all_raw(Statement::from_string(DbBackend::Postgres, listeners.clone()))
            .await
            .expect("listeners"),
    );
    assert_eq!(before.len(), 2, "one listening connection per node: {before:?}");
    a.db.execute_unprepared(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sammen events' \
         AND query LIKE '%sammen_events:{schema}%'"
    ))
    .await
    .expect("terminated");

    let made: Vec<String> = (0..5).map(|n| format!("cut-{n}")).collect();
    for title in &made {
        milestone(&b.address, &a.client, &coordinator, &project, title).await;
    }
    let heard = entries(&mut socket, made.len()).await;
    assert_eq!(titles(&heard), made);

    // Both nodes listen again, on new connections.
    let mut after = Vec::new();
    for _ in 0..100 {
        after = pids(
            a.db.query_all_raw(Statement::from_string(DbBackend::Postgres, listeners.clone()))
                .await
                .expect("listeners"),
        );
        if after.len() == 2 && after.iter().all(|pid| !before.contains(pid)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        after.len() == 2 && after.iter().all(|pid| !before.contains(pid)),
        "listening again: before {before:?}, now {after:?}"
    );
    // And a change through B reaches A's subscriber at once again.
    milestone(&b.address, &a.client, &coordinator, &project, "again").await;
    assert_eq!(titles(&entries(&mut socket, 1).await), ["again"]);
}
