//! Files: an upload is stored, sniffed, hashed and served back; bad
//! uploads store neither a row nor a file; files can live in an object
//! store; and the demo documents have their files.

use sammen_entities::document_version;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

use super::create;
use crate::support::{PDF, TestApp, UPLOAD, files_under};

#[tokio::test]
async fn an_upload_is_stored_sniffed_hashed_and_served_back() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create(
        &app,
        &owner,
        json!({ "kind": "REPORT", "title": "Årsrapport", "originalLocale": "nb", "license": "CC-BY-NC-SA-4.0", "visibility": "PUBLIC" }),
    )
    .await;
    assert_eq!(doc["originalLocale"], "nb-NO");
    assert_eq!(doc["license"], "CC-BY-NC-SA-4.0");
    let id = doc["id"].as_str().expect("id");
    let first = app
        .upload(
            Some(&owner),
            UPLOAD,
            json!({ "doc": id, "file": null, "note": "Første utkast" }),
            "Årsrapport 2024.pdf",
            "application/octet-stream",
            PDF,
        )
        .await;
    let v1 = first.ok()["uploadDocumentVersion"].clone();
    assert_eq!(v1["number"], 1);
    assert_eq!(v1["mediaType"], "application/pdf", "sniffed from the bytes");
    assert_eq!(v1["filename"], "Årsrapport 2024.pdf");
    assert_eq!(v1["size"], PDF.len());
    assert_eq!(v1["changeNote"], "Første utkast");
    let second = app
        .upload(
            Some(&owner),
            UPLOAD,
            json!({ "doc": id, "file": null }),
            "notes.md",
            "text/markdown",
            "# Notater\n".as_bytes(),
        )
        .await;
    assert_eq!(second.ok()["uploadDocumentVersion"]["number"], 2);
    assert_eq!(second.ok()["uploadDocumentVersion"]["mediaType"], "text/plain");

    let reply = app
        .gql(
            "query($id: ID!) { document(id: $id) { currentVersion { number } versions { number } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(reply.ok()["document"]["currentVersion"]["number"], 2);
    assert_eq!(
        reply.ok()["document"]["versions"],
        json!([{ "number": 2 }, { "number": 1 }])
    );

    let response = app.download(None, v1["id"].as_str().expect("id")).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-length"], PDF.len().to_string().as_str());
    assert_eq!(
        headers["etag"],
        format!("\"{}\"", v1["sha256"].as_str().expect("sha")).as_str()
    );
    let disposition = headers["content-disposition"].to_str().expect("ascii");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%C3%85rsrapport%202024.pdf"),
        "{disposition}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await.expect("bytes").as_ref(), PDF);

    let again = app
        .client
        .get(app.url(&format!("/files/{}", v1["id"].as_str().expect("id"))))
        .header("If-None-Match", headers["etag"].clone())
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 304);
    assert_eq!(app.download(None, "not-a-uuid").await.status(), 404);
    assert_eq!(
        app.download(None, &uuid::Uuid::now_v7().to_string())
            .await
            .status(),
        404
    );
}

async fn stored_versions(app: &TestApp) -> u64 {
    document_version::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

/// The files in the storage folder.
fn stored_files(app: &TestApp) -> usize {
    files_under(&app.config.global.storage_dir).len()
}

#[tokio::test]
async fn bad_uploads_store_neither_a_row_nor_a_file() {
    let app = TestApp::spawn_with(|c| c.serve.max_upload_bytes = 4096).await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create(&app, &owner, json!({ "kind": "REPORT", "title": "Uploads" })).await;
    let id = doc["id"].as_str().expect("id");
    let rows = stored_versions(&app).await;
    let files = stored_files(&app);

    for (filename, content_type, bytes, code, message_start) in [
        (
            "../../etc/passwd",
            "text/plain",
            b"x".to_vec(),
            "BAD_USER_INPUT",
            "Filnavnet er ikke tillatt",
        ),
        (
            "..\\..\\boot.ini",
            "text/plain",
            b"x".to_vec(),
            "BAD_USER_INPUT",
            "Filnavnet er ikke tillatt",
        ),
        (
            ".htaccess",
            "text/plain",
            b"x".to_vec(),
            "BAD_USER_INPUT",
            "Filnavnet er ikke tillatt",
        ),
        (
            "empty.pdf",
            "application/pdf",
            Vec::new(),
            "BAD_USER_INPUT",
            "Filen er tom",
        ),
        (
            "big.pdf",
            "application/pdf",
            vec![b'a'; 5000],
            "PAYLOAD_TOO_LARGE",
            "Forespørselen er for stor",
        ),
        (
            "lie.pdf",
            "application/pdf",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            "BAD_USER_INPUT",
            "Filen ble oppgitt som application/pdf, men innholdet er image/png",
        ),
    ] {
        let reply = app
            .upload_with(
                Some(&owner),
                Some("nb-NO"),
                UPLOAD,
                json!({ "doc": id, "file": null }),
                filename,
                content_type,
                &bytes,
            )
            .await;
        reply.expect_error(code);
        assert!(
            reply.message().starts_with(message_start),
            "{filename}: {}",
            reply.message()
        );
    }
    assert_eq!(stored_versions(&app).await, rows, "a refused upload left a row");
    assert_eq!(stored_files(&app), files, "a refused upload left a file");
}

#[tokio::test]
async fn the_demo_documents_are_there_with_their_files() {
    let app = TestApp::spawn().await;
    let reply = app
        .gql_with(
            None,
            Some("nb-NO"),
            "{ documents(first: 50, filter: {query: \"EQF\"}) { totalCount edges { node { title license currentVersion { mediaType downloadUrl } owner { slug } } } } }",
            json!({}),
        )
        .await;
    let data = reply.ok();
    assert_eq!(data["documents"]["totalCount"], 1);
    let guide = &data["documents"]["edges"][0]["node"];
    assert!(
        guide["title"]
            .as_str()
            .expect("title")
            .starts_with("Veileder for nasjonal innføring")
    );
    assert_eq!(guide["license"], "CC-BY-NC-SA-4.0");
    assert_eq!(guide["owner"]["slug"], "sorlandet-sykehus");
    assert_eq!(guide["currentVersion"]["mediaType"], "application/pdf");
    let url = guide["currentVersion"]["downloadUrl"].as_str().expect("url");
    let file = app.client.get(app.url(url)).send().await.expect("sent");
    assert_eq!(file.status(), 200);
    assert!(file.bytes().await.expect("bytes").starts_with(b"%PDF-1.4"));

    let anonymous = app.gql("{ documents { totalCount } }", json!({})).await;
    assert_eq!(
        anonymous.ok()["documents"]["totalCount"],
        2,
        "only the PUBLIC demo documents"
    );
}

#[tokio::test]
async fn files_can_live_in_an_object_store_named_by_url() {
    let app = TestApp::spawn_with(|c| c.global.storage_url = Some("memory://".into())).await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create(
        &app,
        &owner,
        json!({ "kind": "REPORT", "title": "In memory", "visibility": "PUBLIC" }),
    )
    .await;
    let reply = app
        .upload(
            Some(&owner),
            UPLOAD,
            json!({ "doc": doc["id"], "file": null }),
            "m.pdf",
            "application/pdf",
            PDF,
        )
        .await;
    let id = reply.ok()["uploadDocumentVersion"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let file = app.download(None, &id).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), PDF);
    assert_eq!(stored_files(&app), 0, "nothing was written to the folder");
}
