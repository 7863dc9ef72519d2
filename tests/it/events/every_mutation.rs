//! Every mutation in the schema runs once and records its event, about
//! the right subject and by the right actor, and no event holds a secret.

use serde_json::json;
use uuid::Uuid;

use super::{Log, NEW_PASSWORD, assert_about, assert_no_secrets, my_id, origin, schema_mutations, uuid};
use crate::support::{DEMO_PASSWORD, PDF, TestApp, UPLOAD};

#[tokio::test]
async fn every_mutation_in_the_schema_writes_an_event() {
    let url = origin().await;
    let app = TestApp::spawn_with(|c| {
        c.serve.import_allow_http = true;
        c.serve.import_allow_loopback = true;
        // One attempt, so the test delivery below is soon FAILED and may be redelivered.
        c.serve.webhooks.webhook_retry_delays_secs = vec![0];
    })
    .await;
    let mutations = schema_mutations(&app).await;

    let coordinator = app.login("coordinator@example.org").await;
    let translator = app.login("translator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let coordinator_id = my_id(&app, &coordinator).await;
    let translator_id = my_id(&app, &translator).await;
    let partner_id = my_id(&app, &partner).await;
    let us = app.organisation_id("new-england-peer-alliance").await;
    let kbt = app.organisation_id("kbt").await;
    // Everything secret that passes through a mutation in this run.
    let mut secrets = vec![
        DEMO_PASSWORD.to_owned(),
        NEW_PASSWORD.to_owned(),
        coordinator.clone(),
        translator.clone(),
        partner.clone(),
    ];
    let mut log = Log::start(&app).await;

    // Sessions, people and tokens.
    let (login, events) = log
        .step(
            &app,
            "login",
            "session.started",
            app.gql(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { id } } }",
                json!({ "e": "admin@example.org", "p": DEMO_PASSWORD }),
            ),
        )
        .await;
    let admin = login["token"].as_str().expect("token").to_owned();
    let admin_id = uuid(&login["user"]["id"]);
    assert_about(&events, admin_id, admin_id);
    secrets.push(admin.clone());

    let (user, events) = log
        .step(
            &app,
            "createUser",
            "person.created",
            app.gql_as(
                &admin,
                "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }",
                json!({ "i": { "email": "eva.event@example.org", "displayName": "Eva Event",
                        "password": NEW_PASSWORD, "organisationId": kbt } }),
            ),
        )
        .await;
    assert_about(&events, uuid(&user["id"]), admin_id);

    let (created, events) = log
        .step(
            &app,
            "createApiToken",
            "api_token.created",
            app.gql_as(
                &coordinator,
                "mutation { createApiToken(name: \"Event sync\", scope: READ) { token apiToken { id } } }",
                json!({}),
            ),
        )
        .await;
    secrets.push(created["token"].as_str().expect("secret").to_owned());
    let api_token_id = created["apiToken"]["id"].clone();
    assert_about(&events, uuid(&api_token_id), coordinator_id);
    log.step(
        &app,
        "revokeApiToken",
        "api_token.revoked",
        app.gql_as(
            &coordinator,
            "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }",
            json!({ "id": api_token_id }),
        ),
    )
    .await;

    let spare = app.login("partner@example.org").await;
    secrets.push(spare.clone());
    let (out, events) = log
        .step(
            &app,
            "logout",
            "session.ended",
            app.gql_as(&spare, "mutation { logout }", json!({})),
        )
        .await;
    assert_eq!(out, true);
    assert_about(&events, partner_id, partner_id);

    // Organisations.
    let (org, events) = log
        .step(
            &app,
            "createOrganisation",
            "organisation.created",
            app.gql_as(
                &admin,
                "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id version } }",
                json!({ "i": { "slug": "event-peers", "name": "Event Peers", "country": "NL", "kind": "NGO" } }),
            ),
        )
        .await;
    let org_id = org["id"].clone();
    assert_about(&events, uuid(&org_id), admin_id);
    log.step(
        &app,
        "updateOrganisation",
        "organisation.updated",
        app.gql_as(
            &admin,
            "mutation($i: UpdateOrganisationInput!) { updateOrganisation(input: $i) { version } }",
            json!({ "i": { "id": org_id, "expectedVersion": org["version"], "city": "Utrecht" } }),
        ),
    )
    .await;
    log.step(
        &app,
        "changePartnershipStatus",
        "organisation.partnership_status_changed",
        app.gql_as(
            &admin,
            "mutation($id: ID!) { changePartnershipStatus(id: $id, status: IN_DIALOGUE) { partnershipStatus } }",
            json!({ "id": org_id }),
        ),
    )
    .await;
    log.step(
        &app,
        "archiveOrganisation",
        "organisation.archived",
        app.gql_as(
            &admin,
            "mutation($id: ID!) { archiveOrganisation(id: $id) { archivedAt } }",
            json!({ "id": org_id }),
        ),
    )
    .await;

    // Documents.
    let (doc, events) = log
        .step(
            &app,
            "createDocument",
            "document.created",
            app.gql_as(
                &coordinator,
                "mutation($i: CreateDocumentInput!) { createDocument(input: $i) { id version } }",
                json!({ "i": { "kind": "REPORT", "title": "Event log", "summary": "What happened.", "visibility": "PARTNERS" } }),
            ),
        )
        .await;
    let doc_id = doc["id"].clone();
    assert_about(&events, uuid(&doc_id), coordinator_id);
    log.step(
        &app,
        "updateDocument",
        "document.updated",
        app.gql_as(
            &coordinator,
            "mutation($i: UpdateDocumentInput!) { updateDocument(input: $i) { version } }",
            json!({ "i": { "id": doc_id, "expectedVersion": doc["version"], "summary": "What happened, in short." } }),
        ),
    )
    .await;
    log.step(
        &app,
        "shareDocument",
        "document.shared",
        app.gql_as(
            &coordinator,
            "mutation($d: ID!, $o: ID!) { shareDocument(documentId: $d, organisationId: $o, permission: VIEW) { permission } }",
            json!({ "d": doc_id, "o": us }),
        ),
    )
    .await;
    let (unshared, _) = log
        .step(
            &app,
            "unshareDocument",
            "document.unshared",
            app.gql_as(
                &coordinator,
                "mutation($d: ID!, $o: ID!) { unshareDocument(documentId: $d, organisationId: $o) }",
                json!({ "d": doc_id, "o": us }),
            ),
        )
        .await;
    assert_eq!(unshared, true);
    let (_, events) = log
        .step(
            &app,
            "translateDocument",
            "translation.saved",
            app.gql_as(
                &translator,
                "mutation($id: ID!) { translateDocument(id: $id, locale: \"nb-NO\", title: \"Hendelseslogg\", summary: \"Hva som skjedde.\") { id } }",
                json!({ "id": doc_id }),
            ),
        )
        .await;
    assert_about(&events, uuid(&doc_id), translator_id);
    let (_, events) = log
        .step(
            &app,
            "uploadDocumentVersion",
            "document.version_added",
            app.upload(
                Some(&coordinator),
                UPLOAD,
                json!({ "doc": doc_id, "file": null }),
                "log.pdf",
                "application/pdf",
                PDF,
            ),
        )
        .await;
    assert_about(&events, uuid(&doc_id), coordinator_id);
    log.step(
        &app,
        "importDocumentVersion",
        "document.version_added",
        app.gql_as(
            &coordinator,
            "mutation($d: ID!, $url: String!) { importDocumentVersion(documentId: $d, url: $url) { number } }",
            json!({ "d": doc_id, "url": url }),
        ),
    )
    .await;

    // Training materials and offerings.
    let (material, events) = log
        .step(
            &app,
            "createTrainingMaterial",
            "training.created",
            app.gql_as(
                &coordinator,
                "mutation($i: CreateTrainingMaterialInput!) { createTrainingMaterial(input: $i) { id version } }",
                json!({ "i": { "kind": "COURSE", "title": "Keeping a log", "summary": "How.", "visibility": "PARTNERS" } }),
            ),
        )
        .await;
    let material_id = material["id"].clone();
    assert_about(&events, uuid(&material_id), coordinator_id);
    log.step(
        &app,
        "updateTrainingMaterial",
        "training.updated",
        app.gql_as(
            &coordinator,
            "mutation($i: UpdateTrainingMaterialInput!) { updateTrainingMaterial(input: $i) { version } }",
            json!({ "i": { "id": material_id, "expectedVersion": material["version"], "title": "Keeping a good log" } }),
        ),
    )
    .await;
    log.step(
        &app,
        "attachDocumentToTrainingMaterial",
        "training.document_attached",
        app.gql_as(
            &coordinator,
            "mutation($t: ID!, $d: ID!) { attachDocumentToTrainingMaterial(trainingMaterialId: $t, documentId: $d) { id } }",
            json!({ "t": material_id, "d": doc_id }),
        ),
    )
    .await;
    log.step(
        &app,
        "shareTrainingMaterial",
        "training.shared",
        app.gql_as(
            &coordinator,
            "mutation($t: ID!, $o: ID!) { shareTrainingMaterial(trainingMaterialId: $t, organisationId: $o, permission: VIEW) { id } }",
            json!({ "t": material_id, "o": us }),
        ),
    )
    .await;
    let (unshared, _) = log
        .step(
            &app,
            "unshareTrainingMaterial",
            "training.unshared",
            app.gql_as(
                &coordinator,
                "mutation($t: ID!, $o: ID!) { unshareTrainingMaterial(trainingMaterialId: $t, organisationId: $o) }",
                json!({ "t": material_id, "o": us }),
            ),
        )
        .await;
    assert_eq!(unshared, true);
    let (_, events) = log
        .step(
            &app,
            "translateTrainingMaterial",
            "translation.saved",
            app.gql_as(
                &translator,
                "mutation($id: ID!) { translateTrainingMaterial(id: $id, locale: \"nb-NO\", title: \"Å føre logg\", summary: \"Hvordan.\") { id } }",
                json!({ "id": material_id }),
            ),
        )
        .await;
    assert_about(&events, uuid(&material_id), translator_id);
    let offering_input =
        json!({ "startsOn": "2027-05-17", "city": "Bergen", "country": "NO", "language": "nb" });
    let (offering, _) = log
        .step(
            &app,
            "scheduleOffering",
            "training.offering_scheduled",
            app.gql_as(
                &coordinator,
                "mutation($t: ID!, $i: OfferingInput!) { scheduleOffering(trainingMaterialId: $t, input: $i) { id version } }",
                json!({ "t": material_id, "i": offering_input }),
            ),
        )
        .await;
    let mut moved = offering_input.clone();
    moved["city"] = json!("Tromsø");
    log.step(
        &app,
        "updateOffering",
        "training.offering_updated",
        app.gql_as(
            &coordinator,
            "mutation($id: ID!, $v: Int!, $i: OfferingInput!) { updateOffering(id: $id, expectedVersion: $v, input: $i) { version } }",
            json!({ "id": offering["id"], "v": offering["version"], "i": moved }),
        ),
    )
    .await;
    log.step(
        &app,
        "cancelOffering",
        "training.offering_cancelled",
        app.gql_as(
            &coordinator,
            "mutation($id: ID!) { cancelOffering(id: $id) { status } }",
            json!({ "id": offering["id"] }),
        ),
    )
    .await;

    // Projects.
    let (project, events) = log
        .step(
            &app,
            "createProject",
            "project.created",
            app.gql_as(
                &coordinator,
                "mutation($i: CreateProjectInput!) { createProject(input: $i) { id version } }",
                json!({ "i": { "code": "EVENTS-1", "title": "Events", "startsOn": "2025-01-01" } }),
            ),
        )
        .await;
    let project_id = project["id"].clone();
    assert_about(&events, uuid(&project_id), coordinator_id);
    assert_eq!(events[0].project_id, Some(uuid(&project_id)));
    log.step(
        &app,
        "updateProject",
        "project.updated",
        app.gql_as(
            &coordinator,
            "mutation($i: UpdateProjectInput!) { updateProject(input: $i) { version } }",
            json!({ "i": { "id": project_id, "expectedVersion": project["version"], "title": "Events, revised" } }),
        ),
    )
    .await;
    log.step(
        &app,
        "changeProjectStatus",
        "project.status_changed",
        app.gql_as(
            &coordinator,
            "mutation($id: ID!) { changeProjectStatus(id: $id, status: ACTIVE) { status } }",
            json!({ "id": project_id }),
        ),
    )
    .await;
    let (_, events) = log
        .step(
            &app,
            "addProjectParticipant",
            "participant.added",
            app.gql_as(
                &coordinator,
                "mutation($p: ID!, $o: ID!) { addProjectParticipant(projectId: $p, organisationId: $o, role: PARTNER) { id } }",
                json!({ "p": project_id, "o": us }),
            ),
        )
        .await;
    assert_about(&events, Uuid::parse_str(&us).expect("a UUID"), coordinator_id);
    log.step(
        &app,
        "addProjectMember",
        "member.added",
        app.gql_as(
            &coordinator,
            "mutation($p: ID!, $u: ID!) { addProjectMember(projectId: $p, userId: $u, role: CONTRIBUTOR) { id } }",
            json!({ "p": project_id, "u": partner_id.to_string() }),
        ),
    )
    .await;
    let (deliverable, _) = log
        .step(
            &app,
            "createDeliverable",
            "deliverable.created",
            app.gql_as(
                &coordinator,
                "mutation($i: CreateDeliverableInput!) { createDeliverable(input: $i) { id version } }",
                json!({ "i": { "projectId": project_id, "code": "D1", "title": "Report", "dueOn": "2025-06-01" } }),
            ),
        )
        .await;
    let deliverable_id = deliverable["id"].clone();
    log.step(
        &app,
        "updateDeliverable",
        "deliverable.updated",
        app.gql_as(
            &coordinator,
            "mutation($i: UpdateDeliverableInput!) { updateDeliverable(input: $i) { version } }",
            json!({ "i": { "id": deliverable_id, "expectedVersion": deliverable["version"], "title": "Final report" } }),
        ),
    )
    .await;
    log.step(
        &app,
        "changeDeliverableStatus",
        "deliverable.status_changed",
        app.gql_as(
            &coordinator,
            "mutation($id: ID!) { changeDeliverableStatus(id: $id, status: IN_PROGRESS) { status } }",
            json!({ "id": deliverable_id }),
        ),
    )
    .await;
    // Documents of their own for the links: one document links to one project.
    let create_doc = "mutation($t: String!) { createDocument(input: {kind: REPORT, title: $t}) { id } }";
    let draft = app
        .gql_as(&coordinator, create_doc, json!({ "t": "Report draft" }))
        .await
        .ok()["createDocument"]["id"]
        .clone();
    let notes = app
        .gql_as(&coordinator, create_doc, json!({ "t": "Project notes" }))
        .await
        .ok()["createDocument"]["id"]
        .clone();
    log.step(
        &app,
        "linkDocumentToDeliverable",
        "deliverable.document_linked",
        app.gql_as(
            &coordinator,
            "mutation($d: ID!, $doc: ID!) { linkDocumentToDeliverable(deliverableId: $d, documentId: $doc) { id } }",
            json!({ "d": deliverable_id, "doc": draft }),
        ),
    )
    .await;
    let (_, events) = log
        .step(
            &app,
            "translateProject",
            "translation.saved",
            app.gql_as(
                &translator,
                "mutation($id: ID!) { translateProject(id: $id, locale: \"nb-NO\", title: \"Hendelser\", summary: \"\") { id } }",
                json!({ "id": project_id }),
            ),
        )
        .await;
    assert_about(&events, uuid(&project_id), translator_id);
    log.step(
        &app,
        "linkTrainingMaterialToProject",
        "training.linked",
        app.gql_as(
            &coordinator,
            "mutation($p: ID!, $t: ID!) { linkTrainingMaterialToProject(projectId: $p, trainingMaterialId: $t) { id } }",
            json!({ "p": project_id, "t": material_id }),
        ),
    )
    .await;
    log.step(
        &app,
        "linkDocumentToProject",
        "document.linked",
        app.gql_as(
            &coordinator,
            "mutation($p: ID!, $d: ID!) { linkDocumentToProject(projectId: $p, documentId: $d) { id } }",
            json!({ "p": project_id, "d": notes }),
        ),
    )
    .await;
    let (milestone, _) = log
        .step(
            &app,
            "createMilestone",
            "milestone.created",
            app.gql_as(
                &coordinator,
                "mutation($p: ID!) { createMilestone(input: {projectId: $p, title: \"Kick-off\", dueOn: \"2025-02-01\"}) { id } }",
                json!({ "p": project_id }),
            ),
        )
        .await;
    log.step(
        &app,
        "markMilestoneReached",
        "milestone.reached",
        app.gql_as(
            &coordinator,
            "mutation($id: ID!) { markMilestoneReached(id: $id) { reached } }",
            json!({ "id": milestone["id"] }),
        ),
    )
    .await;
    log.step(
        &app,
        "removeProjectMember",
        "member.removed",
        app.gql_as(
            &coordinator,
            "mutation($p: ID!, $u: ID!) { removeProjectMember(projectId: $p, userId: $u) { id } }",
            json!({ "p": project_id, "u": partner_id.to_string() }),
        ),
    )
    .await;
    log.step(
        &app,
        "removeProjectParticipant",
        "participant.removed",
        app.gql_as(
            &coordinator,
            "mutation($p: ID!, $o: ID!) { removeProjectParticipant(projectId: $p, organisationId: $o) { id } }",
            json!({ "p": project_id, "o": us }),
        ),
    )
    .await;

    // Any stored content, through the translators' queue.
    let (_, events) = log
        .step(
            &app,
            "translateContent",
            "translation.saved",
            app.gql_as(
                &translator,
                "mutation($id: ID!) { translateContent(type: DELIVERABLE, id: $id, locale: \"nb-NO\", fields: [{name: \"title\", text: \"Sluttrapport\"}]) { state } }",
                json!({ "id": deliverable_id }),
            ),
        )
        .await;
    assert_about(&events, uuid(&deliverable_id), translator_id);

    // Webhooks: an organisation's admin (here the network admin) manages endpoints.
    let admin = app.login("admin@example.org").await;
    let admin_id = my_id(&app, &admin).await;
    secrets.push(admin.clone());
    let (created, events) = log
        .step(
            &app,
            "createWebhookEndpoint",
            "webhook_endpoint.created",
            app.gql_as(
                &admin,
                "mutation { createWebhookEndpoint(input: {url: \"https://hooks.example.org/sammen\", eventTypes: [\"document.updated\"]}) { secret endpoint { id version } } }",
                json!({}),
            ),
        )
        .await;
    secrets.push(created["secret"].as_str().expect("secret").to_owned());
    let endpoint_id = created["endpoint"]["id"].clone();
    assert_about(&events, uuid(&endpoint_id), admin_id);
    log.step(
        &app,
        "updateWebhookEndpoint",
        "webhook_endpoint.updated",
        app.gql_as(
            &admin,
            "mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { version } }",
            json!({ "i": { "id": endpoint_id, "expectedVersion": created["endpoint"]["version"], "description": "Archive" } }),
        ),
    )
    .await;
    let (rotated, _) = log
        .step(
            &app,
            "rotateWebhookSecret",
            "webhook_endpoint.secret_rotated",
            app.gql_as(
                &admin,
                "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }",
                json!({ "id": endpoint_id }),
            ),
        )
        .await;
    secrets.push(rotated["secret"].as_str().expect("secret").to_owned());
    let (test, _) = log
        .step(
            &app,
            "sendTestWebhook",
            "webhook_endpoint.tested",
            app.gql_as(
                &admin,
                "mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id } }",
                json!({ "id": endpoint_id }),
            ),
        )
        .await;
    // The endpoint's host does not resolve here: the one attempt fails.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let reply = app
            .gql_as(
                &admin,
                "query($id: ID!) { webhookEndpoint(id: $id) { deliveries { nodes { status } } } }",
                json!({ "id": endpoint_id }),
            )
            .await;
        if reply.ok()["webhookEndpoint"]["deliveries"]["nodes"][0]["status"] == "FAILED" {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the test delivery never finished: {}",
            reply.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    log.step(
        &app,
        "redeliverWebhook",
        "webhook_delivery.redelivered",
        app.gql_as(
            &admin,
            "mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status } }",
            json!({ "id": test["id"] }),
        ),
    )
    .await;
    let (_, events) = log
        .step(
            &app,
            "deleteWebhookEndpoint",
            "webhook_endpoint.deleted",
            app.gql_as(
                &admin,
                "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }",
                json!({ "id": endpoint_id }),
            ),
        )
        .await;
    assert_about(&events, uuid(&endpoint_id), admin_id);

    // Every mutation of the schema ran and recorded its event; a new
    // mutation without a step here (or without an event) fails.
    let missing: Vec<&String> = mutations.difference(&log.covered).collect();
    let unknown: Vec<&String> = log.covered.difference(&mutations).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "mutations with no step recording their event: {missing:?}; steps for mutations not in the schema: {unknown:?}"
    );
    assert_eq!(log.covered, mutations);

    // No event holds a secret: not a password, not a token, not a token's hash.
    assert_no_secrets(&app, &secrets).await;

    // Every change to a searchable text went through the index in its own
    // transaction: the index is what the tables say it should be.
    let drift = sammen_api::search::index::drift(&app.db).await.expect("drift");
    assert!(
        drift.is_empty(),
        "the search index drifted from the tables: {drift:#?}"
    );
}
