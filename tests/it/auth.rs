//! Signing in and out, session and API tokens, and who may create people.

use sammen_entities::auth_token;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::support::{DEMO_PASSWORD, TestApp};

const ME: &str = "{ me { displayName email isAdmin translatorLocales organisation { slug } } }";

#[tokio::test]
async fn a_demo_user_signs_in_and_sees_themselves() {
    let app = TestApp::spawn().await;
    let reply = app
        .gql(
            "mutation { login(email: \"Coordinator@Example.org\", password: \"sammen-demo\") { token expiresAt user { email } } }",
            json!({}),
        )
        .await;
    let login = &reply.ok()["login"];
    assert_eq!(
        login["user"]["email"], "coordinator@example.org",
        "e-mail is case-insensitive"
    );
    assert!(login["expiresAt"].is_string());
    let token = login["token"].as_str().expect("token");

    let me = app.gql_as(token, ME, json!({})).await;
    assert_eq!(me.ok()["me"]["displayName"], "Kari Koordinator");
    assert_eq!(me.ok()["me"]["organisation"]["slug"], "erfaringssentrum");
    let translator = app.login("translator@example.org").await;
    assert_eq!(
        app.gql_as(&translator, ME, json!({})).await.ok()["me"]["translatorLocales"],
        json!(["nb-NO"])
    );
    assert_eq!(app.gql(ME, json!({})).await.ok()["me"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_is_unauthenticated_alike() {
    let app = TestApp::spawn().await;
    let query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let wrong = app
        .gql_with(
            None,
            Some("nb-NO"),
            query,
            json!({ "e": "admin@example.org", "p": "not-the-password" }),
        )
        .await;
    wrong.expect_error("UNAUTHENTICATED");
    assert_eq!(wrong.message(), "E-postadressen eller passordet er feil.");
    let unknown = app
        .gql_with(
            None,
            Some("nb-NO"),
            query,
            json!({ "e": "nobody@example.org", "p": DEMO_PASSWORD }),
        )
        .await;
    unknown.expect_error("UNAUTHENTICATED");
    assert_eq!(unknown.message(), wrong.message());
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let app = TestApp::spawn().await;
    let token = app.login("partner@example.org").await;
    let rows = auth_token::Entity::find().all(&app.db).await.expect("rows");
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.token_hash, sammen_api::auth::token::digest(&token));
    assert_ne!(row.token_hash, token);
    let stored = format!("{row:?}");
    assert!(
        !stored.contains(&token),
        "the secret is in the database: {stored}"
    );
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let app = TestApp::spawn().await;
    let token = app.login("partner@example.org").await;
    assert_eq!(
        app.gql_as(&token, "mutation { logout }", json!({})).await.ok()["logout"],
        true
    );
    let reply = app.gql_as(&token, ME, json!({})).await;
    reply.expect_error("UNAUTHENTICATED");
    assert_eq!(reply.status, 401);
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.login("partner@example.org").await;
    let row = auth_token::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("a token row");
    let mut expired: auth_token::ActiveModel = row.into();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::minutes(1));
    expired.update(&app.db).await.expect("update");
    let reply = app.gql_with(Some(&token), Some("nb-NO"), ME, json!({})).await;
    reply.expect_error("UNAUTHENTICATED");
    assert_eq!(
        reply.message(),
        "Innloggingen din er utløpt eller ugyldig. Logg inn på nytt."
    );
}

#[tokio::test]
async fn garbage_authorization_headers_are_unauthenticated_not_errors() {
    let app = TestApp::spawn().await;
    for value in [
        "Bearer nonsense",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer",
        "Bearer smn_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let response = app
            .client
            .post(app.url("/graphql"))
            .header("Authorization", value)
            .json(&json!({ "query": "{ me { id } }" }))
            .send()
            .await
            .expect("sent");
        let reply = TestApp::reply(response).await;
        reply.expect_error("UNAUTHENTICATED");
    }
}

const CREATE_TOKEN: &str = r#"mutation($name: String!, $scope: TokenScope!) {
  createApiToken(name: $name, scope: $scope) { token apiToken { id name scope organisation { slug } } }
}"#;

#[tokio::test]
async fn an_api_token_reads_for_its_organisation_and_dies_when_revoked() {
    let app = TestApp::spawn().await;
    let session = app.login("partner@example.org").await;
    let reply = app
        .gql_as(
            &session,
            CREATE_TOKEN,
            json!({ "name": "Website sync", "scope": "READ" }),
        )
        .await;
    let created = &reply.ok()["createApiToken"];
    let api = created["token"].as_str().expect("secret").to_owned();
    let id = created["apiToken"]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        created["apiToken"]["organisation"]["slug"],
        "new-england-peer-alliance"
    );

    let me = app.gql_as(&api, ME, json!({})).await;
    assert_eq!(me.ok()["me"]["displayName"], "Pat Partner");
    let listed = app
        .gql_as(&api, "{ organisations(first: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(listed.ok()["organisations"]["totalCount"], 7);

    // A READ token may not change anything, not even make more tokens.
    app.gql_as(
        &api,
        CREATE_TOKEN,
        json!({ "name": "more", "scope": "READ_WRITE" }),
    )
    .await
    .expect_error("FORBIDDEN");

    let listed = app
        .gql_as(&session, "{ me { apiTokens { name revokedAt } } }", json!({}))
        .await;
    assert_eq!(listed.ok()["me"]["apiTokens"][0]["name"], "Website sync");

    let revoke = "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }";
    let stranger = app.login("coordinator@example.org").await;
    app.gql_as(&stranger, revoke, json!({ "id": id }))
        .await
        .expect_error("NOT_FOUND");
    let revoked = app.gql_as(&session, revoke, json!({ "id": id })).await;
    assert!(revoked.ok()["revokeApiToken"]["revokedAt"].is_string());
    app.gql_as(&api, ME, json!({}))
        .await
        .expect_error("UNAUTHENTICATED");
}

#[tokio::test]
async fn a_warm_token_costs_no_statement_and_a_revoked_one_is_refused_at_once_by_every_request() {
    let app = TestApp::spawn().await;
    let session = app.login("partner@example.org").await;
    let reply = app
        .gql_as(&session, CREATE_TOKEN, json!({ "name": "Sync", "scope": "READ" }))
        .await;
    let created = &reply.ok()["createApiToken"];
    let api = created["token"].as_str().expect("secret").to_owned();
    let id = created["apiToken"]["id"].as_str().expect("id").to_owned();

    // The first request reads the token (and records its use); the next
    // ones find its caller in memory.
    let query = "{ me { displayName } }";
    assert_eq!(
        app.gql_as(&api, query, json!({})).await.ok()["me"]["displayName"],
        "Pat Partner"
    );
    assert_eq!(
        crate::support::statements_for(&app, &api, query, json!({})).await,
        0
    );

    let revoke = "mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }";
    assert!(
        app.gql_as(&session, revoke, json!({ "id": id })).await.ok()["revokeApiToken"]["revokedAt"]
            .is_string()
    );
    let replies = futures_util::future::join_all((0..40).map(|_| app.gql_as(&api, query, json!({})))).await;
    for reply in replies {
        reply.expect_error("UNAUTHENTICATED");
        assert_eq!(reply.status, 401);
    }

    // Signing out ends a warm session for the next request too.
    app.gql_as(&session, query, json!({})).await.ok();
    app.gql_as(&session, "mutation { logout }", json!({})).await.ok();
    app.gql_as(&session, query, json!({}))
        .await
        .expect_error("UNAUTHENTICATED");
}

const CREATE_USER: &str = r#"mutation($input: CreateUserInput!) {
  createUser(input: $input) { email displayName orgRole isAdmin organisation { slug } }
}"#;

#[tokio::test]
async fn admins_create_users_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let org = app.organisation_id("kbt").await;
    let reply = app
        .gql_as(
            &admin,
            CREATE_USER,
            json!({ "input": { "email": "New.Person@Example.org", "displayName": "Ny Person", "password": "long-enough-pw",
                    "organisationId": org, "orgRole": "ORG_ADMIN", "translatorLocales": ["nb"] } }),
        )
        .await;
    let user = &reply.ok()["createUser"];
    assert_eq!(user["email"], "new.person@example.org");
    assert_eq!(user["organisation"]["slug"], "kbt");
    let token = app
        .gql(
            "mutation { login(email: \"new.person@example.org\", password: \"long-enough-pw\") { token } }",
            json!({}),
        )
        .await;
    assert!(token.ok()["login"]["token"].is_string());

    let duplicate = app
        .gql_as(
            &admin,
            CREATE_USER,
            json!({ "input": { "email": "new.person@example.org", "displayName": "Again", "password": "long-enough-pw" } }),
        )
        .await;
    duplicate.expect_error("BAD_USER_INPUT");
    assert_eq!(duplicate.field(), "email");
}

#[tokio::test]
async fn members_may_not_create_users_and_bad_input_is_named() {
    let app = TestApp::spawn().await;
    let partner = app.login("partner@example.org").await;
    let org = app.organisation_id("new-england-peer-alliance").await;
    app.gql_as(
        &partner,
        CREATE_USER,
        json!({ "input": { "email": "x@example.org", "displayName": "X", "password": "long-enough-pw", "organisationId": org } }),
    )
    .await
    .expect_error("FORBIDDEN");

    let admin = app.login("admin@example.org").await;
    for (input, field) in [
        (
            json!({ "email": "not-an-email", "displayName": "X", "password": "long-enough-pw" }),
            "email",
        ),
        (
            json!({ "email": "y@example.org", "displayName": "X", "password": "short" }),
            "password",
        ),
        (
            json!({ "email": "y@example.org", "displayName": "X", "password": "long-enough-pw", "translatorLocales": ["zz-ZZ"] }),
            "translatorLocales",
        ),
    ] {
        let reply = app.gql_as(&admin, CREATE_USER, json!({ "input": input })).await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field);
    }
    let people = sammen_entities::person::Entity::find()
        .filter(sammen_entities::person::Column::Email.is_in(["x@example.org", "y@example.org"]))
        .all(&app.db)
        .await
        .expect("query");
    assert!(people.is_empty(), "a refused user was stored");
}

#[tokio::test]
async fn an_organisation_admin_manages_their_own_organisation_only() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let kbt = app.organisation_id("kbt").await;
    let hub = app.organisation_id("erfaringssentrum").await;
    app.gql_as(
        &admin,
        CREATE_USER,
        json!({ "input": { "email": "leder@kbt.example", "displayName": "Leder", "password": "long-enough-pw",
                "organisationId": kbt, "orgRole": "ORG_ADMIN" } }),
    )
    .await
    .ok();
    let leader = app
        .gql(
            "mutation { login(email: \"leder@kbt.example\", password: \"long-enough-pw\") { token } }",
            json!({}),
        )
        .await
        .ok()["login"]["token"]
        .as_str()
        .expect("token")
        .to_owned();

    let own = app
        .gql_as(
            &leader,
            CREATE_USER,
            json!({ "input": { "email": "medlem@kbt.example", "displayName": "Medlem", "password": "long-enough-pw", "organisationId": kbt } }),
        )
        .await;
    assert_eq!(own.ok()["createUser"]["organisation"]["slug"], "kbt");
    app.gql_as(
        &leader,
        CREATE_USER,
        json!({ "input": { "email": "spy@hub.example", "displayName": "Spy", "password": "long-enough-pw", "organisationId": hub } }),
    )
    .await
    .expect_error("FORBIDDEN");
    app.gql_as(
        &leader,
        CREATE_USER,
        json!({ "input": { "email": "boss@kbt.example", "displayName": "Boss", "password": "long-enough-pw", "organisationId": kbt, "isAdmin": true } }),
    )
    .await
    .expect_error("FORBIDDEN");

    let update = "mutation($id: ID!) { updateOrganisation(input: {id: $id, expectedVersion: 1, city: \"Trondheim sentrum\"}) { city version } }";
    let changed = app.gql_as(&leader, update, json!({ "id": kbt })).await;
    assert_eq!(changed.ok()["updateOrganisation"]["city"], "Trondheim sentrum");
    app.gql_as(&leader, update, json!({ "id": hub }))
        .await
        .expect_error("FORBIDDEN");
}

#[tokio::test]
async fn an_api_token_never_carries_its_creators_admin_rights() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let reply = app
        .gql_as(
            &admin,
            CREATE_TOKEN,
            json!({ "name": "Hub sync", "scope": "READ_WRITE" }),
        )
        .await;
    let api = reply.ok()["createApiToken"]["token"]
        .as_str()
        .expect("secret")
        .to_owned();
    let me = app.gql_as(&api, "{ me { isAdmin } }", json!({})).await;
    assert_eq!(me.ok()["me"]["isAdmin"], false);
    app.gql_as(
        &api,
        "mutation { createOrganisation(input: {slug: \"x-org\", name: \"X\", country: \"US\", kind: NGO}) { id } }",
        json!({}),
    )
    .await
    .expect_error("FORBIDDEN");
    // The token sees what the hub's people see (prospects too), but not
    // what only admins see: archived organisations.
    let kbt = app.organisation_id("kbt").await;
    app.gql_as(
        &admin,
        "mutation($id: ID!) { archiveOrganisation(id: $id) { id } }",
        json!({ "id": kbt }),
    )
    .await
    .ok();
    let everything = "{ organisations(filter: {includeArchived: true}) { totalCount } }";
    let hub_view = app.gql_as(&api, everything, json!({})).await;
    assert_eq!(hub_view.ok()["organisations"]["totalCount"], 8);
    let admin_view = app.gql_as(&admin, everything, json!({})).await;
    assert_eq!(admin_view.ok()["organisations"]["totalCount"], 9);
    // Tokens are made in a signed-in session, not by other tokens.
    app.gql_as(&api, CREATE_TOKEN, json!({ "name": "more", "scope": "READ" }))
        .await
        .expect_error("FORBIDDEN");
}

#[tokio::test]
async fn repeated_failed_sign_ins_lock_the_address_for_a_while() {
    let app = TestApp::spawn_with(|c| c.serve.login_max_failures = 3).await;
    let query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    for _ in 0..3 {
        app.gql(query, json!({ "e": "admin@example.org", "p": "guess-guess" }))
            .await
            .expect_error("UNAUTHENTICATED");
    }
    let locked = app
        .gql_with(
            None,
            Some("nb-NO"),
            query,
            json!({ "e": "Admin@example.org", "p": DEMO_PASSWORD }),
        )
        .await;
    locked.expect_error("RATE_LIMITED");
    assert!(
        locked.message().starts_with("For mange mislykkede innlogginger"),
        "{}",
        locked.message()
    );
    assert!(
        locked.body["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_u64()
            .expect("seconds")
            > 0
    );
    // Other addresses are not affected.
    app.login("partner@example.org").await;
}

#[tokio::test]
async fn only_network_admins_appoint_translators() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let kbt = app.organisation_id("kbt").await;
    app.gql_as(
        &admin,
        CREATE_USER,
        json!({ "input": { "email": "leder@kbt.example", "displayName": "Leder", "password": "long-enough-pw",
                "organisationId": kbt, "orgRole": "ORG_ADMIN" } }),
    )
    .await
    .ok();
    let leader = app
        .gql(
            "mutation { login(email: \"leder@kbt.example\", password: \"long-enough-pw\") { token } }",
            json!({}),
        )
        .await
        .ok()["login"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    app.gql_as(
        &leader,
        CREATE_USER,
        json!({ "input": { "email": "t@kbt.example", "displayName": "T", "password": "long-enough-pw",
                "organisationId": kbt, "translatorLocales": ["nb-NO"] } }),
    )
    .await
    .expect_error("FORBIDDEN");
}

/// A translator's API token is a plain member of the organisation: it
/// neither translates nor sees the queue, and `me` says so.
#[tokio::test]
async fn an_api_token_never_carries_its_creators_translator_rights() {
    let app = TestApp::spawn().await;
    let translator = app.login("translator@example.org").await;
    let reply = app
        .gql_as(
            &translator,
            CREATE_TOKEN,
            json!({ "name": "Sync", "scope": "READ_WRITE" }),
        )
        .await;
    let api = reply.ok()["createApiToken"]["token"]
        .as_str()
        .expect("secret")
        .to_owned();
    let me = app
        .gql_as(&api, "{ me { translatorLocales orgRole } }", json!({}))
        .await;
    assert_eq!(me.ok()["me"]["translatorLocales"], json!([]));
    let queue = "{ translationQueue(locale: \"nb-NO\") { totalCount } }";
    app.gql_as(&api, queue, json!({})).await.expect_error("FORBIDDEN");
    app.gql_as(&translator, queue, json!({})).await.ok();
    let hub = app.organisation_id("erfaringssentrum").await;
    let translate = "mutation($id: ID!) { translateContent(type: ORGANISATION, id: $id, locale: \"nb-NO\", fields: [{name: \"description\", text: \"Ny tekst\"}]) { state } }";
    app.gql_as(&api, translate, json!({ "id": hub }))
        .await
        .expect_error("FORBIDDEN");
}

#[tokio::test]
async fn the_command_line_issues_an_api_token_as_the_person_would_from_a_session() {
    use crate::support::{LOGIN, Process, gql_at};
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Process::serve(dir.path(), &["--demo"]).await;
    let client = reqwest::Client::builder().no_proxy().build().expect("client");

    let created = Process::run(
        dir.path(),
        &[
            "token",
            "create",
            "--email",
            "Partner@Example.org",
            "--name",
            "Intranet",
            "--scope",
            "read-write",
        ],
    )
    .await;
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let secret = String::from_utf8(created.stdout)
        .expect("utf-8")
        .trim()
        .to_owned();
    assert!(secret.starts_with("smn_"), "{secret}");

    // The token acts for the person's organisation.
    let me = gql_at(&client, &server.address, Some(&secret), ME, json!({})).await;
    assert_eq!(me.ok()["me"]["email"], "partner@example.org");
    assert_eq!(me.ok()["me"]["organisation"]["slug"], "new-england-peer-alliance");

    // The person sees it among their tokens, as one made in the API.
    let session = gql_at(
        &client,
        &server.address,
        None,
        LOGIN,
        json!({ "e": "partner@example.org", "p": DEMO_PASSWORD }),
    )
    .await;
    let session = session.ok()["login"]["token"]
        .as_str()
        .expect("a session")
        .to_owned();
    let tokens = gql_at(
        &client,
        &server.address,
        Some(&session),
        "{ me { apiTokens { name scope } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        tokens.ok()["me"]["apiTokens"],
        json!([{ "name": "Intranet", "scope": "READ_WRITE" }])
    );

    // The same rules as the API: a lifetime over two years is refused and
    // nothing is stored.
    let refused = Process::run(
        dir.path(),
        &[
            "token",
            "create",
            "--email",
            "partner@example.org",
            "--name",
            "Archive",
            "--days",
            "1000",
        ],
    )
    .await;
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty());
    let tokens = gql_at(
        &client,
        &server.address,
        Some(&session),
        "{ me { apiTokens { name } } }",
        json!({}),
    )
    .await;
    assert_eq!(tokens.ok()["me"]["apiTokens"].as_array().map(Vec::len), Some(1));
}
