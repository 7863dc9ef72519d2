//! Who takes part and who may do what: participants and members keep a
//! coordinator and are not added twice, only coordinators change a project
//! and outsiders do not see it, contributors add documents and update
//! their own deliverables, an organisation leaving takes its people with
//! it, and only a document's owner may link (that is, share) it.

use sammen_entities::project_participant;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use super::{STATUS, UPDATE, create};
use crate::support::{ADD_MEMBER, ADD_PARTICIPANT, REMOVE_MEMBER, REMOVE_PARTICIPANT, TestApp, user_id};

#[tokio::test]
async fn participants_and_members_keep_a_coordinator_and_are_not_added_twice() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "TEAM-1").await["id"].clone();
    let hub = app.organisation_id("erfaringssentrum").await;
    let us = app.organisation_id("new-england-peer-alliance").await;

    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": id, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let twice = app
        .gql_as(
            &coordinator,
            ADD_PARTICIPANT,
            json!({ "p": id, "o": us, "r": "PARTNER" }),
        )
        .await;
    twice.expect_error("BAD_USER_INPUT");
    assert_eq!(twice.field(), "organisationId");
    let last = app
        .gql_as(&coordinator, REMOVE_PARTICIPANT, json!({ "p": id, "o": hub }))
        .await;
    last.expect_error("BAD_USER_INPUT");
    assert_eq!(last.field(), "organisationId");

    let me = user_id(&app, &coordinator).await;
    let partner = app.login("partner@example.org").await;
    let partner_id = user_id(&app, &partner).await;
    app.gql_as(&coordinator, REMOVE_MEMBER, json!({ "p": id, "u": me }))
        .await
        .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "CONTRIBUTOR" }),
    )
    .await
    .ok();
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "VIEWER" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    // Someone whose organisation does not take part cannot join.
    let dk = app.member_of("peer-netvaerket-danmark", "dk@dk.example").await;
    let dk_id = user_id(&app, &dk).await;
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": dk_id, "r": "VIEWER" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");

    let participants = project_participant::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    // The two demo projects have 9 participants; this one has 2.
    assert_eq!(participants, 9 + 2);
}

#[tokio::test]
async fn only_coordinators_change_a_project_and_outsiders_do_not_see_it() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "ROLES-1").await["id"].clone();
    let us = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": id, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let partner = app.login("partner@example.org").await;
    let partner_id = user_id(&app, &partner).await;

    // A participant's member who is not a project member reads but may not change.
    let read = "query($id: ID!) { project(id: $id) { code viewerRole } }";
    assert_eq!(
        app.gql_as(&partner, read, json!({ "id": id })).await.ok()["project"]["viewerRole"],
        Value::Null
    );
    app.gql_as(&partner, UPDATE, json!({ "id": id, "v": 1, "title": "Mine" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "VIEWER" }),
    )
    .await
    .ok();
    app.gql_as(&partner, UPDATE, json!({ "id": id, "v": 1, "title": "Mine" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&partner, STATUS, json!({ "id": id, "s": "ACTIVE" }))
        .await
        .expect_error("FORBIDDEN");

    // Outsiders of a PARTNERS project: NOT_FOUND, and not in lists.
    let dk = app.member_of("peer-netvaerket-danmark", "dk@dk.example").await;
    app.gql_as(&dk, read, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");
    app.gql_as(&dk, UPDATE, json!({ "id": id, "v": 1, "title": "X" }))
        .await
        .expect_error("NOT_FOUND");
    let listed = app
        .gql_as(
            &dk,
            "{ projects(filter: {query: \"ROLES-1\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.ok()["projects"]["totalCount"], 0);
    app.gql(read, json!({ "id": id })).await.expect_error("NOT_FOUND");

    let reply = app
        .gql_as(
            &coordinator,
            UPDATE,
            json!({ "id": id, "v": 1, "title": "Renamed" }),
        )
        .await;
    assert_eq!(reply.ok()["updateProject"]["version"], 2);
}

#[tokio::test]
async fn contributors_add_documents_and_update_their_own_deliverables_only() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "DELIV-1").await["id"].clone();
    let us = app.organisation_id("new-england-peer-alliance").await;
    let hub = app.organisation_id("erfaringssentrum").await;
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": id, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let partner = app.login("partner@example.org").await;
    let partner_id = user_id(&app, &partner).await;
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "CONTRIBUTOR" }),
    )
    .await
    .ok();

    let create_deliverable = "mutation($p: ID!, $c: String!, $o: ID) { createDeliverable(input: {projectId: $p, code: $c, title: \"Report\", dueOn: \"2025-06-01\", responsibleOrganisationId: $o}) { id status version } }";
    let ours = app
        .gql_as(
            &coordinator,
            create_deliverable,
            json!({ "p": id, "c": "D1", "o": us }),
        )
        .await
        .ok()["createDeliverable"]
        .clone();
    let theirs = app
        .gql_as(
            &coordinator,
            create_deliverable,
            json!({ "p": id, "c": "D2", "o": hub }),
        )
        .await
        .ok()["createDeliverable"]
        .clone();
    app.gql_as(
        &coordinator,
        create_deliverable,
        json!({ "p": id, "c": "D1", "o": us }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &partner,
        create_deliverable,
        json!({ "p": id, "c": "D9", "o": us }),
    )
    .await
    .expect_error("FORBIDDEN");

    let change = "mutation($id: ID!, $s: DeliverableStatus!) { changeDeliverableStatus(id: $id, status: $s) { status } }";
    assert_eq!(
        app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "IN_PROGRESS" }))
            .await
            .ok()["changeDeliverableStatus"]["status"],
        "IN_PROGRESS"
    );
    app.gql_as(
        &partner,
        change,
        json!({ "id": theirs["id"], "s": "IN_PROGRESS" }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "ACCEPTED" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "PLANNED" }))
        .await
        .expect_error("BAD_USER_INPUT");
    app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "SUBMITTED" }))
        .await
        .ok();
    // Accepting is the coordinators' call.
    app.gql_as(&partner, change, json!({ "id": ours["id"], "s": "ACCEPTED" }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&coordinator, change, json!({ "id": ours["id"], "s": "ACCEPTED" }))
        .await
        .ok();

    // A contributor links a PRIVATE document of their own; every participant may then read it.
    let doc = app
        .gql_as(
            &partner,
            "mutation { createDocument(input: {kind: REPORT, title: \"Field notes\"}) { id } }",
            json!({}),
        )
        .await
        .ok()["createDocument"]["id"]
        .clone();
    let link = "mutation($d: ID!, $doc: ID!) { linkDocumentToDeliverable(deliverableId: $d, documentId: $doc) { documents { id } } }";
    let linked = app
        .gql_as(&partner, link, json!({ "d": ours["id"], "doc": doc }))
        .await;
    assert_eq!(
        linked.ok()["linkDocumentToDeliverable"]["documents"],
        json!([{ "id": doc }])
    );
    let seen = app
        .gql_as(
            &coordinator,
            "query($id: ID!) { document(id: $id) { title } }",
            json!({ "id": doc }),
        )
        .await;
    assert_eq!(seen.ok()["document"]["title"], "Field notes");
    // But nobody links a document they may not change.
    let hub_doc = app
        .gql_as(&coordinator, "mutation { createDocument(input: {kind: REPORT, title: \"Hub only\", visibility: PUBLIC}) { id } }", json!({}))
        .await
        .ok()["createDocument"]["id"]
        .clone();
    app.gql_as(&partner, link, json!({ "d": ours["id"], "doc": hub_doc }))
        .await
        .expect_error("FORBIDDEN");
}

#[tokio::test]
async fn an_organisation_leaving_a_project_takes_its_people_with_it() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let id = create(&app, &coordinator, "LEAVE-1").await["id"].clone();
    let us = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": id, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let partner = app.login("partner@example.org").await;
    let partner_id = user_id(&app, &partner).await;
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": id, "u": partner_id, "r": "COORDINATOR" }),
    )
    .await
    .ok();
    app.gql_as(&coordinator, REMOVE_PARTICIPANT, json!({ "p": id, "o": us }))
        .await
        .ok();
    let read = "query($id: ID!) { project(id: $id) { members { user { displayName } } } }";
    app.gql_as(&partner, read, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");
    app.gql_as(
        &partner,
        UPDATE,
        json!({ "id": id, "v": 1, "title": "Still mine?" }),
    )
    .await
    .expect_error("NOT_FOUND");
    let members = app.gql_as(&coordinator, read, json!({ "id": id })).await;
    assert_eq!(
        members.ok()["project"]["members"],
        json!([{ "user": { "displayName": "Kari Koordinator" } }])
    );
}

#[tokio::test]
async fn linking_a_document_is_sharing_it_so_only_its_owner_may() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let first = create(&app, &coordinator, "LINK-1").await["id"].clone();
    let second = create(&app, &coordinator, "LINK-2").await["id"].clone();
    let us = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &coordinator,
        ADD_PARTICIPANT,
        json!({ "p": first, "o": us, "r": "PARTNER" }),
    )
    .await
    .ok();
    let partner_id = user_id(&app, &partner).await;
    app.gql_as(
        &coordinator,
        ADD_MEMBER,
        json!({ "p": first, "u": partner_id, "r": "CONTRIBUTOR" }),
    )
    .await
    .ok();
    // A hub document the partner may edit through a grant, but not share.
    let doc = app
        .gql_as(&coordinator, "mutation { createDocument(input: {kind: REPORT, title: \"Hub notes\", visibility: PARTNERS}) { id } }", json!({}))
        .await
        .ok()["createDocument"]["id"]
        .clone();
    app.gql_as(
        &coordinator,
        "mutation($d: ID!, $o: ID!) { shareDocument(documentId: $d, organisationId: $o, permission: EDIT) { permission } }",
        json!({ "d": doc, "o": us }),
    )
    .await
    .ok();
    let link = "mutation($p: ID!, $d: ID!) { linkDocumentToProject(projectId: $p, documentId: $d) { id } }";
    app.gql_as(&partner, link, json!({ "p": first, "d": doc }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&coordinator, link, json!({ "p": first, "d": doc }))
        .await
        .ok();
    let elsewhere = app
        .gql_as(&coordinator, link, json!({ "p": second, "d": doc }))
        .await;
    elsewhere.expect_error("BAD_USER_INPUT");
    assert_eq!(elsewhere.field(), "documentId");
}
