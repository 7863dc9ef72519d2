//! A project's activity log is a reading of the project's events, and
//! events outside the project stay out of it.

use sammen_entities::event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::uuid;
use crate::support::TestApp;

#[tokio::test]
async fn project_activity_is_a_reading_of_project_events() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let us = app.organisation_id("new-england-peer-alliance").await;
    let project = app
        .gql_as(
            &coordinator,
            "mutation { createProject(input: {code: \"READING-1\", title: \"Reading\", startsOn: \"2025-01-01\"}) { id } }",
            json!({}),
        )
        .await
        .ok()["createProject"]["id"]
        .clone();
    app.gql_as(
        &coordinator,
        "mutation($p: ID!, $o: ID!) { addProjectParticipant(projectId: $p, organisationId: $o, role: PARTNER) { id } }",
        json!({ "p": project, "o": us }),
    )
    .await
    .ok();
    // A change outside the project, by the same person.
    let doc = app
        .gql_as(
            &coordinator,
            "mutation { createDocument(input: {kind: REPORT, title: \"Elsewhere\"}) { id } }",
            json!({}),
        )
        .await
        .ok()["createDocument"]["id"]
        .clone();

    let reply = app
        .gql_as(
            &coordinator,
            "query($id: ID!) { project(id: $id) { activity(first: 50) { totalCount edges { node { id verb summary objectType objectId } } } } }",
            json!({ "id": project }),
        )
        .await;
    let activity = reply.ok()["project"]["activity"].clone();
    let events = event::Entity::find()
        .filter(event::Column::ProjectId.eq(uuid(&project)))
        .order_by_desc(event::Column::Id)
        .all(&app.db)
        .await
        .expect("events");
    let entries = activity["edges"].as_array().expect("edges");
    assert_eq!(activity["totalCount"], events.len());
    assert_eq!(entries.len(), events.len(), "{activity}");
    for (edge, event) in entries.iter().zip(&events) {
        let node = &edge["node"];
        assert_eq!(node["id"], event.id.to_string(), "{activity}");
        assert_eq!(node["verb"], event.kind);
        assert_eq!(node["objectType"], event.subject_type);
        assert_eq!(node["objectId"], event.subject_id.to_string());
        assert!(!node["summary"].as_str().expect("summary").is_empty(), "{node}");
    }
    let verbs: Vec<&str> = entries
        .iter()
        .map(|e| e["node"]["verb"].as_str().expect("verb"))
        .collect();
    assert_eq!(verbs, ["participant.added", "project.created"], "newest first");

    // The document's event is in the table, but not in the project's log.
    let created = event::Entity::find()
        .filter(event::Column::Kind.eq("document.created"))
        .filter(event::Column::SubjectId.eq(uuid(&doc)))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a document.created event");
    assert_eq!(created.project_id, None);
    assert!(
        entries
            .iter()
            .all(|e| e["node"]["id"] != created.id.to_string() && e["node"]["verb"] != "document.created"),
        "{activity}"
    );
}
