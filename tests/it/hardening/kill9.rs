//! kill -9 during an upload: after a restart no stray file is left in
//! storage, and every stored version keeps its file.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::json;

use super::{form_part, upload_preamble};
use crate::support::{DEMO_PASSWORD, LOGIN, Process, UPLOAD, files_under, gql_at};

#[tokio::test]
async fn a_server_killed_during_an_upload_leaves_no_stray_file_after_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    sammen_api::net::install_crypto();
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let mut first = Process::serve(dir.path(), &["--demo"]).await;
    let address = first.address.clone();
    let admin = gql_at(
        &client,
        &address,
        None,
        LOGIN,
        json!({ "e": "admin@example.org", "p": DEMO_PASSWORD }),
    )
    .await
    .ok()["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let doc = gql_at(
        &client,
        &address,
        Some(&admin),
        "mutation { createDocument(input: {kind: REPORT, title: \"Interrupted\"}) { id } }",
        json!({}),
    )
    .await
    .ok()["createDocument"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();

    // A 20 MB upload, sent at full speed; the server is killed while it
    // writes the file into storage (as soon as a new file shows there).
    let storage = dir.path().join("files");
    let demo_files: HashSet<PathBuf> = files_under(&storage).into_iter().collect();
    let boundary = "sammen-interrupted";
    let mut body = upload_preamble(
        boundary,
        &json!({ "query": UPLOAD, "variables": { "doc": doc, "file": null } }),
    );
    let mut content = b"%PDF-1.4\n".to_vec();
    content.resize(20 * 1024 * 1024, b'a');
    body.extend(form_part(
        boundary,
        "Content-Disposition: form-data; name=\"0\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf",
        &content,
    ));
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let upload = tokio::spawn(
        client
            .post(format!("{address}/graphql"))
            .bearer_auth(&admin)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut writing = false;
    while !upload.is_finished() && Instant::now() < deadline {
        if files_under(&storage).iter().any(|f| !demo_files.contains(f)) {
            writing = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.kill9().await;
    if let Ok(Ok(Ok(response))) = tokio::time::timeout(Duration::from_secs(5), upload).await {
        panic!(
            "the upload was answered ({}) before the server was killed",
            response.status()
        );
    }
    assert!(writing, "no file was being written to storage within 20 s");

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut second = Process::serve(dir.path(), &["--request-timeout-secs", "1"]).await;
    let address = second.address.clone();
    let interrupted = gql_at(
        &client,
        &address,
        Some(&admin),
        "query($id: ID!) { document(id: $id) { versions { id } } }",
        json!({ "id": doc }),
    )
    .await;
    assert_eq!(
        interrupted.ok()["document"]["versions"],
        json!([]),
        "the interrupted upload left a version"
    );
    let listed = gql_at(
        &client,
        &address,
        Some(&admin),
        "{ documents(first: 100) { edges { node { versions { id } } } } }",
        json!({}),
    )
    .await;
    let mut versions = HashSet::new();
    for edge in listed.ok()["documents"]["edges"].as_array().expect("edges") {
        for version in edge["node"]["versions"].as_array().expect("versions") {
            versions.insert(version["id"].as_str().expect("an id").to_owned());
        }
    }
    assert!(!versions.is_empty(), "the demo documents have versions");

    // Every file in the storage folder is a stored version's (no staging
    // `…#n` parts, nothing under tmp/), once start-up has cleaned up.
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let present = files_under(&storage);
        let strays: Vec<&PathBuf> = present
            .iter()
            .filter(|path| {
                !path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| versions.contains(name))
            })
            .collect();
        if strays.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after a restart, files that are no stored version remain: {strays:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // And the clean-up kept every stored version's file.
    let names: HashSet<String> = files_under(&storage)
        .iter()
        .filter_map(|path| path.file_name()?.to_str().map(str::to_owned))
        .collect();
    for version in &versions {
        assert!(names.contains(version), "the file of version {version} is gone");
    }
    second.kill9().await;
}
