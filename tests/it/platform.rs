//! The service around the API: health, readiness, metrics, request ids,
//! the exported schema and the migrations.

use sammen_migration::{Migrator, MigratorTrait};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::support::TestApp;

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::spawn().await;
    let health = app.client.get(app.url("/healthz")).send().await.expect("sent");
    assert_eq!(health.status(), 200);
    let ready = app.client.get(app.url("/readyz")).send().await.expect("sent");
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("text"), "ready");
}

#[tokio::test]
async fn metrics_count_requests_and_errors_in_prometheus_text() {
    let app = TestApp::spawn().await;
    app.gql("{ organisations { totalCount } }", serde_json::json!({}))
        .await
        .ok();
    app.gql("{ nope }", serde_json::json!({})).await;
    let text = app.metrics_text().await;
    assert!(
        text.contains(r#"sammen_http_requests_total{method="POST",route="/graphql",status="200"} 2"#),
        "{text}"
    );
    assert!(
        text.contains(r#"sammen_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("sammen_http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.client.get(app.url("/healthz")).send().await.expect("sent");
    let id = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "from-the-load-balancer")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers()["x-request-id"], "from-the-load-balancer");
}

#[test]
fn schema_graphql_equals_the_served_schema() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let served = sammen_api::graphql::export_sdl();
    if committed != served {
        // Regenerate when asked, so the fix is one command.
        if std::env::var_os("SAMMEN_UPDATE_SCHEMA").is_some() {
            std::fs::write(path, &served).expect("write schema.graphql");
        }
        panic!("schema.graphql is out of date: run `cargo run -- schema > schema.graphql`");
    }
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let app = TestApp::spawn_with(|c| c.serve.demo = false).await;
    let applied = Migrator::get_applied_migrations(&app.db).await.expect("status");
    let all = Migrator::migrations().len();
    assert_eq!(applied.len(), all);
    Migrator::down(&app.db, None).await.expect("down");
    assert!(
        Migrator::get_applied_migrations(&app.db)
            .await
            .expect("status")
            .is_empty()
    );
    Migrator::up(&app.db, None).await.expect("up again");
    let parts = sammen_api::app::ServiceParts::new(&app.config.global, &app.config.serve).expect("service");
    assert_eq!(
        Migrator::get_applied_migrations(&app.db)
            .await
            .expect("status")
            .len(),
        all
    );
    sammen_api::seed::demo(parts.seed_service(&app.db))
        .await
        .expect("demo data loads into the re-created tables");
    sammen_api::seed::demo(parts.seed_service(&app.db))
        .await
        .expect("and a second time changes nothing");
    let count = sammen_entities::organisation::Entity::find()
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(count, 9);
}

#[tokio::test]
async fn a_demo_load_that_was_interrupted_is_refused_rather_than_finished_or_passed_off() {
    let app = TestApp::spawn().await;
    // Renaming demo rows does not matter: the loader's own marker decides.
    let admin = app.login("admin@example.org").await;
    let hub = app.organisation_id("erfaringssentrum").await;
    app.gql_as(
        &admin,
        "mutation($id: ID!) { updateOrganisation(input: {id: $id, name: \"Renamed\", expectedVersion: 1}) { name } }",
        serde_json::json!({ "id": hub }),
    )
    .await
    .ok();
    let parts = sammen_api::app::ServiceParts::new(&app.config.global, &app.config.serve).expect("service");
    sammen_api::seed::demo(parts.seed_service(&app.db))
        .await
        .expect("a finished demo is left as it is");
    // What a load that stopped before its end leaves: demo rows, but not
    // the marker it writes last.
    sammen_entities::demo_load::Entity::delete_many()
        .exec(&app.db)
        .await
        .expect("delete");
    let refused = sammen_api::seed::demo(parts.seed_service(&app.db))
        .await
        .expect_err("a half-loaded demo is refused");
    assert!(refused.to_string().contains("interrupted"), "{refused}");
}

#[test]
fn locales_check_fails_on_a_broken_tree_and_passes_on_the_shipped_one() {
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../locales");
    assert!(sammen_api::cli::locales_check(Some(shipped.into()), false, true).expect("readable"));

    let dir = tempfile::tempdir().expect("temp dir");
    for (locale, text) in [
        ("en-US", "# Greets the reader.\nhello = Hello { $name }\n"),
        ("nb-NO", "hello = Hei { $navn }\n"),
    ] {
        std::fs::create_dir(dir.path().join(locale)).expect("mkdir");
        std::fs::write(dir.path().join(locale).join("main.ftl"), text).expect("write");
    }
    assert!(!sammen_api::cli::locales_check(Some(dir.path().into()), true, false).expect("readable"));
}

#[test]
fn a_missing_message_is_reported_where_en_us_has_it_and_fails_only_when_strict() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (locale, text) in [
        (
            "en-US",
            "# Greets the reader.\nhello = Hello\n\n# Says goodbye.\nbye = Goodbye\n",
        ),
        ("nb-NO", "hello = Hei\n"),
    ] {
        std::fs::create_dir(dir.path().join(locale)).expect("mkdir");
        std::fs::write(dir.path().join(locale).join("main.ftl"), text).expect("write");
    }
    let sources = sammen_api::l10n::LocaleSources::from_dir(dir.path()).expect("readable");
    let report = sammen_api::l10n::check::check(&sources);
    let missing = report
        .findings
        .iter()
        .find(|f| f.kind == "missing-message")
        .expect("a missing message");
    assert_eq!(
        (
            missing.file.as_str(),
            missing.line,
            missing.column,
            missing.message.as_str()
        ),
        ("en-US/main.ftl", 5, 1, "missing in nb-NO")
    );
    assert!(
        report.to_text().contains("en-US/main.ftl:5:1"),
        "{}",
        report.to_text()
    );
    // A partial locale passes the ordinary check; the shipped ones are held to --strict.
    assert!(sammen_api::cli::locales_check(Some(dir.path().into()), false, false).expect("readable"));
    assert!(!sammen_api::cli::locales_check(Some(dir.path().into()), false, true).expect("readable"));
}

#[test]
fn the_broken_fixture_tree_gets_every_finding_at_its_place() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/l10n/broken/locales");
    let sources = sammen_api::l10n::LocaleSources::from_dir(std::path::Path::new(dir)).expect("readable");
    let report = sammen_api::l10n::check::check(&sources);
    let found: Vec<(&str, Option<&str>, usize)> = report
        .findings
        .iter()
        .filter(|f| f.locale == "nb-NO")
        .map(|f| (f.kind, f.id.as_deref(), f.line))
        .collect();
    for expected in [
        ("attribute-mismatch", Some("a"), 1),
        ("variable-mismatch", Some("b"), 2),
        ("dangling-reference", Some("c"), 3),
        ("duplicate-id", Some("c"), 4),
        ("obsolete-message", Some("zz"), 5),
        ("invalid-plural-key", Some("d"), 6),
        ("syntax", None, 11),
        ("missing-message", Some("e"), 14),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert!(!sammen_api::cli::locales_check(Some(dir.into()), true, false).expect("readable"));
}
