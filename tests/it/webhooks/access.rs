//! An endpoint never hears of what its organisation may not read, checked
//! when the delivery is made: the documents' access matrix, a document made
//! PRIVATE while deliveries waited, a share that expired, an organisation
//! removed from a project.

use std::collections::BTreeSet;

use sammen_entities::document_share;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;

use super::{Receiver, deliveries, endpoint_for, retitle, settled, spawn};
use crate::support::{ADD_PARTICIPANT, REMOVE_PARTICIPANT, TestApp, create_project};

const CREATE_DOC: &str = "mutation($i: CreateDocumentInput!) { createDocument(input: $i) { id } }";
const SHARE: &str = "mutation($doc: ID!, $org: ID!, $p: SharePermission!) { shareDocument(documentId: $doc, organisationId: $org, permission: $p) { permission } }";

async fn new_doc(app: &TestApp, token: &str, title: &str, visibility: &str) -> String {
    app.gql_as(
        token,
        CREATE_DOC,
        json!({ "i": { "kind": "REPORT", "title": title, "visibility": visibility } }),
    )
    .await
    .ok()["createDocument"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn each_organisation_hears_only_of_the_documents_it_may_read_when_the_delivery_is_made() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.login("admin@example.org").await;
    let owner = app.login("coordinator@example.org").await; // the hub
    let prospect = app
        .gql_as(
            &admin,
            "mutation { createOrganisation(input: {slug: \"prospect-w\", name: \"Prospect W\", country: \"NL\", kind: NGO}) { id } }",
            json!({}),
        )
        .await
        .ok()["createOrganisation"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // One endpoint per kind of reader, each at its own path.
    let readers = [
        ("owner", app.organisation_id("erfaringssentrum").await),
        (
            "view grant",
            app.organisation_id("cape-peer-recovery-forum").await,
        ),
        (
            "expired grant",
            app.organisation_id("platform-ervaringsdeskundigen").await,
        ),
        ("edit grant", app.organisation_id("ubuntu-peer-workers").await),
        (
            "network active",
            app.organisation_id("new-england-peer-alliance").await,
        ),
        (
            "network agreement",
            app.organisation_id("peer-netvaerket-danmark").await,
        ),
        ("prospect", prospect),
    ];
    let mut endpoints = Vec::new();
    for (who, org) in &readers {
        let path = format!("/ok?{}", who.replace(' ', "-"));
        let (id, _) = endpoint_for(&app, &admin, org, &receiver.url(&path), &["document.updated"]).await;
        endpoints.push((*who, id));
    }

    // One document per visibility, shared as in the documents' matrix.
    let visibilities = ["PRIVATE", "PARTNERS", "NETWORK", "PUBLIC"];
    let mut docs = Vec::new();
    for visibility in visibilities {
        let id = new_doc(&app, &owner, &format!("Webhook matrix {visibility}"), visibility).await;
        if visibility != "PRIVATE" {
            for (slug, permission) in [
                ("cape-peer-recovery-forum", "VIEW"),
                ("platform-ervaringsdeskundigen", "VIEW"),
                ("ubuntu-peer-workers", "EDIT"),
            ] {
                let org = app.organisation_id(slug).await;
                app.gql_as(&owner, SHARE, json!({ "doc": id, "org": org, "p": permission }))
                    .await
                    .ok();
            }
        }
        docs.push(id);
    }
    let nl =
        uuid::Uuid::parse_str(&app.organisation_id("platform-ervaringsdeskundigen").await).expect("uuid");
    document_share::Entity::update_many()
        .col_expr(
            document_share::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .filter(document_share::Column::OrganisationId.eq(nl))
        .exec(&app.db)
        .await
        .expect("expire");
    for doc in &docs {
        retitle(&app, &owner, doc, "Webhook matrix, revised").await;
    }

    // read: PRIVATE, PARTNERS, NETWORK, PUBLIC (as documents/access.rs)
    let read = |who: &str| -> [bool; 4] {
        match who {
            "owner" => [true, true, true, true],
            "view grant" | "edit grant" => [false, true, true, true],
            "expired grant" | "prospect" => [false, false, false, true],
            "network active" | "network agreement" => [false, false, true, true],
            other => unreachable!("{other}"),
        }
    };
    for (who, endpoint) in &endpoints {
        let all = settled(&app, &admin, endpoint, 15).await;
        assert_eq!(all.len(), 4, "{who}: one delivery per change: {all:?}");
        let expected: BTreeSet<String> = docs
            .iter()
            .zip(read(who))
            .filter(|(_, readable)| *readable)
            .map(|(doc, _)| doc.clone())
            .collect();
        let sent: BTreeSet<String> = all
            .iter()
            .filter(|d| d["status"] == "SUCCEEDED")
            .map(|d| d["subjectId"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(sent, expected, "{who}");
        let skipped = all.iter().filter(|d| d["status"] == "SKIPPED").count();
        assert_eq!(skipped, 4 - expected.len(), "{who}");
        // What arrived is exactly what was sent.
        let arrived: BTreeSet<String> = receiver
            .at("/ok")
            .iter()
            .filter(|r| all.iter().any(|d| d["id"] == json!(r.id)))
            .map(|r| r.json["data"]["id"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(arrived, expected, "{who} received");
    }

    // An organisation's own admin never sees the skipped ones in its log.
    let mette = app.login("mette@peer-netvaerket.example").await;
    let dk_endpoint = &endpoints
        .iter()
        .find(|(w, _)| *w == "network agreement")
        .expect("dk")
        .1;
    let own_view = deliveries(&app, &mette, dk_endpoint).await;
    assert_eq!(own_view.len(), 2, "{own_view:?}");
    assert!(own_view.iter().all(|d| d["status"] == "SUCCEEDED"));
    let filtered = app
        .gql_as(
            &mette,
            "query($id: ID!) { webhookEndpoint(id: $id) { deliveries(filter: {status: SKIPPED}) { totalCount } } }",
            json!({ "id": dk_endpoint }),
        )
        .await;
    assert_eq!(filtered.ok()["webhookEndpoint"]["deliveries"]["totalCount"], 0);
}

#[tokio::test]
async fn a_document_made_private_while_deliveries_waited_is_not_delivered() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.login("admin@example.org").await;
    let owner = app.login("coordinator@example.org").await;
    let dk = app.organisation_id("peer-netvaerket-danmark").await;
    let (id, _) = endpoint_for(&app, &admin, &dk, &receiver.url("/ok"), &["document.updated"]).await;
    let pause = "mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { version } }";
    let v = app
        .gql_as(
            &admin,
            pause,
            json!({ "i": { "id": id, "expectedVersion": 1, "paused": true } }),
        )
        .await
        .ok()["updateWebhookEndpoint"]["version"]
        .clone();
    let doc = new_doc(&app, &owner, "Network memo", "NETWORK").await;
    retitle(&app, &owner, &doc, "Network memo, draft 2").await; // readable by Denmark now
    let version = retitle(&app, &owner, &doc, "Network memo, draft 3").await;
    app.gql_as(
        &owner,
        "mutation($i: UpdateDocumentInput!) { updateDocument(input: $i) { version } }",
        json!({ "i": { "id": doc, "expectedVersion": version, "visibility": "PRIVATE" } }),
    )
    .await
    .ok();
    app.gql_as(
        &admin,
        pause,
        json!({ "i": { "id": id, "expectedVersion": v, "paused": false } }),
    )
    .await
    .ok();
    let all = settled(&app, &admin, &id, 15).await;
    assert_eq!(all.len(), 3);
    assert!(all.iter().all(|d| d["status"] == "SKIPPED"), "{all:?}");
    assert!(receiver.received().is_empty(), "{:?}", receiver.received());
}

#[tokio::test]
async fn an_organisation_removed_from_a_project_hears_no_more_of_it() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.login("admin@example.org").await;
    let coordinator = app.login("coordinator@example.org").await;
    let cape = app.organisation_id("cape-peer-recovery-forum").await;
    let (id, _) = endpoint_for(
        &app,
        &admin,
        &cape,
        &receiver.url("/ok"),
        &["project.updated", "participant.removed"],
    )
    .await;
    let project = create_project(&app, &coordinator, "WH-1").await; // PARTNERS: participants only
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": project, "o": cape, "r": "PARTNER" }),
    )
    .await
    .ok();
    let update = "mutation($i: UpdateProjectInput!) { updateProject(input: $i) { version } }";
    app.gql_as(
        &coordinator,
        update,
        json!({ "i": { "id": project, "expectedVersion": 1, "title": "Hardening, phase 2" } }),
    )
    .await
    .ok();
    receiver.wait_for("/ok", 10, |r| !r.is_empty()).await;
    app.gql_as(
        &coordinator,
        REMOVE_PARTICIPANT,
        json!({ "p": project, "o": cape }),
    )
    .await
    .ok();
    app.gql_as(
        &coordinator,
        update,
        json!({ "i": { "id": project, "expectedVersion": 2, "title": "Hardening, phase 3" } }),
    )
    .await
    .ok();
    let all = settled(&app, &admin, &id, 15).await;
    assert_eq!(all.len(), 3, "{all:?}");
    let got = receiver.received();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].json["type"], "project.updated");
    assert_eq!(got[0].json["data"]["id"], json!(project));
    assert_eq!(all.iter().filter(|d| d["status"] == "SKIPPED").count(), 2);
}

#[tokio::test]
async fn a_share_event_does_not_tell_other_readers_who_the_document_is_shared_with() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let admin = app.login("admin@example.org").await;
    let owner = app.login("coordinator@example.org").await;
    let dk = app.organisation_id("peer-netvaerket-danmark").await;
    let cape = app.organisation_id("cape-peer-recovery-forum").await;
    endpoint_for(
        &app,
        &admin,
        &dk,
        &receiver.url("/ok"),
        &["document.shared", "document.unshared"],
    )
    .await;
    let doc = new_doc(&app, &owner, "Network guide", "NETWORK").await; // Denmark reads it
    app.gql_as(&owner, SHARE, json!({ "doc": doc, "org": cape, "p": "EDIT" }))
        .await
        .ok();
    let got = receiver.wait_for("/ok", 10, |r| !r.is_empty()).await;
    let data = &got[0].json["data"];
    assert_eq!(got[0].json["type"], "document.shared");
    assert_eq!(data["id"], json!(doc));
    let text = got[0].json.to_string();
    assert!(!text.contains(&cape), "the grantee leaked: {text}");
    assert!(
        data.get("permission").is_none() && data.get("expiresAt").is_none(),
        "{text}"
    );
}
