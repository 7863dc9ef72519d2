//! Multipart abuse, over raw TCP so an early answer is seen even while the
//! body is still being sent: an anonymous upload refused before its body
//! is read, files only where the operation declares an upload, and thirty
//! thousand file parts refused without running out of descriptors.

use std::path::Path;
use std::time::{Duration, Instant};

use sammen_entities::document_version;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::{RawResponse, form_part, host_of, parse_uuid, read_response, upload_preamble};
use crate::support::{PDF, TestApp, UPLOAD, create_document, files_under};

/// Sends `head` and then `body` on a fresh connection, from a task so that
/// an answer given before the body is read is still seen, and reads one
/// response. The connection stays open (no FIN) until the answer is read.
async fn raw_exchange(address: &str, head: String, body: Vec<u8>) -> Option<RawResponse> {
    let stream = TcpStream::connect(host_of(address)).await.expect("connected");
    let (mut reader, mut writer) = stream.into_split();
    let sender = tokio::spawn(async move {
        if writer.write_all(head.as_bytes()).await.is_ok() {
            // The server may stop reading once it has decided; that is its right.
            let _ = writer.write_all(&body).await;
        }
        writer
    });
    let response = read_response(&mut reader).await;
    sender.abort();
    response
}

fn file_part(boundary: &str, name: &str, filename: &str, content: &[u8]) -> Vec<u8> {
    form_part(
        boundary,
        &format!(
            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream"
        ),
        content,
    )
}

fn multipart_head(address: &str, boundary: &str, length: usize, token: Option<&str>) -> String {
    let authorization = token
        .map(|token| format!("Authorization: Bearer {token}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /graphql HTTP/1.1\r\nHost: {}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n{authorization}\r\n",
        host_of(address)
    )
}

/// Files this process (the server runs in it) holds open. Sockets, pipes,
/// devices and database files are left out: the tests running alongside
/// open and pool those by the hundred.
fn open_files() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| std::fs::read_link(e.path()).ok())
                .filter(|target| {
                    let target = target.to_string_lossy();
                    target.starts_with('/')
                        && !target.starts_with("/dev/")
                        && !target.starts_with("/proc/")
                        && !target.contains(".db")
                })
                .count()
        })
        .unwrap_or(0)
}

/// Open file descriptors pointing into `dir` (deleted files included).
fn descriptors_into(dir: &Path) -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| std::fs::read_link(e.path()).is_ok_and(|target| target.starts_with(dir)))
                .count()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn an_anonymous_upload_is_refused_before_its_body_is_read() {
    let app = TestApp::spawn().await;
    let boundary = "sammen-many-parts";
    let operations = json!({
        "query": UPLOAD,
        "variables": { "doc": uuid::Uuid::now_v7().to_string(), "file": null }
    });
    let mut body = upload_preamble(boundary, &operations);
    for _ in 0..30_000 {
        body.extend(file_part(boundary, "0", "a.txt", b"x"));
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let head = multipart_head(&app.address, boundary, body.len(), None);
    // Only half the declared body is sent: an answer shows the server did
    // not wait for (or read) the rest.
    body.truncate(body.len() / 2);
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(10), raw_exchange(&app.address, head, body))
        .await
        .expect("an answer within 10 s without the rest of the body")
        .expect("an HTTP answer");
    let took = started.elapsed();
    assert_eq!(response.status, 401, "{}", response.body);
    let answer: Value = serde_json::from_str(&response.body).expect("a JSON answer");
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{answer}"
    );
    assert!(took < Duration::from_secs(2), "the refusal took {took:?}");
}

#[tokio::test]
async fn files_go_only_where_the_operation_declares_an_upload() {
    let app = TestApp::spawn().await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create_document(&app, &owner, "Declared").await;
    let boundary = "sammen-declared";
    let operations = json!({ "query": UPLOAD, "variables": { "doc": doc, "file": null } });
    for target in ["variables.doc", "variables.nothing", "query"] {
        let mut body = form_part(
            boundary,
            "Content-Disposition: form-data; name=\"operations\"",
            operations.to_string().as_bytes(),
        );
        body.extend(form_part(
            boundary,
            "Content-Disposition: form-data; name=\"map\"",
            json!({ "0": [target] }).to_string().as_bytes(),
        ));
        body.extend(file_part(boundary, "0", "m.pdf", PDF));
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let head = multipart_head(&app.address, boundary, body.len(), Some(&owner));
        let response = raw_exchange(&app.address, head, body)
            .await
            .expect("an HTTP answer");
        assert_eq!(response.status, 400, "{target}: {}", response.body);
        let answer: Value = serde_json::from_str(&response.body).expect("a JSON answer");
        assert_eq!(
            answer["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{target}: {answer}"
        );
    }
    let versions = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(uuid::Uuid::parse_str(&doc).expect("a uuid")))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(versions, 0);
}

#[tokio::test]
async fn thirty_thousand_file_parts_are_refused_without_running_out_of_descriptors() {
    let temp = tempfile::tempdir().expect("temp dir");
    let temp_path = temp.path().to_path_buf();
    let app = TestApp::spawn_with(move |c| c.serve.upload_temp_dir = Some(temp_path)).await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create_document(&app, &owner, "Many parts").await;
    let boundary = "sammen-many-files";
    let operations = json!({ "query": UPLOAD, "variables": { "doc": doc, "file": null } });
    let mut body = upload_preamble(boundary, &operations);
    body.extend(file_part(boundary, "0", "m.pdf", PDF));
    // 30,000 parts the map does not declare: its one name again, then others.
    body.extend(file_part(boundary, "0", "a.txt", b"x"));
    for i in 1..30_000 {
        body.extend(file_part(boundary, &format!("x{i}"), "a.txt", b"x"));
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let head = multipart_head(&app.address, boundary, body.len(), Some(&owner));
    let temp_dir = temp
        .path()
        .canonicalize()
        .unwrap_or_else(|_| temp.path().to_path_buf());

    let files_before = open_files();
    let started = Instant::now();
    let response = tokio::time::timeout(Duration::from_secs(20), raw_exchange(&app.address, head, body))
        .await
        .expect("an answer within 20 s")
        .expect("an HTTP answer");
    let took = started.elapsed();
    assert_eq!(response.status, 400, "{}", response.body);
    let answer: Value = serde_json::from_str(&response.body).expect("a JSON answer");
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "BAD_REQUEST",
        "{answer}"
    );
    let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
    for leak in ["os error", "Too many open files"] {
        assert!(!message.contains(leak), "internals in the message: {message}");
    }
    assert!(took < Duration::from_secs(2), "the refusal took {took:?}");

    // Nothing stays open or on disk (other tests in this process open and
    // close descriptors too, so allow a moment and a little slack).
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let open = open_files();
        let into_temp = descriptors_into(&temp_dir);
        let left = files_under(&temp_dir);
        if open <= files_before + 10 && into_temp == 0 && left.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after the refusal: {open} files open (before: {files_before}), \
             {into_temp} into the upload folder, files left there: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let versions = document_version::Entity::find()
        .filter(document_version::Column::DocumentId.eq(parse_uuid(&doc)))
        .count(&app.db)
        .await
        .expect("count");
    assert_eq!(versions, 0, "a refused upload stored a version");
}
