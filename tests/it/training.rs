//! Training materials and offerings: the demo courses, filters, JSON-LD,
//! sharing, and bad input.

use sammen_entities::{offering, training_material};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::support::TestApp;

const TRONDHEIM: &str = r#"query($on1: Date!, $on2: Date!) { trainingMaterials(filter: {query: "new function"}) {
  totalCount edges { node { id title kindLabel offerings {
    city country datesFormatted resolvedLocale
    price { amountMinor currency formatted } earlyBirdPrice { formatted } earlyBirdDeadline
    early: currentPrice(on: $on1) { amountMinor } regular: currentPrice(on: $on2) { amountMinor }
    programme { startsAt title speaker }
  } } } } }"#;

#[tokio::test]
async fn the_trondheim_course_has_its_dates_prices_and_programme_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let reply = app
        .gql_with(
            None,
            Some("nb-NO"),
            TRONDHEIM,
            json!({ "on1": "2016-11-01", "on2": "2016-11-20" }),
        )
        .await;
    let data = reply.ok();
    assert_eq!(data["trainingMaterials"]["totalCount"], 1);
    let course = &data["trainingMaterials"]["edges"][0]["node"];
    assert_eq!(course["title"], "Erfaringskonsulent – en ny funksjon");
    assert_eq!(course["kindLabel"], "Kurs");
    let offering = &course["offerings"][0];
    assert_eq!(offering["city"], "Trondheim");
    assert_eq!(offering["datesFormatted"], "12.12.2016–13.12.2016");
    assert_eq!(offering["price"]["formatted"], "1\u{a0}700,00\u{a0}kr");
    assert_eq!(offering["earlyBirdPrice"]["formatted"], "1\u{a0}500,00\u{a0}kr");
    assert_eq!(offering["early"]["amountMinor"], 150_000);
    assert_eq!(offering["regular"]["amountMinor"], 170_000);
    let programme = offering["programme"].as_array().expect("programme");
    assert_eq!(programme.len(), 9);
    assert_eq!(programme[0]["title"], "Registrering og kaffe");
    assert_eq!(offering["resolvedLocale"], "nb-NO");
    assert!(
        programme[0]["startsAt"]
            .as_str()
            .expect("time")
            .starts_with("2016-12-12T09:30:00")
    );
    assert_eq!(programme[6]["speaker"], "Astrid Weber");

    let english = app
        .gql_with(
            None,
            Some("en-US"),
            TRONDHEIM,
            json!({ "on1": "2016-11-01", "on2": "2016-11-20" }),
        )
        .await;
    let offering = &english.ok()["trainingMaterials"]["edges"][0]["node"]["offerings"][0];
    assert_eq!(offering["price"]["formatted"], "NOK\u{a0}1,700.00");
    assert_eq!(offering["datesFormatted"], "12/12/2016–12/13/2016");
}

async fn count(app: &TestApp, token: Option<&str>, filter: Value) -> i64 {
    let reply = app
        .gql_with(
            token,
            None,
            "query($f: TrainingFilter) { trainingMaterials(filter: $f) { totalCount } }",
            json!({ "f": filter }),
        )
        .await;
    reply.ok()["trainingMaterials"]["totalCount"]
        .as_i64()
        .expect("count")
}

#[tokio::test]
async fn filters_find_what_partners_look_for() {
    let app = TestApp::spawn().await;
    let partner = app.login("partner@example.org").await;
    let p = Some(partner.as_str());
    assert_eq!(
        count(&app, None, json!({})).await,
        3,
        "anonymous visitors see the PUBLIC ones"
    );
    assert_eq!(
        count(&app, p, json!({})).await,
        4,
        "network partners see NETWORK ones too"
    );
    assert_eq!(count(&app, p, json!({ "eqfLevel": 5 })).await, 1);
    assert_eq!(
        count(&app, p, json!({ "minEqfLevel": 4, "maxEqfLevel": 4 })).await,
        1
    );
    assert_eq!(
        count(&app, None, json!({ "minEqfLevel": 4, "maxEqfLevel": 4 })).await,
        0
    );
    assert_eq!(count(&app, p, json!({ "audience": "EMPLOYERS" })).await, 2);
    assert_eq!(
        count(&app, p, json!({ "audience": "PEER_WORKERS" })).await,
        3,
        "not the prospective-only one"
    );
    assert_eq!(count(&app, p, json!({ "deliveryMode": "BLENDED" })).await, 1);
    assert_eq!(count(&app, p, json!({ "language": "nb" })).await, 4);
    assert_eq!(count(&app, p, json!({ "language": "da" })).await, 0);
    assert_eq!(count(&app, p, json!({ "country": "NO" })).await, 2);
    assert_eq!(
        count(&app, p, json!({ "upcoming": true })).await,
        1,
        "the next course in Tromsø"
    );
    assert_eq!(count(&app, p, json!({ "topic": "ethics" })).await, 1);
    let kbt = app.organisation_id("kbt").await;
    assert_eq!(count(&app, p, json!({ "provider": kbt })).await, 3);
    app.gql(
        "{ trainingMaterials(filter: {eqfLevel: 9}) { totalCount } }",
        json!({}),
    )
    .await
    .expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn json_ld_is_a_schema_org_course_with_instances_and_offers() {
    let app = TestApp::spawn().await;
    let reply = app
        .gql(
            "{ trainingMaterials(filter: {query: \"new function\"}) { edges { node { id jsonLd } } } }",
            json!({}),
        )
        .await;
    let node = &reply.ok()["trainingMaterials"]["edges"][0]["node"];
    let ld = &node["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "Course");
    assert_eq!(ld["name"], "Peer support specialist – a new function");
    assert_eq!(
        ld["provider"]["name"],
        "KBT – Kompetansesenter for brukererfaring og tjenesteutvikling"
    );
    // The Course's texts are in English for this reader; each run says
    // what language it is taught in.
    assert_eq!(ld["inLanguage"], "en-US");
    assert_eq!(ld["hasCourseInstance"][0]["inLanguage"], "nb-NO");
    assert_eq!(ld["audience"][0]["audienceType"], "Employers");
    assert_eq!(
        ld["hasCourseInstance"][0]["offers"][0]["category"],
        "Regular price"
    );
    assert!(ld["teaches"].as_array().expect("teaches").len() >= 2);
    assert_eq!(ld["audience"][0]["@type"], "Audience");
    let instance = &ld["hasCourseInstance"][0];
    assert_eq!(instance["@type"], "CourseInstance");
    assert_eq!(instance["courseMode"], "Onsite");
    assert_eq!(instance["startDate"], "2016-12-12");
    assert_eq!(instance["location"]["address"]["addressLocality"], "Trondheim");
    assert_eq!(instance["offers"][0]["@type"], "Offer");
    assert_eq!(instance["offers"][0]["price"], "1700.00");
    assert_eq!(instance["offers"][0]["priceCurrency"], "NOK");
    assert_eq!(instance["offers"][1]["price"], "1500.00");
    assert_eq!(instance["offers"][1]["validThrough"], "2016-11-14");
    assert_eq!(ld["license"], "https://spdx.org/licenses/CC-BY-4.0.html");

    let id = node["id"].as_str().expect("id");
    let response = app
        .client
        .get(app.url(&format!("/training/{id}.jsonld")))
        .header("Accept-Language", "nb-NO")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/ld+json");
    assert_eq!(response.headers()["content-language"], "nb-NO");
    let text = response.text().await.expect("text");
    let body: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(body["name"], "Erfaringskonsulent – en ny funksjon");
    assert_eq!(body["inLanguage"], "nb-NO");
    assert_eq!(body["hasCourseInstance"][0]["offers"][0]["price"], "1700.00");
    assert_eq!(
        body["hasCourseInstance"][0]["offers"][0]["category"],
        "Ordinær pris"
    );
    assert_eq!(
        body["hasCourseInstance"][0]["offers"][1]["category"],
        "Tidligpris"
    );
    assert_eq!(body["audience"][0]["audienceType"], "Arbeidsgivere");
    assert!(!text.contains("null"), "absent values are left out: {text}");

    let school = app
        .gql(
            "{ trainingMaterials(filter: {eqfLevel: 5}) { edges { node { jsonLd } } } }",
            json!({}),
        )
        .await;
    let ld = &school.ok()["trainingMaterials"]["edges"][0]["node"]["jsonLd"];
    assert_eq!(ld["educationalLevel"], "EQF level 5");
    let nb = app
        .gql_with(
            None,
            Some("nb"),
            "{ trainingMaterials(filter: {eqfLevel: 5}) { edges { node { jsonLd } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        nb.ok()["trainingMaterials"]["edges"][0]["node"]["jsonLd"]["educationalLevel"],
        "EQF-nivå 5"
    );
    assert_eq!(ld["numberOfCredits"]["value"], 60.0);

    let missing = app
        .client
        .get(app.url(&format!("/training/{}.jsonld", uuid::Uuid::now_v7())))
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status(), 404);
}

const CREATE: &str = r#"mutation($input: CreateTrainingMaterialInput!) {
  createTrainingMaterial(input: $input) { id version eqfLevel languages visibility }
}"#;

const SCHEDULE: &str = r#"mutation($id: ID!, $input: OfferingInput!) {
  scheduleOffering(trainingMaterialId: $id, input: $input) { id status version programme { title } }
}"#;

fn offering_input() -> Value {
    json!({
        "startsOn": "2027-05-17", "endsOn": "2027-05-18", "city": "Bergen", "country": "no", "language": "nb",
        "price": { "amountMinor": 170000, "currency": "NOK" },
        "earlyBirdPrice": { "amountMinor": 150000, "currency": "NOK" }, "earlyBirdDeadline": "2027-04-15",
        "programme": [{ "startsAt": "2027-05-17T09:00:00+02:00", "title": "Opening", "speaker": "Kari" }]
    })
}

#[tokio::test]
async fn bad_training_and_offering_input_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let materials = training_material::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    for (patch, field) in [
        (json!({ "eqfLevel": 9 }), "eqfLevel"),
        (json!({ "eqfLevel": 0 }), "eqfLevel"),
        (json!({ "ectsCredits": -1.5 }), "ectsCredits"),
        (json!({ "languages": ["not a tag"] }), "languages"),
        (json!({ "license": "Nope-1.0" }), "license"),
    ] {
        let mut input = json!({ "kind": "COURSE", "title": "T" });
        for (k, v) in patch.as_object().expect("object") {
            input[k] = v.clone();
        }
        let reply = app
            .gql_with(
                Some(&coordinator),
                Some("nb-NO"),
                CREATE,
                json!({ "input": input }),
            )
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
    assert_eq!(
        training_material::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        materials
    );

    let created = app
        .gql_as(&coordinator, CREATE, json!({ "input": { "kind": "COURSE", "title": "Course", "eqfLevel": 4, "languages": ["nb", "en"] } }))
        .await;
    let id = created.ok()["createTrainingMaterial"]["id"].clone();
    assert_eq!(
        created.ok()["createTrainingMaterial"]["languages"],
        json!(["nb-NO", "en"])
    );
    let offerings = offering::Entity::find().count(&app.db).await.expect("count");
    for (patch, field) in [
        (json!({ "endsOn": "2027-05-16" }), "endsOn"),
        (json!({ "earlyBirdDeadline": "2027-05-20" }), "earlyBirdDeadline"),
        (
            json!({ "price": { "amountMinor": -100, "currency": "NOK" } }),
            "price.amountMinor",
        ),
        (
            json!({ "price": { "amountMinor": 100, "currency": "KRONER" } }),
            "price.currency",
        ),
        (
            json!({ "earlyBirdPrice": { "amountMinor": 100, "currency": "EUR" } }),
            "earlyBirdPrice.currency",
        ),
        (json!({ "language": "??" }), "language"),
        (json!({ "country": "XX" }), "country"),
        (
            json!({ "programme": [{ "startsAt": "2027-05-20T09:00:00Z", "title": "Late" }] }),
            "programme[0].startsAt",
        ),
    ] {
        let mut input = offering_input();
        for (k, v) in patch.as_object().expect("object") {
            input[k] = v.clone();
        }
        let reply = app
            .gql_with(
                Some(&coordinator),
                Some("nb-NO"),
                SCHEDULE,
                json!({ "id": id, "input": input }),
            )
            .await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
    let late = app
        .gql_with(
            Some(&coordinator),
            Some("nb-NO"),
            SCHEDULE,
            json!({ "id": id, "input": { "startsOn": "2027-05-17", "endsOn": "2027-05-16", "language": "nb" } }),
        )
        .await;
    assert_eq!(late.message(), "Et kurstilbud kan ikke slutte før det begynner.");
    assert_eq!(
        offering::Entity::find().count(&app.db).await.expect("count"),
        offerings
    );

    let scheduled = app
        .gql_as(
            &coordinator,
            SCHEDULE,
            json!({ "id": id, "input": offering_input() }),
        )
        .await;
    let offering = &scheduled.ok()["scheduleOffering"];
    assert_eq!(offering["status"], "SCHEDULED");
    assert_eq!(offering["programme"], json!([{ "title": "Opening" }]));
    let update = "mutation($id: ID!, $input: OfferingInput!) { updateOffering(id: $id, expectedVersion: 1, input: $input) { version city } }";
    let mut changed = offering_input();
    changed["city"] = json!("Tromsø");
    assert_eq!(
        app.gql_as(
            &coordinator,
            update,
            json!({ "id": offering["id"], "input": changed })
        )
        .await
        .ok()["updateOffering"]["city"],
        "Tromsø"
    );
    app.gql_as(
        &coordinator,
        update,
        json!({ "id": offering["id"], "input": offering_input() }),
    )
    .await
    .expect_error("CONFLICT");
    let cancelled = app
        .gql_as(
            &coordinator,
            "mutation($id: ID!) { cancelOffering(id: $id) { status } }",
            json!({ "id": offering["id"] }),
        )
        .await;
    assert_eq!(cancelled.ok()["cancelOffering"]["status"], "CANCELLED");
}

#[tokio::test]
async fn training_follows_the_document_access_model() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let partner = app.login("partner@example.org").await;
    let id = app
        .gql_as(
            &coordinator,
            CREATE,
            json!({ "input": { "kind": "MODULE", "title": "Internal module", "visibility": "PARTNERS" } }),
        )
        .await
        .ok()["createTrainingMaterial"]["id"]
        .clone();
    let read = "query($id: ID!) { trainingMaterial(id: $id) { title } }";
    app.gql_as(&partner, read, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");
    app.gql(read, json!({ "id": id })).await.expect_error("NOT_FOUND");
    let us = app.organisation_id("new-england-peer-alliance").await;
    let share = "mutation($id: ID!, $org: ID!) { shareTrainingMaterial(trainingMaterialId: $id, organisationId: $org, permission: VIEW) { id } }";
    app.gql_as(&partner, share, json!({ "id": id, "org": us }))
        .await
        .expect_error("NOT_FOUND");
    app.gql_as(&coordinator, share, json!({ "id": id, "org": us }))
        .await
        .ok();
    assert_eq!(
        app.gql_as(&partner, read, json!({ "id": id })).await.ok()["trainingMaterial"]["title"],
        "Internal module"
    );
    // Reading is not changing.
    app.gql_as(&partner, SCHEDULE, json!({ "id": id, "input": offering_input() }))
        .await
        .expect_error("FORBIDDEN");
    let update = "mutation($id: ID!) { updateTrainingMaterial(input: {id: $id, expectedVersion: 1, title: \"Taken\"}) { version } }";
    app.gql_as(&partner, update, json!({ "id": id }))
        .await
        .expect_error("FORBIDDEN");
    app.gql_as(&coordinator, update, json!({ "id": id })).await.ok();
    app.gql_as(&coordinator, update, json!({ "id": id }))
        .await
        .expect_error("CONFLICT");
}

#[tokio::test]
async fn documents_attach_to_training_and_training_links_to_projects() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let material = app
        .gql_as(
            &coordinator,
            CREATE,
            json!({ "input": { "kind": "GUIDE", "title": "Handbook", "visibility": "PUBLIC" } }),
        )
        .await
        .ok()["createTrainingMaterial"]["id"]
        .clone();
    let document = app
        .gql_as(&coordinator, "mutation { createDocument(input: {kind: TEMPLATE, title: \"Slides\", visibility: PUBLIC}) { id } }", json!({}))
        .await
        .ok()["createDocument"]["id"]
        .clone();
    let attach = "mutation($t: ID!, $d: ID!) { attachDocumentToTrainingMaterial(trainingMaterialId: $t, documentId: $d) { documents { id } } }";
    let attached = app
        .gql_as(&coordinator, attach, json!({ "t": material, "d": document }))
        .await;
    assert_eq!(
        attached.ok()["attachDocumentToTrainingMaterial"]["documents"],
        json!([{ "id": document }])
    );
    let partner = app.login("partner@example.org").await;
    app.gql_as(&partner, attach, json!({ "t": material, "d": document }))
        .await
        .expect_error("FORBIDDEN");

    let project = app
        .gql_as(&coordinator, "mutation { createProject(input: {code: \"TRAIN-1\", title: \"T\", startsOn: \"2025-01-01\"}) { id } }", json!({}))
        .await
        .ok()["createProject"]["id"]
        .clone();
    let link = "mutation($p: ID!, $t: ID!) { linkTrainingMaterialToProject(projectId: $p, trainingMaterialId: $t) { trainingMaterials { title } } }";
    let linked = app
        .gql_as(&coordinator, link, json!({ "p": project, "t": material }))
        .await;
    assert_eq!(
        linked.ok()["linkTrainingMaterialToProject"]["trainingMaterials"],
        json!([{ "title": "Handbook" }])
    );
    app.gql_as(&partner, link, json!({ "p": project, "t": material }))
        .await
        .expect_error("NOT_FOUND");
}

#[tokio::test]
async fn providers_come_with_the_page_of_materials() {
    let app = TestApp::spawn().await;
    let partner = app.login("partner@example.org").await;
    let bare = "{ trainingMaterials(first: 50) { nodes { id } } }";
    let provided = "{ trainingMaterials(first: 50) { nodes { id provider { slug name } } } }";
    let admin = app.login("admin@example.org").await;
    let answer = app.gql_as(&admin, provided, json!({})).await.ok().clone();
    let nodes = answer["trainingMaterials"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!nodes.is_empty(), "{answer}");
    assert!(
        nodes.iter().all(|m| m["provider"]["slug"].is_string()),
        "{nodes:?}"
    );
    for token in [&partner, &admin] {
        crate::support::statements_for(&app, token, bare, json!({})).await;
        assert_eq!(
            crate::support::statements_for(&app, token, provided, json!({})).await,
            crate::support::statements_for(&app, token, bare, json!({})).await
        );
    }
}
