//! Standard GraphQL tools against Sammen: what they send must work with the
//! default configuration.

use serde_json::json;

use crate::support::TestApp;

/// `getIntrospectionQuery()` of graphql-js 16.15 with every option on
/// (`descriptions`, `specifiedByUrl`, `directiveIsRepeatable`,
/// `schemaDescription`, `inputValueDeprecation`), as codegen and
/// graphql-inspector send it.
const INTROSPECTION_ALL_OPTIONS: &str =
    include_str!("fixtures/introspection-graphql-js-16-all-options.graphql");

/// `getIntrospectionQuery()` with its defaults, as GraphiQL (which renames
/// nothing by default), Apollo tooling and Python's `gql` send it.
const INTROSPECTION_DEFAULT: &str = include_str!("fixtures/introspection-graphql-js-16-default.graphql");

#[tokio::test]
async fn the_standard_introspection_queries_pass_the_default_limits_anonymously() {
    let app = TestApp::spawn().await;
    for query in [INTROSPECTION_ALL_OPTIONS, INTROSPECTION_DEFAULT] {
        let reply = app
            .post_json(
                None,
                None,
                &json!({ "query": query, "operationName": "IntrospectionQuery" }),
            )
            .await;
        let data = reply.ok();
        let types = data["__schema"]["types"].as_array().expect("types");
        assert!(
            types.iter().any(|t| t["name"] == "Organisation"),
            "no Organisation type in the introspection answer"
        );
        assert_eq!(data["__schema"]["queryType"]["name"], "QueryRoot");
        // The TypeRef fragment unwraps `[Organisation!]!` and deeper.
        assert!(
            data["__schema"]["directives"]
                .as_array()
                .is_some_and(|d| !d.is_empty())
        );
    }
}

/// Nine levels of data, as deep as the schema goes without a cycle.
const NINE_DEEP: &str = "{ projects { edges { node { members { user { apiTokens { organisation { translations { locale } } } } } } } } }";

#[tokio::test]
async fn data_queries_are_still_held_to_the_depth_limit() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let nine = app.gql_as(&admin, NINE_DEEP, json!({})).await;
    assert!(nine.body.get("errors").is_none(), "{}", nine.body);

    // Thirteen levels of data fields are refused for their depth, before
    // anything else is looked at, while introspection's thirteen pass.
    let thirteen = "{ projects { edges { node { members { user { apiTokens { organisation { translations { a { b { c { d { e } } } } } } } } } } } } }";
    let reply = app.gql_as(&admin, thirteen, json!({})).await;
    reply.expect_error("QUERY_TOO_DEEP");
    assert_eq!(reply.status, 200);

    let shallow = TestApp::spawn_with(|c| c.serve.limits.max_depth = 5).await;
    shallow
        .gql(NINE_DEEP, json!({}))
        .await
        .expect_error("QUERY_TOO_DEEP");
    // Introspection is not data: it passes whatever the data limit.
    shallow
        .post_json(None, None, &json!({ "query": INTROSPECTION_ALL_OPTIONS }))
        .await
        .ok();
}

#[tokio::test]
async fn introspection_lists_nest_only_so_far() {
    let app = TestApp::spawn().await;
    // Each level of `fields { type { fields … } }` multiplies the answer by
    // the schema; five nested lists are refused.
    let five = "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }";
    app.gql(five, json!({})).await.expect_error("QUERY_TOO_DEEP");
    let three = "{ __schema { types { fields { args { name } } } } }";
    app.gql(three, json!({})).await.ok();
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let app = TestApp::spawn_with(|c| c.serve.no_introspection = true).await;
    let reply = app
        .post_json(None, None, &json!({ "query": INTROSPECTION_DEFAULT }))
        .await;
    reply.expect_error("GRAPHQL_VALIDATION_FAILED");
    assert!(reply.message().contains("introspection"), "{}", reply.message());
    // Data queries still work.
    app.gql("{ organisations { totalCount } }", json!({})).await.ok();
}

#[tokio::test]
async fn a_parse_error_gives_its_position_and_a_short_message_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let reply = app
        .gql_with(
            None,
            Some("nb-NO"),
            "{\n  organisations { totalCount \n",
            json!({}),
        )
        .await;
    reply.expect_error("GRAPHQL_PARSE_FAILED");
    let error = &reply.body["errors"][0];
    let location = &error["locations"][0];
    assert_eq!(location["line"], 3, "{error}");
    assert!(location["column"].as_u64().is_some(), "{error}");
    assert_eq!(
        reply.message(),
        format!(
            "Spørringen er ikke gyldig GraphQL (linje 3, kolonne {}).",
            location["column"]
        )
    );
    assert!(error["extensions"].get("detail").is_none(), "{error}");
}

#[tokio::test]
async fn a_malformed_id_names_the_argument_it_came_in() {
    let app = TestApp::spawn().await;
    let coordinator = app.login("coordinator@example.org").await;
    let org = app.organisation_id("kbt").await;
    let cases = [
        ("{ project(id: \"nope\") { id } }", "id"),
        (
            "mutation($o: ID!) { addProjectParticipant(projectId: \"nope\", organisationId: $o, role: PARTNER) { id } }",
            "projectId",
        ),
        (
            "mutation { createMilestone(input: {projectId: \"nope\", title: \"M\", dueOn: \"2025-05-17\"}) { id } }",
            "input.projectId",
        ),
    ];
    for (query, field) in cases {
        let reply = app.gql_as(&coordinator, query, json!({ "o": org })).await;
        reply.expect_error("BAD_USER_INPUT");
        assert_eq!(reply.field(), field, "{query}: {}", reply.body);
        assert_eq!(reply.message(), format!("{field} is not a valid id."));
    }
}

#[tokio::test]
async fn graphql_response_json_is_answered_as_the_graphql_over_http_spec_says() {
    let app = TestApp::spawn().await;
    let send = |accept: &'static str, query: &'static str| {
        app.client
            .post(app.url("/graphql"))
            .header("Accept", accept)
            .json(&json!({ "query": query }))
            .send()
    };
    let spec = "application/graphql-response+json";
    let ok = TestApp::reply(send(spec, "{ __typename }").await.expect("sent")).await;
    assert_eq!(ok.status, 200);
    assert!(ok.headers["content-type"].to_str().unwrap().starts_with(spec));
    assert_eq!(ok.ok()["__typename"], "QueryRoot");

    // Request errors: 400, and no `data` entry at all.
    for broken in ["{ __typename", "{ noSuchField }"] {
        let reply = TestApp::reply(send(spec, broken).await.expect("sent")).await;
        assert_eq!(reply.status, 400, "{broken}: {}", reply.body);
        assert!(reply.headers["content-type"].to_str().unwrap().starts_with(spec));
        assert!(reply.body.get("data").is_none(), "{}", reply.body);
    }
    // Older clients asking for application/json keep getting 200.
    let legacy = TestApp::reply(send("application/json", "{ __typename").await.expect("sent")).await;
    assert_eq!(legacy.status, 200);
    assert!(
        legacy.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    legacy.expect_error("GRAPHQL_PARSE_FAILED");
    assert!(legacy.body.get("data").is_none(), "{}", legacy.body);
}

#[tokio::test]
async fn the_explorer_and_every_file_it_needs_come_from_this_server() {
    let app = TestApp::spawn().await;
    let page = app
        .client
        .get(app.url("/graphql"))
        .header("Accept", "text/html")
        .header("Accept-Language", "nb-NO")
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let headers = page.headers().clone();
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'self'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("http"), "the policy names another host: {csp}");
    let html = page.text().await.expect("html");
    // The page's own text follows the reader's language.
    assert!(html.contains("<html lang=\"nb-NO\">"), "{html}");
    assert!(html.contains("<title>Sammen GraphQL-utforsker</title>"), "{html}");
    // It says how to send the Authorization header, in the reader's language.
    assert!(
        html.contains("&quot;Authorization&quot;: &quot;Bearer &quot; fulgt av tokenet"),
        "{html}"
    );

    // Every script and stylesheet is local, and answers with its type.
    let mut referenced = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for piece in html.split(attribute).skip(1) {
            referenced.push(piece.split('"').next().expect("a value").to_owned());
        }
    }
    assert_eq!(referenced.len(), 6, "{referenced:?}");
    for url in &referenced {
        assert!(url.starts_with("/graphiql/"), "{url} is not served here");
        let asset = app.client.get(app.url(url)).send().await.expect("sent");
        assert_eq!(asset.status(), 200, "{url}");
        let kind = asset.headers()["content-type"].to_str().unwrap().to_owned();
        let expected = if url.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert!(kind.starts_with(expected), "{url}: {kind}");
        let body = asset.text().await.expect("body");
        assert!(body.len() > 100, "{url} is empty");
        if url.ends_with(".css") {
            // Stylesheets load nothing from elsewhere: fonts and icons are inline.
            for reference in body.split("url(").skip(1) {
                assert!(
                    reference.starts_with("data:"),
                    "{url} loads {}",
                    &reference[..40.min(reference.len())]
                );
            }
            assert!(!body.contains("@import"), "{url} imports another sheet");
        }
    }
    let missing = app
        .client
        .get(app.url("/graphiql/nothing.js"))
        .send()
        .await
        .expect("sent");
    assert_eq!(missing.status(), 404);
}

/// SHA-256 of a query, in hex, as Apollo clients compute it.
fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn automatic_persisted_queries_work_over_post_and_get() {
    let app = TestApp::spawn().await;
    let query = "query Count { organisations { totalCount } }";
    let hash = sha256_hex(query);
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });

    // The hash alone is not known yet: the client is told so.
    let unknown = app
        .post_json(None, None, &json!({ "extensions": persisted }))
        .await;
    unknown.expect_error("PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(unknown.message(), "PersistedQueryNotFound");

    // A wrong hash is refused and not remembered.
    let wrong = app
        .post_json(
            None,
            None,
            &json!({ "query": "{ __typename }", "extensions": persisted }),
        )
        .await;
    wrong.expect_error("BAD_USER_INPUT");

    // Hash and query once; the hash alone from then on, over POST and GET.
    let first = app
        .post_json(None, None, &json!({ "query": query, "extensions": persisted }))
        .await;
    let total = first.ok()["organisations"]["totalCount"].clone();
    let again = app
        .post_json(None, None, &json!({ "extensions": persisted }))
        .await;
    assert_eq!(again.ok()["organisations"]["totalCount"], total);
    let url = format!(
        "{}?extensions={}",
        app.url("/graphql"),
        urlencode(&persisted.to_string())
    );
    let get = TestApp::reply(app.client.get(url).send().await.expect("sent")).await;
    assert_eq!(get.ok()["organisations"]["totalCount"], total);

    // A persisted mutation is still no mutation over GET.
    let mutation = "mutation { logout }";
    let mutation_hash = sha256_hex(mutation);
    let learn = json!({ "persistedQuery": { "version": 1, "sha256Hash": mutation_hash } });
    app.post_json(None, None, &json!({ "query": mutation, "extensions": learn }))
        .await
        .expect_error("UNAUTHENTICATED");
    let url = format!(
        "{}?extensions={}",
        app.url("/graphql"),
        urlencode(&learn.to_string())
    );
    let refused = TestApp::reply(app.client.get(url).send().await.expect("sent")).await;
    assert_eq!(refused.status, 405, "{}", refused.body);
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
