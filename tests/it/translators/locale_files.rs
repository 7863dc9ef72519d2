//! Locale files: a new locale folder is negotiable and reported without
//! code changes, and changed files are reloaded while a broken one never
//! replaces a working bundle.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;

use crate::support::TestApp;

/// A copy of the shipped locales in a temporary folder.
fn locales_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("locales");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../locales");
    for locale in std::fs::read_dir(&shipped).expect("locales") {
        let locale = locale.expect("entry");
        let target = root.join(locale.file_name());
        std::fs::create_dir_all(&target).expect("mkdir");
        for file in std::fs::read_dir(locale.path()).expect("files") {
            let file = file.expect("file");
            std::fs::copy(file.path(), target.join(file.file_name())).expect("copy");
        }
    }
    (dir, root)
}

#[tokio::test]
async fn a_new_locale_folder_is_negotiable_and_reported_without_code_changes() {
    let (_dir, root) = locales_copy();
    std::fs::create_dir(root.join("da-DK")).expect("mkdir");
    std::fs::write(
        root.join("da-DK/errors.ftl"),
        "-brand-name = Sammen\nerror-not-found = Ikke fundet.\nerror-unauthenticated = Log venligst ind.\n",
    )
    .expect("write");
    let locales_dir = root.clone();
    let app = TestApp::spawn_with(move |c| c.global.locales_dir = Some(locales_dir)).await;
    let query = "query($id: ID!) { organisation(id: $id) { name } }";
    let reply = app
        .gql_with(
            None,
            Some("da"),
            query,
            json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await;
    reply.expect_error("NOT_FOUND");
    assert_eq!(reply.message(), "Ikke fundet.");
    assert_eq!(reply.headers["content-language"], "da-DK");
    // A message the Danish files lack falls back to English.
    let fallback = app
        .gql_with(
            None,
            Some("da"),
            "{ organisations(first: 1000) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        fallback.message().starts_with("Ask for between 0 and 100"),
        "{}",
        fallback.message()
    );

    app.gql("{ localeCoverage { locale } }", json!({}))
        .await
        .expect_error("UNAUTHENTICATED");
    let translator = app.login("translator@example.org").await;
    let coverage = app
        .gql_as(
            &translator,
            "{ localeCoverage { locale messages { translated missing } } }",
            json!({}),
        )
        .await;
    let da = coverage.ok()["localeCoverage"]
        .as_array()
        .expect("list")
        .iter()
        .find(|c| c["locale"] == "da-DK")
        .cloned()
        .expect("da-DK is reported");
    assert_eq!(da["messages"]["translated"], 2);
    assert!(da["messages"]["missing"].as_u64().expect("n") > 100);
}

async fn not_found_message(app: &TestApp) -> String {
    let reply = app
        .gql_with(
            None,
            Some("nb-NO"),
            "query($id: ID!) { organisation(id: $id) { name } }",
            json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await;
    reply.message().to_owned()
}

#[tokio::test]
async fn changed_locale_files_are_reloaded_but_a_broken_one_never_replaces_a_working_bundle() {
    let (_dir, root) = locales_copy();
    let locales_dir = root.clone();
    let app = TestApp::spawn_with(move |c| {
        c.global.locales_dir = Some(locales_dir);
        c.serve.watch_locales = true;
    })
    .await;
    assert_eq!(not_found_message(&app).await, "Finnes ikke.");
    let errors = root.join("nb-NO/errors.ftl");
    let text = std::fs::read_to_string(&errors).expect("read");
    std::fs::write(
        &errors,
        text.replace(
            "error-not-found = Finnes ikke.",
            "error-not-found = Fant ikke noe slikt.",
        ),
    )
    .expect("write");
    let mut reloaded = false;
    for _ in 0..40 {
        if not_found_message(&app).await == "Fant ikke noe slikt." {
            reloaded = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reloaded, "the changed message was not picked up");

    std::fs::write(root.join("nb-NO/broken.ftl"), "error-not-found = {\n").expect("write");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        not_found_message(&app).await,
        "Fant ikke noe slikt.",
        "a broken file replaced the bundle"
    );
}
