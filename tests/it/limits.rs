//! Limits and malformed requests: each gets a clear error with a stable
//! code, never a 5xx, and internal failures never leak internals.

use sea_orm::EntityTrait;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn a_two_mebibyte_body_is_payload_too_large() {
    let app = TestApp::spawn().await;
    let padding = "x".repeat(2 * 1024 * 1024);
    let body = json!({ "query": "{ me { id } }", "variables": { "padding": padding } });
    let reply = app.post_json(None, Some("nb-NO"), &body).await;
    assert_eq!(reply.status, 413);
    reply.expect_error("PAYLOAD_TOO_LARGE");
    assert!(
        reply.message().starts_with("Forespørselen er for stor"),
        "{}",
        reply.message()
    );
}

#[tokio::test]
async fn a_chunked_body_without_a_length_is_limited_too() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_body_bytes = 1024).await;
    let chunks: Vec<Result<String, std::io::Error>> = (0..64).map(|_| Ok("x".repeat(100))).collect();
    let response = app
        .client
        .post(app.url("/graphql"))
        .header("Content-Type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .expect("sent");
    let reply = TestApp::reply(response).await;
    assert_eq!(reply.status, 413);
    reply.expect_error("PAYLOAD_TOO_LARGE");
}

#[tokio::test]
async fn malformed_graphql_is_a_parse_error() {
    let app = TestApp::spawn().await;
    let reply = app.gql("{ organisations { totalCount ", json!({})).await;
    reply.expect_error("GRAPHQL_PARSE_FAILED");
    assert!(
        reply.message().starts_with("The query is not valid GraphQL"),
        "{}",
        reply.message()
    );
}

#[tokio::test]
async fn a_body_that_is_not_a_graphql_request_is_a_bad_request() {
    let app = TestApp::spawn().await;
    for (content_type, body) in [
        ("application/json", "{not json"),
        ("application/json", "{\"query\": 42}"),
    ] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("sent");
        let reply = TestApp::reply(response).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        reply.expect_error("BAD_REQUEST");
    }
    // A body of another type, or of no stated type, is 415.
    for content_type in [Some("text/plain"), None] {
        let mut request = app
            .client
            .post(app.url("/graphql"))
            .body("{\"query\": \"{ __typename }\"}");
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        let reply = TestApp::reply(request.send().await.expect("sent")).await;
        assert_eq!(reply.status, 415, "{content_type:?}: {}", reply.body);
        reply.expect_error("BAD_REQUEST");
    }
    for body in [json!([]), json!({}), json!({ "query": "  " })] {
        let empty = app.post_json(None, None, &body).await;
        assert_eq!(empty.status, 400, "{body}");
        empty.expect_error("BAD_REQUEST");
    }
}

#[tokio::test]
async fn unknown_fields_and_wrong_types_are_refused_before_anything_runs() {
    let app = TestApp::spawn().await;
    app.gql("{ organisations { nope } }", json!({}))
        .await
        .expect_error("GRAPHQL_VALIDATION_FAILED");
    app.gql("{ organisations(first: \"ten\") { totalCount } }", json!({}))
        .await
        .expect_error("BAD_USER_INPUT");
    app.gql(
        "query($f: Int) { organisations(first: $f) { totalCount } }",
        json!({ "f": "ten" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    let admin = app.login("admin@example.org").await;
    let reply = app
        .gql_as(
            &admin,
            "mutation($id: ID!, $s: PartnershipStatus!) { changePartnershipStatus(id: $id, status: $s) { id } }",
            json!({ "id": app.organisation_id("kbt").await, "s": "BEST_FRIENDS" }),
        )
        .await;
    reply.expect_error("BAD_USER_INPUT");
    let date = app
        .gql_as(
            &admin,
            "mutation($id: ID!) { updateOrganisation(input: {id: $id, expectedVersion: 1, agreementDate: \"2024-13-45\"}) { id } }",
            json!({ "id": app.organisation_id("kbt").await }),
        )
        .await;
    date.expect_error("BAD_USER_INPUT");
    let via_variable = app
        .gql_as(
            &admin,
            "mutation($id: ID!, $d: Date) { updateOrganisation(input: {id: $id, expectedVersion: 1, agreementDate: $d}) { id } }",
            json!({ "id": app.organisation_id("kbt").await, "d": "17.05.2024" }),
        )
        .await;
    via_variable.expect_error("BAD_USER_INPUT");
    let unchanged = app
        .gql("{ organisationBySlug(slug: \"kbt\") { version } }", json!({}))
        .await;
    assert_eq!(unchanged.ok()["organisationBySlug"]["version"], 1);
}

#[tokio::test]
async fn deep_queries_are_refused() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_depth = 4).await;
    let reply = app
        .gql(
            "{ organisations { edges { node { translations { locale } } } } }",
            json!({}),
        )
        .await;
    reply.expect_error("QUERY_TOO_DEEP");
    app.gql("{ organisations { totalCount } }", json!({})).await.ok();
}

#[tokio::test]
async fn complexity_counts_the_items_a_list_may_return() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_complexity = 300).await;
    let query =
        "query($n: Int) { organisations(first: $n) { edges { node { id slug name country kind } } } }";
    app.gql(query, json!({ "n": 100 }))
        .await
        .expect_error("QUERY_TOO_COMPLEX");
    app.gql(query, json!({ "n": 10 })).await.ok();
}

#[tokio::test]
async fn batches_are_capped() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_batch = 3).await;
    let op = json!({ "query": "{ organisations { totalCount } }" });
    let ok = app.post_json(None, None, &json!([op, op, op])).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.body.as_array().expect("a batch answer").len(), 3);
    assert_eq!(ok.body[2]["data"]["organisations"]["totalCount"], 7);
    let too_many = app.post_json(None, None, &json!([op, op, op, op])).await;
    assert_eq!(too_many.status, 400);
    too_many.expect_error("BATCH_TOO_LARGE");
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_do_not() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .get(
            reqwest::Url::parse_with_params(
                &app.url("/graphql"),
                [("query", "{ organisations { totalCount } }")],
            )
            .expect("url"),
        )
        .send()
        .await
        .expect("sent");
    let reply = TestApp::reply(response).await;
    assert_eq!(reply.ok()["organisations"]["totalCount"], 7);

    let response = app
        .client
        .get(
            reqwest::Url::parse_with_params(
                &app.url("/graphql"),
                [(
                    "query",
                    "mutation { login(email: \"admin@example.org\", password: \"sammen-demo\") { token } }",
                )],
            )
            .expect("url"),
        )
        .send()
        .await
        .expect("sent");
    let reply = TestApp::reply(response).await;
    assert_eq!(reply.status, 405);
    reply.expect_error("METHOD_NOT_ALLOWED");
    let sessions = sammen_entities::auth_token::Entity::find()
        .all(&app.db)
        .await
        .expect("query");
    assert!(sessions.is_empty(), "the GET mutation signed someone in");

    let page = app.client.get(app.url("/graphql")).send().await.expect("sent");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("graphiql"));
}

#[tokio::test]
async fn a_request_running_past_the_timeout_is_stopped_with_a_clear_error() {
    // Password hashing alone takes longer than a millisecond.
    let app = TestApp::spawn_with(|c| c.serve.limits.request_timeout_secs = 0.001).await;
    let reply = app
        .gql(
            "mutation { login(email: \"admin@example.org\", password: \"sammen-demo\") { token } }",
            json!({}),
        )
        .await;
    reply.expect_error("TIMEOUT");
    assert_eq!(reply.status, 200);
    assert!(reply.message().contains("0.001"), "{}", reply.message());
    // Give the abandoned hashing time to finish: no session may appear.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let sessions = sammen_entities::auth_token::Entity::find()
        .all(&app.db)
        .await
        .expect("query");
    assert!(sessions.is_empty(), "a timed-out login still created a session");
}

#[tokio::test]
async fn an_internal_failure_is_masked_with_a_reference() {
    let app = TestApp::spawn().await;
    // Break the database under the running server.
    sea_orm::ConnectionTrait::execute_unprepared(&app.db, "DROP TABLE organisation_translation")
        .await
        .expect("drop");
    let reply = app
        .gql("{ organisations { edges { node { description } } } }", json!({}))
        .await;
    assert!(!reply.status.is_server_error());
    reply.expect_error("INTERNAL");
    let reference = reply.body["errors"][0]["extensions"]["reference"]
        .as_str()
        .expect("a reference");
    assert!(reply.message().contains(reference));
    let text = reply.body.to_string().to_lowercase();
    for secret in [
        "organisation_translation",
        "select",
        "sqlite",
        "postgres",
        "no such table",
        "relation",
    ] {
        assert!(!text.contains(secret), "`{secret}` leaked: {text}");
    }
    assert!(!text.contains(&app.config.global.database_url.to_lowercase()));
}

#[tokio::test]
async fn a_stored_value_the_service_does_not_know_is_an_error_not_a_default() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let kbt = app.organisation_id("kbt").await;
    let query = "query($id: ID!) { organisation(id: $id) { name kind partnershipStatus } }";
    let before = app.gql_as(&admin, query, json!({ "id": kbt })).await;
    assert_eq!(before.ok()["organisation"]["kind"], "COMPETENCE_CENTRE");

    // A row written by hand (or by a newer version) with a name no
    // enumeration has: reading it must fail loudly, not show PROSPECT.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE organisation SET partnership_status = 'FRIENDLY' WHERE slug = 'kbt'",
    )
    .await
    .expect("update");
    let reply = app.gql_as(&admin, query, json!({ "id": kbt })).await;
    assert!(!reply.status.is_server_error());
    reply.expect_error("INTERNAL");
    assert!(reply.body["data"]["organisation"].is_null(), "{}", reply.body);
    assert!(!reply.body.to_string().contains("FRIENDLY"));

    // Other organisations still read.
    let other = app.organisation_id("sorlandet-sykehus").await;
    let other = app.gql_as(&admin, query, json!({ "id": other })).await;
    assert!(other.ok()["organisation"]["partnershipStatus"].is_string());

    // The same for a stored list of enumerations: an unknown audience is
    // an error, not left out.
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "UPDATE training_material SET target_audiences = '[\"ALIENS\"]'",
    )
    .await
    .expect("update");
    let audiences = app
        .gql_as(
            &admin,
            "{ trainingMaterials(first: 1) { edges { node { title targetAudiences } } } }",
            json!({}),
        )
        .await;
    assert!(!audiences.status.is_server_error());
    audiences.expect_error("INTERNAL");
    assert!(!audiences.body.to_string().contains("ALIENS"));
}
