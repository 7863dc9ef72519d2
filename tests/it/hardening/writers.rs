//! Many writers at once: fifty concurrent uploads, links and participant
//! removals all succeed, and every write is there afterwards.

use futures_util::future::join_all;
use sammen_entities::{deliverable_document, document_version, project_participant};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use super::parse_uuid;
use crate::support::{PDF, REMOVE_PARTICIPANT, Reply, TestApp, UPLOAD, create_document, create_project};

/// Adds the organisation `o` to the project `p` as a PARTNER.
const ADD_PARTICIPANT: &str = "mutation($p: ID!, $o: ID!) { addProjectParticipant(projectId: $p, organisationId: $o, role: PARTNER) { id } }";
const LINK: &str =
    "mutation($d: ID!, $doc: ID!) { linkDocumentToDeliverable(deliverableId: $d, documentId: $doc) { id } }";

fn assert_all_succeeded(replies: &[Reply], what: &str) {
    let failures: Vec<String> = replies
        .iter()
        .filter(|r| !r.status.is_success() || r.body.get("errors").is_some())
        .map(|r| format!("{} {}", r.status, r.body))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} concurrent {what} failed, e.g. {}",
        failures.len(),
        replies.len(),
        failures[0]
    );
}

#[tokio::test]
async fn fifty_concurrent_writers_of_each_kind_all_succeed() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let coordinator = app.login("coordinator@example.org").await;
    let project = create_project(&app, &coordinator, "WRITERS-1").await;
    let deliverable = app
        .gql_as(
            &coordinator,
            "mutation($p: ID!) { createDeliverable(input: {projectId: $p, code: \"D1\", title: \"Report\"}) { id } }",
            json!({ "p": project }),
        )
        .await
        .ok()["createDeliverable"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let mut documents = Vec::new();
    for i in 0..50 {
        documents.push(create_document(&app, &coordinator, &format!("Writer {i}")).await);
    }
    let mut organisations = Vec::new();
    for i in 0..50 {
        let organisation = app
            .gql_as(
                &admin,
                "mutation($s: String!, $n: String!) { createOrganisation(input: {slug: $s, name: $n, country: \"NO\", kind: NGO, partnershipStatus: ACTIVE}) { id } }",
                json!({ "s": format!("writer-{i}"), "n": format!("Writer {i}") }),
            )
            .await
            .ok()["createOrganisation"]["id"]
            .as_str()
            .expect("an id")
            .to_owned();
        app.gql_as(
            &coordinator,
            ADD_PARTICIPANT,
            json!({ "p": project, "o": organisation }),
        )
        .await
        .ok();
        organisations.push(organisation);
    }

    let uploads = join_all(documents.iter().map(|doc| {
        app.upload(
            Some(&coordinator),
            UPLOAD,
            json!({ "doc": doc, "file": null }),
            "w.pdf",
            "application/pdf",
            PDF,
        )
    }))
    .await;
    assert_all_succeeded(&uploads, "uploads");
    let links = join_all(
        documents
            .iter()
            .map(|doc| app.gql_as(&coordinator, LINK, json!({ "d": deliverable, "doc": doc }))),
    )
    .await;
    assert_all_succeeded(&links, "links");
    let removals = join_all(organisations.iter().map(|organisation| {
        app.gql_as(
            &coordinator,
            REMOVE_PARTICIPANT,
            json!({ "p": project, "o": organisation }),
        )
    }))
    .await;
    assert_all_succeeded(&removals, "participant removals");

    // And every write is there.
    let document_ids: Vec<uuid::Uuid> = documents.iter().map(|d| parse_uuid(d.as_str())).collect();
    let versions = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.is_in(document_ids))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(versions, 50);
    let linked = deliverable_document::Entity::find()
        .filter(deliverable_document::Column::DeliverableId.eq(parse_uuid(&deliverable)))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(linked, 50);
    let participants = project_participant::Entity::find()
        .filter(project_participant::Column::ProjectId.eq(parse_uuid(&project)))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(participants, 1, "only the coordinator is left");
}
