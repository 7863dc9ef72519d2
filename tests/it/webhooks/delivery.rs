//! Deliveries: signed per Standard Webhooks, thin, retried as the
//! specification says, one endpoint never slowing another.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Receiver, deliveries, endpoint, retitle, settled, spawn, verify, verify_body};
use crate::support::{TestApp, create_document};

#[tokio::test]
async fn a_delivery_is_signed_thin_and_leads_to_the_object() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let (id, secret) = endpoint(
        &app,
        &mette,
        &receiver.url("/ok"),
        &["document.created", "document.updated"],
    )
    .await;
    let doc = create_document(&app, &mette, "Arbejdsbeskrivelse").await;
    retitle(&app, &mette, &doc, "Hemmelig arbejdsbeskrivelse 2027").await;

    let got = receiver.wait_for("/ok", 10, |r| r.len() >= 2).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].json["type"], "document.created");
    let update = &got[1];
    assert_eq!(update.json["type"], "document.updated");

    // The Standard Webhooks headers, and a signature that verifies…
    assert!(update.id.starts_with("msg_"), "{}", update.id);
    let sent_at: i64 = update.timestamp.parse().expect("unix seconds");
    assert!((chrono::Utc::now().timestamp() - sent_at).abs() < 60);
    assert!(update.signature.starts_with("v1,"), "{}", update.signature);
    assert!(verify(&secret, update));
    // …and does not with another secret, or with the body changed by one byte.
    let (_, other_secret) = endpoint(&app, &mette, &receiver.url("/ok"), &["document.shared"]).await;
    assert!(!verify(&other_secret, update));
    let mut changed = update.body.clone();
    let at = changed.iter().position(|b| *b == b'1').unwrap_or(10);
    changed[at] = if changed[at] == b'1' { b'2' } else { b'1' };
    assert!(!verify_body(&secret, update, &changed));

    // Thin: ids and changed fields, no content.
    let body = String::from_utf8(update.body.clone()).expect("utf-8");
    assert!(!body.contains("Hemmelig"), "{body}");
    let data = &update.json["data"];
    assert_eq!(data["id"], json!(doc));
    assert_eq!(data["subjectType"], "Document");
    assert!(
        data["fields"]
            .as_array()
            .expect("fields")
            .contains(&json!("title")),
        "{data}"
    );
    assert!(data["version"].is_number());
    let when: chrono::DateTime<chrono::Utc> = update.json["timestamp"]
        .as_str()
        .expect("time")
        .parse()
        .expect("RFC 3339");
    assert!((chrono::Utc::now() - when).num_seconds() < 60);

    // The fetch request reads the object with the receiver's own rights.
    let fetch = &data["fetch"];
    assert!(fetch["url"].as_str().expect("url").ends_with("/graphql"));
    let read = app
        .gql_as(
            &mette,
            fetch["query"].as_str().expect("query"),
            fetch["variables"].clone(),
        )
        .await;
    assert_eq!(read.ok()["document"]["title"], "Hemmelig arbejdsbeskrivelse 2027");

    // The log says so.
    let log = settled(&app, &mette, &id, 10).await;
    assert_eq!(log.len(), 2);
    for delivery in &log {
        assert_eq!(delivery["status"], "SUCCEEDED", "{delivery}");
        assert_eq!(delivery["attempts"], 1);
        assert_eq!(delivery["lastStatusCode"], 204);
    }
    assert_eq!(log[0]["id"], json!(update.id), "the log's id is the webhook-id");
}

#[tokio::test]
async fn failures_are_retried_as_the_specification_says_with_the_same_webhook_id() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let mut endpoints = Vec::new();
    for path in ["/flaky", "/busy", "/bad", "/moved"] {
        let (id, _) = endpoint(&app, &mette, &receiver.url(path), &["document.updated"]).await;
        endpoints.push((path, id));
    }
    let doc = create_document(&app, &mette, "Kursusplan").await;
    retitle(&app, &mette, &doc, "Kursusplan 2027").await;

    let by_path = |path: &str| {
        endpoints
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, id)| id.clone())
            .expect("endpoint")
    };
    // 500 then 204: two attempts, one webhook-id, SUCCEEDED.
    let flaky = receiver.wait_for("/flaky", 10, |r| r.len() >= 2).await;
    assert_eq!(flaky[0].id, flaky[1].id);
    // 429 with Retry-After: 2 is waited for, though the schedule says 1 s.
    let busy = receiver.wait_for("/busy", 10, |r| r.len() >= 2).await;
    assert_eq!(busy[0].id, busy[1].id);
    let gap = busy[1].timestamp.parse::<i64>().expect("ts") - busy[0].timestamp.parse::<i64>().expect("ts");
    assert!(gap >= 2, "retried after {gap} s");
    // A redirect is a failure (never followed), retried to the end of the schedule.
    let moved = receiver.wait_for("/moved", 10, |r| r.len() >= 3).await;
    assert!(moved.iter().all(|r| r.id == moved[0].id));

    let flaky_log = settled(&app, &mette, &by_path("/flaky"), 10).await;
    assert_eq!(flaky_log[0]["status"], "SUCCEEDED");
    assert_eq!(flaky_log[0]["attempts"], 2);
    let moved_log = settled(&app, &mette, &by_path("/moved"), 10).await;
    assert_eq!(moved_log[0]["status"], "FAILED", "{moved_log:?}");
    assert_eq!(moved_log[0]["attempts"], 3);
    assert_eq!(moved_log[0]["lastStatusCode"], 302);
    assert!(moved_log[0]["nextAttemptAt"].is_null());
    // 400 is not retried.
    let bad_log = settled(&app, &mette, &by_path("/bad"), 10).await;
    assert_eq!(bad_log[0]["status"], "FAILED");
    assert_eq!(bad_log[0]["attempts"], 1);
    assert_eq!(bad_log[0]["lastStatusCode"], 400);
    assert_eq!(bad_log[0]["responseExcerpt"], "no thanks");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.at("/bad").len(), 1, "a 400 was retried");
    assert_eq!(receiver.at("/moved").len(), 3, "retried past the schedule");
}

#[tokio::test]
async fn a_410_disables_the_endpoint_and_its_admins_see_why_until_they_resume_it() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let (id, _) = endpoint(&app, &mette, &receiver.url("/gone"), &["document.updated"]).await;
    let doc = create_document(&app, &mette, "Referat").await;
    retitle(&app, &mette, &doc, "Referat 1").await;
    receiver.wait_for("/gone", 10, |r| !r.is_empty()).await;
    settled(&app, &mette, &id, 10).await;

    let query = json!({ "query": "query($id: ID!) { webhookEndpoint(id: $id) { disabledAt disabledReason version } }", "variables": { "id": id } });
    let shown = app.post_json(Some(&mette), Some("nb-NO"), &query).await;
    let shown = shown.ok()["webhookEndpoint"].clone();
    assert!(shown["disabledAt"].is_string(), "{shown}");
    assert!(
        shown["disabledReason"]
            .as_str()
            .expect("reason")
            .contains("410 Gone"),
        "{shown}"
    );

    // Disabled: nothing more is queued or sent, and a test is refused.
    retitle(&app, &mette, &doc, "Referat 2").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.at("/gone").len(), 1);
    assert_eq!(deliveries(&app, &mette, &id).await.len(), 1);
    app.gql_as(
        &mette,
        "mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id } }",
        json!({ "id": id }),
    )
    .await
    .expect_error("BAD_USER_INPUT");

    // Resuming re-enables it.
    let resumed = app
        .gql_as(
            &mette,
            "mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { disabledAt disabledReason paused } }",
            json!({ "i": { "id": id, "expectedVersion": shown["version"], "paused": false } }),
        )
        .await;
    let resumed = resumed.ok()["updateWebhookEndpoint"].clone();
    assert!(
        resumed["disabledAt"].is_null() && resumed["disabledReason"].is_null(),
        "{resumed}"
    );
}

#[tokio::test]
async fn a_paused_endpoint_holds_its_deliveries_until_it_is_resumed() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let (id, _) = endpoint(&app, &mette, &receiver.url("/ok"), &["document.updated"]).await;
    let pause = "mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { version } }";
    let v = app
        .gql_as(
            &mette,
            pause,
            json!({ "i": { "id": id, "expectedVersion": 1, "paused": true } }),
        )
        .await
        .ok()["updateWebhookEndpoint"]["version"]
        .clone();
    let doc = create_document(&app, &mette, "Evaluering").await;
    for n in 1..=3 {
        retitle(&app, &mette, &doc, &format!("Evaluering {n}")).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(receiver.at("/ok").is_empty());
    // Held (as a network admin sees; the organisation's admins see a
    // delivery once an attempt has checked they may read its subject).
    let admin = app.login("admin@example.org").await;
    let held = deliveries(&app, &admin, &id).await;
    assert_eq!(held.len(), 3);
    assert!(held.iter().all(|d| d["status"] == "PENDING"));
    assert!(deliveries(&app, &mette, &id).await.is_empty());
    app.gql_as(
        &mette,
        pause,
        json!({ "i": { "id": id, "expectedVersion": v, "paused": false } }),
    )
    .await
    .ok();
    let got = receiver.wait_for("/ok", 10, |r| r.len() >= 3).await;
    let versions: Vec<i64> = got
        .iter()
        .map(|r| r.json["data"]["version"].as_i64().expect("v"))
        .collect();
    assert_eq!(versions, vec![2, 3, 4], "in order");
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_and_tests_and_redeliveries_keep_their_id() {
    let app = spawn().await;
    let receiver = Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let (id, old) = endpoint(&app, &mette, &receiver.url("/ok"), &["document.updated"]).await;
    let new = app
        .gql_as(
            &mette,
            "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }",
            json!({ "id": id }),
        )
        .await
        .ok()["rotateWebhookSecret"]["secret"]
        .as_str()
        .expect("secret")
        .to_owned();
    let test = app
        .gql_as(
            &mette,
            "mutation($id: ID!) { sendTestWebhook(endpointId: $id) { id eventType status } }",
            json!({ "id": id }),
        )
        .await;
    let test = test.ok()["sendTestWebhook"].clone();
    assert_eq!(test["eventType"], "webhook.test");
    let got = receiver.wait_for("/ok", 10, |r| !r.is_empty()).await;
    let first = &got[0];
    assert_eq!(json!(first.id), test["id"]);
    assert_eq!(first.json["type"], "webhook.test");
    assert_eq!(first.signature.split(' ').count(), 2, "{}", first.signature);
    assert!(verify(&new, first) && verify(&old, first));
    let (_, stranger) = endpoint(&app, &mette, &receiver.url("/ok"), &["document.shared"]).await;
    assert!(!verify(&stranger, first));

    settled(&app, &mette, &id, 10).await;
    let again = app
        .gql_as(
            &mette,
            "mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id status } }",
            json!({ "id": test["id"] }),
        )
        .await;
    assert_eq!(again.ok()["redeliverWebhook"]["status"], "PENDING");
    let got = receiver.wait_for("/ok", 10, |r| r.len() >= 2).await;
    assert_eq!(got[1].id, first.id, "a redelivery keeps its webhook-id");
    assert!(verify(&new, &got[1]));
    // A malformed or unknown delivery id is a clear error.
    app.gql_as(
        &mette,
        "mutation { redeliverWebhook(deliveryId: \"evt_1\") { id } }",
        json!({}),
    )
    .await
    .expect_error("BAD_USER_INPUT");
    app.gql_as(
        &mette,
        "mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }",
        json!({ "id": format!("msg_{}", uuid::Uuid::now_v7().simple()) }),
    )
    .await
    .expect_error("NOT_FOUND");
}

#[tokio::test]
async fn at_most_four_deliveries_go_to_one_endpoint_at_once_and_a_slow_one_delays_no_other() {
    let app = TestApp::spawn_with(|c| {
        super::configure(c);
        c.serve.webhooks.webhook_timeout_secs = 10;
    })
    .await;
    let slow = Receiver::start().await;
    let quick = Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    endpoint(&app, &mette, &slow.url("/stuck"), &["document.updated"]).await;
    endpoint(&app, &mette, &quick.url("/ok"), &["document.updated"]).await;
    let mut docs = Vec::new();
    for n in 0..8 {
        docs.push(create_document(&app, &mette, &format!("Notat {n}")).await);
    }
    let changes = docs
        .iter()
        .map(|doc| retitle(&app, &mette, doc, "Notat, revidert"));
    futures_util::future::join_all(changes).await;

    // The quick endpoint has all eight while the slow one is still on its first four.
    quick.wait_for("/ok", 5, |r| r.len() >= 8).await;
    assert!(slow.at("/stuck").len() <= 4, "{}", slow.at("/stuck").len());
    let all = slow.wait_for("/stuck", 20, |r| r.len() >= 8).await;
    assert_eq!(
        slow.most_in_flight(),
        4,
        "never more than four at once, and four used"
    );
    let ids: std::collections::BTreeSet<&str> = all.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), 8);
    let _: &Value = &all[0].json;
}

#[tokio::test]
async fn an_endpoint_failing_for_five_days_is_disabled_and_its_admins_see_why() {
    use sammen_entities::webhook_endpoint;
    use sea_orm::{EntityTrait, sea_query::Expr};

    let app = spawn().await; // the default limit: 120 hours
    let receiver = Receiver::start().await;
    let mette = app.login("mette@peer-netvaerket.example").await;
    let (id, _) = endpoint(&app, &mette, &receiver.url("/moved"), &["document.updated"]).await;
    let doc = create_document(&app, &mette, "Budsjett").await;
    let query = json!({ "query": "query($id: ID!) { webhookEndpoint(id: $id) { disabledAt disabledReason failingSince } }", "variables": { "id": id } });

    // Failing for a few seconds: counted, not disabled.
    retitle(&app, &mette, &doc, "Budsjett 2027").await;
    settled(&app, &mette, &id, 10).await;
    let shown = app.post_json(Some(&mette), Some("en-US"), &query).await.ok()["webhookEndpoint"].clone();
    assert!(
        shown["failingSince"].is_string() && shown["disabledAt"].is_null(),
        "{shown}"
    );

    // Failing since 121 hours ago: the next failure disables it.
    webhook_endpoint::Entity::update_many()
        .col_expr(
            webhook_endpoint::Column::FailingSince,
            Expr::value(chrono::Utc::now() - chrono::Duration::hours(121)),
        )
        .exec(&app.db)
        .await
        .expect("back-date");
    retitle(&app, &mette, &doc, "Budsjett 2028").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let shown = loop {
        let shown = app.post_json(Some(&mette), Some("en-US"), &query).await.ok()["webhookEndpoint"].clone();
        if shown["disabledAt"].is_string() || tokio::time::Instant::now() > deadline {
            break shown;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        shown["disabledReason"],
        "Every delivery to this endpoint has failed for several days."
    );
    let admin = app.login("admin@example.org").await;
    let log = deliveries(&app, &admin, &id).await;
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d["status"] == "FAILED"), "{log:?}");
}
