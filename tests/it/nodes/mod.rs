//! Many nodes, one network (issue 17): several servers on one database
//! hand every committed change to every node's subscribers, in one order,
//! and survive losing a connection or a node.

mod files;
mod subscriptions;
mod three;

use serde_json::{Value, json};

use crate::support::{TestApp, next_json};

/// Adds a milestone titled `title` to `project` through `node`.
pub async fn milestone(
    node: &str,
    client: &reqwest::Client,
    token: &str,
    project: &Value,
    title: &str,
) -> String {
    let reply = crate::support::gql_at(
        client,
        node,
        Some(token),
        "mutation($p: ID!, $t: String!) { createMilestone(input: {projectId: $p, title: $t, dueOn: \"2025-05-17\"}) { id } }",
        json!({ "p": project, "t": title }),
    )
    .await;
    reply.ok()["createMilestone"]["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// The id of a project's newest activity entry.
pub async fn newest_entry(app: &TestApp, token: &str, project: &Value) -> String {
    let reply = app
        .gql_as(
            token,
            "query($id: ID!) { project(id: $id) { activity(first: 1) { edges { node { id } } } } }",
            json!({ "id": project }),
        )
        .await;
    reply.ok()["project"]["activity"]["edges"][0]["node"]["id"]
        .as_str()
        .expect("an entry")
        .to_owned()
}

/// Subscribes to `project`'s activity after the entry `after`.
pub async fn subscribe(socket: &mut crate::support::Ws, project: &Value, after: Option<&str>) {
    use futures_util::SinkExt;
    let message = json!({
        "id": "activity", "type": "subscribe",
        "payload": {
            "query": "subscription($p: ID!, $after: ID) { projectActivity(projectId: $p, after: $after) { id verb summary } }",
            "variables": { "p": project, "after": after }
        }
    });
    socket
        .send(tokio_tungstenite::tungstenite::Message::text(message.to_string()))
        .await
        .expect("subscribe");
}

/// The next `count` activity entries a subscription delivers: (id, summary).
pub async fn entries(socket: &mut crate::support::Ws, count: usize) -> Vec<(String, String)> {
    let mut entries = Vec::with_capacity(count);
    while entries.len() < count {
        let message = next_json(socket).await;
        assert_eq!(message["type"], "next", "{message}");
        let entry = &message["payload"]["data"]["projectActivity"];
        entries.push((
            entry["id"].as_str().expect("id").to_owned(),
            entry["summary"].as_str().expect("summary").to_owned(),
        ));
    }
    entries
}

/// The milestone titles in entries' summaries («…»).
pub fn titles(entries: &[(String, String)]) -> Vec<String> {
    entries
        .iter()
        .map(|(_, summary)| {
            let start = summary.find('«').expect("a quoted title") + '«'.len_utf8();
            let end = summary[start..].find('»').expect("closing quote") + start;
            summary[start..end].to_owned()
        })
        .collect()
}
