//! Cost and the statement budget: a flood of expensive aliases or a
//! fragment bomb is refused before any SQL runs, an operation running too
//! many statements is stopped field by field, and writes cut off by the
//! budget are whole or absent.

use std::time::{Duration, Instant};

use sammen_entities::{event, project, project_member, project_participant};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::support::{Reply, TestApp};

/// Every demo organisation; a network admin reads them all.
const SLUGS: [&str; 9] = [
    "erfaringssentrum",
    "kbt",
    "sorlandet-sykehus",
    "grone-bildungszentrum",
    "new-england-peer-alliance",
    "peer-netvaerket-danmark",
    "cape-peer-recovery-forum",
    "ubuntu-peer-workers",
    "platform-ervaringsdeskundigen",
];

#[tokio::test]
async fn a_batch_of_expensive_aliases_is_refused_before_any_sql_runs() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    // The first request of a token records its use; measure after it.
    app.gql_as(&admin, "{ me { id } }", json!({})).await.ok();
    let aliases = |n: usize| -> Value {
        let fields: Vec<String> = (0..n).map(|i| format!("a{i}:localeCoverage{{locale}}")).collect();
        json!({ "query": format!("query {{ {} }}", fields.join(" ")) })
    };

    // The review's request: 10 operations of 2,500 aliases (0.7 MB). Its
    // text alone is over the token limit, so it is refused unparsed.
    let flood = Value::Array(vec![aliases(2500); 10]);
    let before = app.statements().await;
    let started = Instant::now();
    let reply = app.post_json(Some(&admin), None, &flood).await;
    let took = started.elapsed();
    let statements = app.statements().await.saturating_sub(before);
    reply.expect_error("QUERY_TOO_COMPLEX");
    assert!(reply.message().contains("20,000 tokens"), "{}", reply.message());
    assert!(statements <= 3, "{statements} SQL statements for a refused flood");
    assert!(took < Duration::from_secs(2), "the refusal took {took:?}");

    // Under the token limit, each operation is refused by its cost.
    let batch = Value::Array(vec![aliases(500); 4]);
    let before = app.statements().await;
    let reply = app.post_json(Some(&admin), None, &batch).await;
    let statements = app.statements().await.saturating_sub(before);
    assert!(!reply.status.is_server_error(), "{}", reply.status);
    let answers = reply.body.as_array().expect("a batch answer");
    assert_eq!(answers.len(), 4);
    for answer in answers {
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
            "{answer}"
        );
        assert!(answer["data"].is_null(), "{answer}");
    }
    assert!(
        statements <= 3,
        "{statements} SQL statements for a batch refused as too complex"
    );

    // A fragment that spreads another twice, forty deep, is 2^40 fields in
    // two kilobytes: refused at once, not walked.
    let mut bomb = String::from("query { ...F0 }");
    for i in 0..40 {
        bomb.push_str(&format!(
            " fragment F{i} on QueryRoot {{ ...F{n} ...F{n} }}",
            n = i + 1
        ));
    }
    bomb.push_str(" fragment F40 on QueryRoot { __typename }");
    let started = Instant::now();
    let reply = app.gql(&bomb, json!({})).await;
    reply.expect_error("QUERY_TOO_COMPLEX");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the bomb took {:?}",
        started.elapsed()
    );

    // Two are allowed: one whole-table field costs what it does, not more.
    let two = app.post_json(Some(&admin), None, &aliases(2)).await;
    assert!(two.ok()["a0"].is_array(), "{}", two.body);
}

fn slug_lookups(count: usize) -> String {
    let fields: Vec<String> = (0..count)
        .map(|i| {
            format!(
                "o{i}: organisationBySlug(slug: \"{}\") {{ slug people(first: 1) {{ totalCount }} }}",
                SLUGS[i % SLUGS.len()]
            )
        })
        .collect();
    format!("{{ {} }}", fields.join(" "))
}

fn errors_of(reply: &Reply) -> Vec<Value> {
    reply.body["errors"].as_array().cloned().unwrap_or_default()
}

fn refused(errors: &[Value], alias: &str) -> bool {
    errors.iter().any(|e| e["path"][0] == alias)
}

#[tokio::test]
async fn an_operation_running_too_many_statements_is_stopped_field_by_field() {
    // Forty lookups run at once (the root fields of a query resolve
    // together) and spend the budget; the field below each, which would
    // run SQL of its own, is refused, and with it the lookup it belongs to.
    let app = TestApp::spawn_with(|c| c.serve.limits.max_sql_statements = 15).await;
    let admin = app.login("admin@example.org").await;

    let many = app.gql_as(&admin, &slug_lookups(40), json!({})).await;
    assert!(
        !many.status.is_server_error(),
        "5xx: {} {}",
        many.status,
        many.body
    );
    let errors = errors_of(&many);
    assert!(
        !errors.is_empty(),
        "40 lookups ran within 15 statements: {}",
        many.body
    );
    for error in &errors {
        assert_eq!(error["extensions"]["code"], "QUERY_TOO_COMPLEX", "{error}");
    }
    // Each field either answered rightly or carries its own error.
    for (i, slug) in SLUGS.iter().cycle().take(40).enumerate() {
        let alias = format!("o{i}");
        let value = &many.body["data"][alias.as_str()];
        if refused(&errors, &alias) {
            assert!(
                value.is_null() || value["people"].is_null(),
                "{alias} is refused and answered: {value}"
            );
        } else {
            assert_eq!(value["slug"], *slug, "{alias}: {}", many.body);
            assert!(value["people"]["totalCount"].is_number(), "{alias}: {value}");
        }
    }

    let few = app.gql_as(&admin, &slug_lookups(5), json!({})).await;
    let data = few.ok();
    for (i, slug) in SLUGS.iter().take(5).enumerate() {
        assert_eq!(data[format!("o{i}").as_str()]["slug"], *slug);
    }
}

#[tokio::test]
async fn writes_cut_off_by_the_statement_budget_are_whole_or_absent() {
    let app = TestApp::spawn_with(|c| c.serve.limits.max_sql_statements = 15).await;
    let coordinator = app.login("coordinator@example.org").await;
    let participants_before = project_participant::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let members_before = project_member::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let activity_before = event::Entity::find()
        .filter(event::Column::ProjectId.is_not_null())
        .count(&app.db)
        .await
        .expect("count");

    let writes: Vec<String> = (0..12)
        .map(|i| {
            format!(
                "p{i}: createProject(input: {{code: \"BUDGET-{i}\", title: \"Budget {i}\", startsOn: \"2025-01-01\"}}) {{ code }}"
            )
        })
        .collect();
    let reply = app
        .gql_as(
            &coordinator,
            &format!("mutation {{ {} }}", writes.join(" ")),
            json!({}),
        )
        .await;
    assert!(
        !reply.status.is_server_error(),
        "5xx: {} {}",
        reply.status,
        reply.body
    );
    let errors = errors_of(&reply);
    assert!(
        errors
            .iter()
            .any(|e| e["extensions"]["code"] == "QUERY_TOO_COMPLEX"),
        "twelve project creations fit in 15 statements: {}",
        reply.body
    );

    let stored: Vec<String> = project::Entity::find()
        .filter(project::Column::Code.starts_with("BUDGET-"))
        .all(&app.db)
        .await
        .expect("query")
        .into_iter()
        .map(|p| p.code)
        .collect();
    let is_stored = |i: usize| stored.contains(&format!("BUDGET-{i}"));
    for i in 0..12 {
        let alias = format!("p{i}");
        if reply.body["data"][alias.as_str()].is_object() {
            assert!(is_stored(i), "{alias} answered success but is not stored");
        }
        if refused(&errors, &alias) {
            assert!(!is_stored(i), "{alias} answered an error but is stored");
        }
    }
    // Mutations run one after another: what is stored is the first few.
    let count = stored.len();
    assert!(
        count >= 1,
        "15 statements do not allow one project: {}",
        reply.body
    );
    for i in 0..12 {
        assert_eq!(is_stored(i), i < count, "stored: {stored:?}");
    }
    // Each stored project is whole, and nothing of a refused one is left.
    let grew = |after: u64, before: u64| after.saturating_sub(before);
    let participants = project_participant::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let members = project_member::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    let activity = event::Entity::find()
        .filter(event::Column::ProjectId.is_not_null())
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(
        grew(participants, participants_before),
        count as u64,
        "participants"
    );
    assert_eq!(grew(members, members_before), count as u64, "members");
    assert_eq!(grew(activity, activity_before), count as u64, "activity entries");
    // And the API says the same.
    let listed = app
        .gql_as(
            &coordinator,
            "{ projects(filter: {query: \"BUDGET-\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(listed.ok()["projects"]["totalCount"], count);
}
