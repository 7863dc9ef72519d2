//! The search index is written with each change and rebuilt from the
//! tables on demand (`sammen search reindex`) or when its version changes.

use sammen_api::search::index::{INDEX_VERSION, drift, ensure_current, reindex, stored_version};
use sammen_entities::search_doc;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

use crate::support::{Process, TestApp};

/// Empties the index as a lost or damaged one would be.
async fn wipe(db: &sea_orm::DatabaseConnection) {
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
            .await
            .expect("FTS emptied");
    }
    search_doc::Entity::delete_many()
        .exec(db)
        .await
        .expect("index emptied");
}

#[tokio::test]
async fn the_demo_data_is_indexed_and_a_lost_index_is_rebuilt_from_the_tables() {
    let app = TestApp::spawn().await;
    let rows = search_doc::Entity::find().count(&app.db).await.expect("count");
    assert!(
        rows > 30,
        "the demo data has dozens of searchable items, indexed {rows} rows"
    );
    assert_eq!(
        drift(&app.db).await.expect("drift"),
        Vec::<String>::new(),
        "the demo data went through the index"
    );
    assert_eq!(
        stored_version(&app.db).await.expect("version").as_deref(),
        Some(INDEX_VERSION)
    );

    wipe(&app.db).await;
    assert!(
        !drift(&app.db).await.expect("drift").is_empty(),
        "a wiped index is noticed"
    );

    let txn = sammen_api::db::begin_write(&app.db).await.expect("txn");
    let written = reindex(&txn).await.expect("reindexed");
    txn.commit().await.expect("committed");
    assert_eq!(written, rows, "the rebuild writes the rows the changes wrote");
    assert!(drift(&app.db).await.expect("drift").is_empty());

    // An index made by an older version of the analysis is rebuilt when a
    // node starts.
    wipe(&app.db).await;
    app.db
        .execute_unprepared("UPDATE search_meta SET value = 'old' WHERE key = 'index_version'")
        .await
        .expect("version set back");
    ensure_current(&app.db).await.expect("rebuilt");
    assert_eq!(
        stored_version(&app.db).await.expect("version").as_deref(),
        Some(INDEX_VERSION)
    );
    assert!(drift(&app.db).await.expect("drift").is_empty());
}

#[tokio::test]
async fn a_translation_readers_are_not_shown_is_not_indexed_and_an_update_replaces_the_old_words() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@example.org").await;
    let created = app
        .gql_as(
            &admin,
            r#"mutation { createDocument(input: {title: "Rapport om likepersonsarbeid", summary: "Oppsummering",
                kind: REPORT, visibility: PUBLIC, originalLocale: "nb-NO", contentLanguage: "nb-NO"}) {
                id } }"#,
            json!({}),
        )
        .await;
    let id = created.ok()["createDocument"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let item_id = uuid::Uuid::parse_str(&id).expect("uuid");
    let rows_of = |db: sea_orm::DatabaseConnection| async move {
        search_doc::Entity::find()
            .filter(search_doc::Column::ItemId.eq(item_id))
            .all(&db)
            .await
            .expect("rows")
    };
    let rows = rows_of(app.db.clone()).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].locale, "nb-NO");
    assert_eq!(rows[0].config, "norwegian");
    assert_eq!(
        rows[0].texts,
        json!([
            ["title", "Rapport om likepersonsarbeid"],
            ["summary", "Oppsummering"]
        ])
    );

    // A translation without the summary is not shown to readers: not indexed.
    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { translateDocument(id: $id, locale: "en-US",
            title: "Report on peer work", summary: "") { id } }"#,
        json!({ "id": id }),
    )
    .await;
    assert_eq!(rows_of(app.db.clone()).await.len(), 1);
    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { translateDocument(id: $id, locale: "en-US",
            title: "Report on peer work", summary: "Summary") { id } }"#,
        json!({ "id": id }),
    )
    .await
    .ok();
    let rows = rows_of(app.db.clone()).await;
    let english = rows
        .iter()
        .find(|r| r.locale == "en-US")
        .expect("the English row");
    assert_eq!(english.config, "english");
    assert!(!english.is_original);

    app.gql_as(
        &admin,
        r#"mutation($id: ID!) { updateDocument(input: {id: $id, expectedVersion: 1, title: "Sluttrapport"}) {
            id } }"#,
        json!({ "id": id }),
    )
    .await
    .ok();
    let rows = rows_of(app.db.clone()).await;
    let original = rows.iter().find(|r| r.is_original).expect("the original row");
    assert_eq!(original.texts[0], json!(["title", "Sluttrapport"]));
    assert!(drift(&app.db).await.expect("drift").is_empty());
}

#[tokio::test]
async fn the_command_line_reports_and_rebuilds_the_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let migrated = Process::run(dir.path(), &["migrate", "up"]).await;
    assert!(
        migrated.status.success(),
        "{}",
        String::from_utf8_lossy(&migrated.stderr)
    );
    let created = Process::run(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "soren@example.dk",
            "--name",
            "Søren Kierkegaard",
            "--password",
            "a long enough password",
            "--admin",
        ],
    )
    .await;
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );

    let status = Process::run(dir.path(), &["search", "status"]).await;
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let printed = String::from_utf8_lossy(&status.stdout);
    assert!(
        printed.contains(&format!("index version: {INDEX_VERSION}")),
        "{printed}"
    );
    assert!(
        printed
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["PERSON", "META", "1"]),
        "the person the command made is indexed: {printed}"
    );

    let rebuilt = Process::run(dir.path(), &["search", "reindex"]).await;
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&rebuilt.stdout).trim(),
        "The search index is rebuilt: 1 rows."
    );
}
