//! Managing endpoints: who may, what is checked, what is shown once and
//! what is stored.

use sammen_entities::webhook_endpoint;
use sea_orm::EntityTrait;
use serde_json::json;

use super::{CREATE, endpoint, endpoint_for, spawn};
use crate::support::TestApp;

#[tokio::test]
async fn an_organisation_admin_manages_its_endpoints_and_the_secret_is_shown_once_and_stored_sealed() {
    let app = spawn().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let reply = app
        .gql_as(
            &mette,
            CREATE,
            json!({ "i": { "url": "https://archive.peer-netvaerket.example/hooks", "eventTypes": ["document.updated", "document.created", "document.updated"], "description": "Arkivet", "locale": "nb" } }),
        )
        .await;
    let created = reply.ok()["createWebhookEndpoint"].clone();
    let secret = created["secret"].as_str().expect("secret").to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    let raw =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &secret[6..]).expect("base64");
    assert!(raw.len() >= 24, "{} random bytes", raw.len());
    assert_eq!(
        created["endpoint"]["eventTypes"],
        json!(["document.created", "document.updated"])
    );
    let id = created["endpoint"]["id"].as_str().expect("id").to_owned();

    // Stored sealed: neither the secret nor its bytes are in the row.
    let row = webhook_endpoint::Entity::find_by_id(uuid::Uuid::parse_str(&id).expect("uuid"))
        .one(&app.db)
        .await
        .expect("row")
        .expect("stored");
    assert!(
        !row.secret.contains(&secret[6..]) && !row.secret.contains("whsec"),
        "{}",
        row.secret
    );
    assert_eq!(row.locale, "nb-NO");

    // Listed for its organisation's admin, without the secret.
    let listed = app
        .gql_as(
            &mette,
            "{ webhookEndpoints { totalCount nodes { id url description locale paused organisation { slug } } } }",
            json!({}),
        )
        .await;
    let listed = listed.ok()["webhookEndpoints"].clone();
    assert_eq!(listed["totalCount"], 1);
    assert_eq!(
        listed["nodes"][0]["organisation"]["slug"],
        "peer-netvaerket-danmark"
    );
    assert_eq!(listed["nodes"][0]["description"], "Arkivet");
    assert!(!listed.to_string().contains(&secret));

    // Update: URL, types, pause; a stale version is CONFLICT.
    let update = "mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { version url paused eventTypes } }";
    let updated = app
        .gql_as(
            &mette,
            update,
            json!({ "i": { "id": id, "expectedVersion": 1, "url": "https://archive.peer-netvaerket.example/v2", "eventTypes": ["training.created"], "paused": true } }),
        )
        .await;
    let updated = updated.ok()["updateWebhookEndpoint"].clone();
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["paused"], true);
    assert_eq!(updated["eventTypes"], json!(["training.created"]));
    app.gql_as(
        &mette,
        update,
        json!({ "i": { "id": id, "expectedVersion": 1, "paused": false } }),
    )
    .await
    .expect_error("CONFLICT");

    // Rotation: a new secret, the old one still signing for a day.
    let rotated = app
        .gql_as(
            &mette,
            "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { previousSecretExpiresAt } } }",
            json!({ "id": id }),
        )
        .await;
    let rotated = rotated.ok()["rotateWebhookSecret"].clone();
    assert_ne!(rotated["secret"], json!(secret));
    let until: chrono::DateTime<chrono::Utc> = rotated["endpoint"]["previousSecretExpiresAt"]
        .as_str()
        .expect("until")
        .parse()
        .expect("time");
    let hours = (until - chrono::Utc::now()).num_minutes() as f64 / 60.0;
    assert!((23.9..=24.0).contains(&hours), "{hours} h");

    // Delete: gone for good.
    let deleted = app
        .gql_as(
            &mette,
            "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(deleted.ok()["deleteWebhookEndpoint"], json!(id));
    let gone = app
        .gql_as(
            &mette,
            "query($id: ID!) { webhookEndpoint(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert!(gone.ok()["webhookEndpoint"].is_null());
}

#[tokio::test]
async fn only_admins_of_the_organisation_or_the_network_manage_endpoints() {
    let app = spawn().await;
    let admin = app.login("admin@example.org").await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let soren = app.login("soren@peer-netvaerket.example").await; // a member, not an admin
    let marisol = app.login("marisol@new-england-peers.example").await; // another organisation's admin
    let dk = app.organisation_id("peer-netvaerket-danmark").await;
    let url = "https://archive.peer-netvaerket.example/hooks";

    // A member is refused; so is an API token, even its creator's admin's.
    app.gql_as(
        &soren,
        CREATE,
        json!({ "i": { "url": url, "eventTypes": ["document.updated"] } }),
    )
    .await
    .expect_error("FORBIDDEN");
    let token = app
        .gql_as(
            &mette,
            "mutation { createApiToken(name: \"Sync\", scope: READ_WRITE) { token } }",
            json!({}),
        )
        .await
        .ok()["createApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    app.gql_as(
        &token,
        CREATE,
        json!({ "i": { "url": url, "eventTypes": ["document.updated"] } }),
    )
    .await
    .expect_error("FORBIDDEN");
    // Another organisation's admin may not make one for Denmark.
    app.gql_as(
        &marisol,
        CREATE,
        json!({ "i": { "url": url, "eventTypes": ["document.updated"], "organisationId": dk } }),
    )
    .await
    .expect_error("FORBIDDEN");

    // The network admin may, for any organisation; Denmark's admin sees it.
    let (id, _) = endpoint_for(&app, &admin, &dk, url, &["document.updated"]).await;
    let (own, _) = endpoint(&app, &mette, url, &["document.created"]).await;
    let count = |token: String| {
        let app = &app;
        async move {
            app.gql_as(&token, "{ webhookEndpoints { totalCount } }", json!({}))
                .await
                .ok()["webhookEndpoints"]["totalCount"]
                .as_u64()
                .expect("count")
        }
    };
    assert_eq!(count(mette.clone()).await, 2);
    assert_eq!(count(soren.clone()).await, 0);
    assert_eq!(count(marisol.clone()).await, 0);
    assert_eq!(count(token.clone()).await, 0);
    assert!(count(admin.clone()).await >= 2);

    // To anyone else an endpoint does not exist.
    for (who, token) in [
        ("member", &soren),
        ("other admin", &marisol),
        ("api token", &token),
    ] {
        for (mutation, vars) in [
            (
                "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }",
                json!({ "id": id }),
            ),
            (
                "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }",
                json!({ "id": own }),
            ),
            (
                "mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id } }",
                json!({ "id": id }),
            ),
        ] {
            let reply = app.gql_as(token, mutation, vars).await;
            assert!(
                ["NOT_FOUND", "FORBIDDEN"].contains(&reply.code()),
                "{who}: {}",
                reply.body
            );
            if who != "api token" {
                assert_eq!(reply.code(), "NOT_FOUND", "{who}: {}", reply.body);
            }
        }
    }
    // Nothing changed.
    let still = app
        .gql_as(&mette, "{ webhookEndpoints { nodes { version } } }", json!({}))
        .await;
    assert!(
        still.ok()["webhookEndpoints"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .all(|n| n["version"] == 1)
    );
}

#[tokio::test]
async fn bad_endpoint_input_is_a_clear_field_error_and_stores_nothing() {
    let app = TestApp::spawn().await; // loopback not allowed
    let mette = app.login("mette@peer-netvaerket.example").await;
    let cases = [
        (
            json!({ "url": "http://archive.example.org/hooks", "eventTypes": ["document.updated"] }),
            "url",
            "https://",
        ),
        (
            json!({ "url": "https://10.0.0.7/hooks", "eventTypes": ["document.updated"] }),
            "url",
            "private",
        ),
        (
            json!({ "url": "https://169.254.169.254/latest", "eventTypes": ["document.updated"] }),
            "url",
            "private",
        ),
        (
            json!({ "url": "https://localhost/hooks", "eventTypes": ["document.updated"] }),
            "url",
            "private",
        ),
        (
            json!({ "url": "http://127.0.0.1:9/hooks", "eventTypes": ["document.updated"] }),
            "url",
            "https://",
        ),
        (
            json!({ "url": "not a url", "eventTypes": ["document.updated"] }),
            "url",
            "valid web address",
        ),
        (
            json!({ "url": "https://archive.example.org/hooks", "eventTypes": [] }),
            "eventTypes",
            "",
        ),
        (
            json!({ "url": "https://archive.example.org/hooks", "eventTypes": ["session.started"] }),
            "eventTypes",
            "session.started",
        ),
        (
            json!({ "url": "https://archive.example.org/hooks", "eventTypes": ["document.updated"], "locale": "xx-YY" }),
            "locale",
            "",
        ),
        (
            json!({ "url": "https://archive.example.org/hooks", "eventTypes": ["document.updated"], "description": "x".repeat(501) }),
            "description",
            "",
        ),
    ];
    for (input, field, says) in cases {
        let reply = app.gql_as(&mette, CREATE, json!({ "i": input })).await;
        reply.expect_error("BAD_USER_INPUT");
        assert!(reply.field().ends_with(field), "{input}: {}", reply.body);
        assert!(reply.message().contains(says), "{input}: {}", reply.body);
    }
    // In Norwegian too.
    let reply = app
        .post_json(
            Some(&mette),
            Some("nb-NO"),
            &json!({ "query": CREATE, "variables": { "i": { "url": "http://archive.example.org/", "eventTypes": ["document.updated"] } } }),
        )
        .await;
    reply.expect_error("BAD_USER_INPUT");
    assert!(
        reply.message().contains("må begynne med https://"),
        "{}",
        reply.body
    );
    let stored = webhook_endpoint::Entity::find().all(&app.db).await.expect("rows");
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test]
async fn the_event_types_are_listed_with_a_description_in_the_callers_language() {
    let app = spawn().await;
    let query = json!({ "query": "{ webhookEventTypes { name description } }" });
    let en = app.post_json(None, Some("en-US"), &query).await;
    let nb = app.post_json(None, Some("nb-NO"), &query).await;
    let en = en.ok()["webhookEventTypes"].as_array().expect("list").clone();
    let nb = nb.ok()["webhookEventTypes"].as_array().expect("list").clone();
    assert!(en.len() >= 25, "{}", en.len());
    let names: Vec<&str> = en.iter().map(|t| t["name"].as_str().expect("name")).collect();
    for expected in [
        "document.updated",
        "document.shared",
        "document.version_added",
        "project.updated",
        "deliverable.status_changed",
        "milestone.reached",
        "training.offering_scheduled",
        "translation.saved",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    for secret in [
        "session.started",
        "api_token.created",
        "person.created",
        "webhook_endpoint.created",
    ] {
        assert!(!names.contains(&secret), "{secret} should not be offered");
    }
    let en_doc = en
        .iter()
        .find(|t| t["name"] == "document.version_added")
        .expect("there");
    let nb_doc = nb
        .iter()
        .find(|t| t["name"] == "document.version_added")
        .expect("there");
    assert_eq!(
        en_doc["description"],
        "A new version of a document's file was added."
    );
    assert_eq!(
        nb_doc["description"],
        "En ny versjon av dokumentets fil ble lagt til."
    );
    assert!(
        en.iter()
            .all(|t| !t["description"].as_str().expect("text").starts_with("webhook-"))
    );
}

#[tokio::test]
async fn an_organisation_has_at_most_twenty_endpoints_even_asked_in_parallel() {
    let app = spawn().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let tries = (0..30).map(|n| {
        let app = &app;
        let mette = mette.clone();
        async move {
            app.gql_as(
                &mette,
                CREATE,
                json!({ "i": { "url": format!("https://archive.peer-netvaerket.example/{n}"), "eventTypes": ["document.updated"] } }),
            )
            .await
        }
    });
    let replies = futures_util::future::join_all(tries).await;
    let made = replies.iter().filter(|r| r.body.get("errors").is_none()).count();
    for refused in replies.iter().filter(|r| r.body.get("errors").is_some()) {
        refused.expect_error("BAD_USER_INPUT");
    }
    let stored = app
        .gql_as(
            &mette,
            "{ webhookEndpoints(first: 100) { totalCount } }",
            json!({}),
        )
        .await;
    let stored = stored.ok()["webhookEndpoints"]["totalCount"]
        .as_u64()
        .expect("count");
    assert_eq!(stored as usize, made);
    assert_eq!(made, 20, "twenty made, the rest refused");
}

#[tokio::test]
async fn deleting_an_endpoint_while_changes_queue_and_deliveries_fly_fails_nothing() {
    let app = spawn().await;
    let receiver = super::Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let mut docs = Vec::new();
    for n in 0..6 {
        docs.push(crate::support::create_document(&app, &mette, &format!("Race {n}")).await);
    }
    for round in 0..4 {
        let (id, _) = endpoint(&app, &mette, &receiver.url("/slow"), &["document.updated"]).await;
        // Deliveries in flight…
        for doc in &docs {
            super::retitle(&app, &mette, doc, &format!("Race, round {round}")).await;
        }
        // …and more changes queueing while the endpoint is deleted.
        let title = format!("Race, round {round}, again");
        let changes = docs.iter().map(|doc| super::retitle(&app, &mette, doc, &title));
        let delete = app.gql_as(
            &mette,
            "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }",
            json!({ "id": id }),
        );
        let (_, deleted) = tokio::join!(futures_util::future::join_all(changes), delete);
        assert_eq!(deleted.ok()["deleteWebhookEndpoint"], json!(id));
    }
    let left = app
        .gql_as(&mette, "{ webhookEndpoints { totalCount } }", json!({}))
        .await;
    assert_eq!(left.ok()["webhookEndpoints"]["totalCount"], 0);
}
