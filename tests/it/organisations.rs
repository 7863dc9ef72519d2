//! Organisations: listing with access rules, filters and pages; changes by
//! admins with validation, partnership rules and optimistic concurrency.

use serde_json::{Value, json};

use crate::support::TestApp;

const LIST: &str = r#"query($first: Int, $after: String, $filter: OrganisationFilter) {
  organisations(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id slug name country partnershipStatus } }
  }
}"#;

fn slugs(data: &Value) -> Vec<String> {
    data["organisations"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| e["node"]["slug"].as_str().expect("slug").to_owned())
        .collect()
}

#[tokio::test]
async fn anonymous_visitors_see_partners_with_an_agreement_but_not_prospects() {
    let app = TestApp::spawn().await;
    let reply = app.gql(LIST, json!({ "first": 100 })).await;
    let data = reply.ok();
    let seen = slugs(data);
    assert_eq!(data["organisations"]["totalCount"], 7, "{seen:?}");
    assert_eq!(seen.len(), 7);
    assert!(seen.contains(&"erfaringssentrum".to_owned()));
    assert!(
        seen.contains(&"platform-ervaringsdeskundigen".to_owned()),
        "PAUSED partners stay listed"
    );
    assert!(
        !seen.contains(&"ubuntu-peer-workers".to_owned()),
        "a PROSPECT leaked"
    );
    assert!(
        !seen.contains(&"cape-peer-recovery-forum".to_owned()),
        "an IN_DIALOGUE organisation leaked"
    );
}

#[tokio::test]
async fn admins_see_every_organisation_and_counts_agree_with_the_list() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let reply = app.gql_as(&admin, LIST, json!({ "first": 100 })).await;
    let data = reply.ok();
    assert_eq!(data["organisations"]["totalCount"], 9);
    assert_eq!(slugs(data).len(), 9);
}

#[tokio::test]
async fn a_prospect_is_not_found_for_a_partner_member_but_found_for_an_admin() {
    let app = TestApp::spawn().await;
    let prospect = app.organisation_id("ubuntu-peer-workers").await;
    let partner = app.login("partner@example.org").await;
    let query = "query($id: ID!) { organisation(id: $id) { name } }";
    app.gql_as(&partner, query, json!({ "id": prospect }))
        .await
        .expect_error("NOT_FOUND");
    app.gql(query, json!({ "id": prospect }))
        .await
        .expect_error("NOT_FOUND");
    let admin = app.login("admin@example.org").await;
    let reply = app.gql_as(&admin, query, json!({ "id": prospect })).await;
    assert_eq!(
        reply.ok()["organisation"]["name"],
        "Ubuntu Peer Workers Collective"
    );
}

#[tokio::test]
async fn filters_narrow_the_list_and_the_count() {
    let app = TestApp::spawn().await;
    let by_country = app.gql(LIST, json!({ "filter": { "country": "no" } })).await;
    let data = by_country.ok();
    assert_eq!(data["organisations"]["totalCount"], 3);
    for edge in data["organisations"]["edges"].as_array().expect("edges") {
        assert_eq!(edge["node"]["country"], "NO");
    }

    let by_status = app
        .gql(LIST, json!({ "filter": { "partnershipStatus": "AGREEMENT" } }))
        .await;
    let mut seen = slugs(by_status.ok());
    seen.sort();
    assert_eq!(seen, ["peer-netvaerket-danmark", "sorlandet-sykehus"]);

    let by_kind = app.gql(LIST, json!({ "filter": { "kind": "HOSPITAL" } })).await;
    assert_eq!(slugs(by_kind.ok()), ["sorlandet-sykehus"]);

    let by_words = app
        .gql(LIST, json!({ "filter": { "query": "ERASMUS coordinator" } }))
        .await;
    assert_eq!(slugs(by_words.ok()), ["grone-bildungszentrum"]);

    let wildcard = app.gql(LIST, json!({ "filter": { "query": "%" } })).await;
    assert_eq!(
        wildcard.ok()["organisations"]["totalCount"],
        0,
        "% must be matched literally"
    );
}

#[tokio::test]
async fn pages_follow_cursors_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    for _ in 0..10 {
        let reply = app.gql(LIST, json!({ "first": 3, "after": after })).await;
        let data = reply.ok();
        assert_eq!(data["organisations"]["totalCount"], 7);
        seen.extend(slugs(data));
        let page = &data["organisations"]["pageInfo"];
        if page["hasNextPage"] == false {
            break;
        }
        after = page["endCursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen.len(), 7, "{seen:?}");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 7, "a page repeated an organisation: {seen:?}");

    app.gql(LIST, json!({ "after": "not-a-cursor" }))
        .await
        .expect_error("BAD_USER_INPUT");
    app.gql(LIST, json!({ "first": 101 }))
        .await
        .expect_error("BAD_USER_INPUT");
}

const CREATE: &str = r#"mutation($input: CreateOrganisationInput!) {
  createOrganisation(input: $input) { id slug country partnershipStatus version description originalLocale }
}"#;

fn new_org(slug: &str, country: &str) -> Value {
    json!({ "input": {
        "slug": slug, "name": "Peer Workers of Ohio", "country": country, "kind": "NGO",
        "description": "Peer workers in Ohio.", "website": "https://example.org/ohio"
    }})
}

async fn organisation_count(app: &TestApp, token: &str) -> i64 {
    let reply = app
        .gql_as(token, "{ organisations { totalCount } }", json!({}))
        .await;
    reply.ok()["organisations"]["totalCount"].as_i64().expect("count")
}

#[tokio::test]
async fn an_admin_creates_an_organisation_as_a_prospect() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let reply = app.gql_as(&admin, CREATE, new_org("ohio-peers", "us")).await;
    let created = &reply.ok()["createOrganisation"];
    assert_eq!(created["slug"], "ohio-peers");
    assert_eq!(created["country"], "US");
    assert_eq!(created["partnershipStatus"], "PROSPECT");
    assert_eq!(created["version"], 1);
    assert_eq!(created["originalLocale"], "en-US");
    assert_eq!(organisation_count(&app, &admin).await, 10);
}

#[tokio::test]
async fn an_invalid_country_is_a_field_error_in_the_callers_language_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let reply = app
        .gql_with(Some(&admin), Some("nb-NO"), CREATE, new_org("ohio-peers", "XX"))
        .await;
    reply.expect_error("BAD_USER_INPUT");
    assert_eq!(reply.field(), "country");
    assert_eq!(
        reply.message(),
        "«XX» er ikke en landkode. Bruk to bokstaver som i ISO 3166-1, for eksempel NO, US, DK, ZA eller NL."
    );
    let english = app.gql_as(&admin, CREATE, new_org("ohio-peers", "Norway")).await;
    english.expect_error("BAD_USER_INPUT");
    assert!(
        english.message().starts_with("“Norway” is not a country code"),
        "{}",
        english.message()
    );
    assert_eq!(organisation_count(&app, &admin).await, 9);
}

#[tokio::test]
async fn a_duplicate_slug_is_refused() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let reply = app.gql_as(&admin, CREATE, new_org("kbt", "NO")).await;
    reply.expect_error("BAD_USER_INPUT");
    assert_eq!(reply.field(), "slug");
    assert_eq!(organisation_count(&app, &admin).await, 9);
}

#[tokio::test]
async fn bad_fields_are_each_named() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    for (patch, field) in [
        (json!({ "slug": "Not A Slug" }), "slug"),
        (json!({ "name": "   " }), "name"),
        (json!({ "website": "javascript:alert(1)" }), "website"),
        (json!({ "contactEmail": "nobody" }), "contactEmail"),
        (json!({ "originalLocale": "xx-invalid-tag!" }), "originalLocale"),
        (json!({ "originalLocale": "fr-FR" }), "originalLocale"),
    ] {
        let mut input = new_org("ohio-peers", "US");
        for (k, v) in patch.as_object().expect("object") {
            input["input"][k] = v.clone();
        }
        let reply = app.gql_as(&admin, CREATE, input).await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field, "{}", reply.body);
    }
    assert_eq!(organisation_count(&app, &admin).await, 9);
}

#[tokio::test]
async fn members_may_not_use_admin_mutations() {
    let app = TestApp::spawn().await;
    let partner = app.login("partner@example.org").await;
    app.gql_as(&partner, CREATE, new_org("ohio-peers", "US"))
        .await
        .expect_error("FORBIDDEN");
    let hub = app.organisation_id("erfaringssentrum").await;
    app.gql_as(
        &partner,
        "mutation($id: ID!) { archiveOrganisation(id: $id) { id } }",
        json!({ "id": hub }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql_as(
        &partner,
        "mutation($id: ID!) { updateOrganisation(input: {id: $id, expectedVersion: 1, name: \"Taken over\"}) { id } }",
        json!({ "id": hub }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql(CREATE, new_org("ohio-peers", "US"))
        .await
        .expect_error("UNAUTHENTICATED");
    let reply = app
        .gql(
            "{ organisationBySlug(slug: \"erfaringssentrum\") { name version } }",
            json!({}),
        )
        .await;
    assert_eq!(reply.ok()["organisationBySlug"]["name"], "Erfaringssentrum");
    assert_eq!(reply.ok()["organisationBySlug"]["version"], 1);
}

const CHANGE_STATUS: &str = r#"mutation($id: ID!, $status: PartnershipStatus!) {
  changePartnershipStatus(id: $id, status: $status) { partnershipStatus version agreementDate }
}"#;

#[tokio::test]
async fn partnerships_move_only_along_legal_transitions() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let prospect = app.organisation_id("ubuntu-peer-workers").await;

    let reply = app
        .gql_with(
            Some(&admin),
            Some("nb"),
            CHANGE_STATUS,
            json!({ "id": prospect, "status": "ACTIVE" }),
        )
        .await;
    reply.expect_error("BAD_USER_INPUT");
    assert_eq!(reply.field(), "status");
    assert_eq!(
        reply.message(),
        "Et partnerskap kan ikke gå fra «Mulig partner» til «Aktiv»."
    );

    let steps = ["IN_DIALOGUE", "AGREEMENT", "ACTIVE", "PAUSED", "ACTIVE", "ENDED"];
    for (i, status) in steps.iter().enumerate() {
        let reply = app
            .gql_as(&admin, CHANGE_STATUS, json!({ "id": prospect, "status": status }))
            .await;
        let changed = &reply.ok()["changePartnershipStatus"];
        assert_eq!(changed["partnershipStatus"], *status);
        assert_eq!(changed["version"], i as i64 + 2);
        if *status == "AGREEMENT" {
            assert!(
                changed["agreementDate"].is_string(),
                "signing sets the agreement date"
            );
        }
    }
    app.gql_as(
        &admin,
        CHANGE_STATUS,
        json!({ "id": prospect, "status": "ACTIVE" }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
}

const UPDATE: &str = r#"mutation($input: UpdateOrganisationInput!) {
  updateOrganisation(input: $input) { name city version website }
}"#;

#[tokio::test]
async fn a_stale_expected_version_is_a_conflict_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let id = app.organisation_id("kbt").await;
    let first = app
        .gql_as(
            &admin,
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "city": "Oslo", "website": null } }),
        )
        .await;
    let updated = &first.ok()["updateOrganisation"];
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["city"], "Oslo");
    assert_eq!(updated["website"], Value::Null);

    let stale = app
        .gql_with(
            Some(&admin),
            Some("nb-NO"),
            UPDATE,
            json!({ "input": { "id": id, "expectedVersion": 1, "name": "Lost update" } }),
        )
        .await;
    stale.expect_error("CONFLICT");
    assert_eq!(stale.body["errors"][0]["extensions"]["currentVersion"], 2);
    assert!(stale.message().contains("versjon 1"), "{}", stale.message());

    let now = app
        .gql(
            "query($id: ID!) { organisation(id: $id) { name version } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(now.ok()["organisation"]["version"], 2);
    assert_ne!(now.ok()["organisation"]["name"], "Lost update");
}

#[tokio::test]
async fn concurrent_updates_of_one_version_let_exactly_one_through() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let id = app.organisation_id("kbt").await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let body = json!({ "query": UPDATE, "variables": { "input": { "id": id, "expectedVersion": 1, "city": format!("City {i}") } } });
        let request = app
            .client
            .post(app.url("/graphql"))
            .bearer_auth(&admin)
            .json(&body);
        tasks.push(tokio::spawn(async move {
            TestApp::reply(request.send().await.expect("sent")).await
        }));
    }
    let mut ok = 0;
    for task in tasks {
        let reply = task.await.expect("joined");
        if reply.body.get("errors").is_none() {
            ok += 1;
        } else {
            reply.expect_error("CONFLICT");
        }
    }
    assert_eq!(ok, 1);
    let now = app
        .gql(
            "query($id: ID!) { organisation(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(now.ok()["organisation"]["version"], 2);
}

#[tokio::test]
async fn archiving_hides_an_organisation_from_everyone_but_admins() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let id = app.organisation_id("kbt").await;
    let reply = app
        .gql_as(
            &admin,
            "mutation($id: ID!) { archiveOrganisation(id: $id) { archivedAt } }",
            json!({ "id": id }),
        )
        .await;
    assert!(reply.ok()["archiveOrganisation"]["archivedAt"].is_string());
    app.gql(
        "query($id: ID!) { organisation(id: $id) { name } }",
        json!({ "id": id }),
    )
    .await
    .expect_error("NOT_FOUND");
    assert_eq!(
        app.gql(LIST, json!({})).await.ok()["organisations"]["totalCount"],
        6
    );
    let with_archived = app
        .gql_as(&admin, LIST, json!({ "filter": { "includeArchived": true } }))
        .await;
    assert_eq!(with_archived.ok()["organisations"]["totalCount"], 9);
    let hub = app.organisation_id("erfaringssentrum").await;
    app.gql_as(
        &admin,
        "mutation($id: ID!) { archiveOrganisation(id: $id) { id } }",
        json!({ "id": hub }),
    )
    .await
    .expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn a_malformed_id_is_bad_input_and_an_unknown_one_not_found() {
    let app = TestApp::spawn().await;
    let query = "query($id: ID!) { organisation(id: $id) { name } }";
    let reply = app.gql(query, json!({ "id": "../etc/passwd" })).await;
    reply.expect_error("BAD_USER_INPUT");
    assert_eq!(reply.field(), "id");
    app.gql(query, json!({ "id": uuid::Uuid::now_v7().to_string() }))
        .await
        .expect_error("NOT_FOUND");
}
