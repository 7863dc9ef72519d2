//! Documents' file text: extracted off the request path by each node's
//! worker, in a child process bounded in time and memory, for plain text,
//! Markdown, HTML, PDF, DOCX and ODT; searchable within seconds, under the
//! document's access rule, and after a `kill -9`.

use std::io::Write;
use std::time::{Duration, Instant};

use sammen_entities::search_extraction;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};

use super::{document, hit, ids, search};
use crate::support::{Process, TestApp, UPLOAD, gql_at};

/// A one-page PDF in Helvetica whose page content is the stream object
/// `contents`, and then `extra` objects (numbered from 6).
fn page_pdf(contents: Vec<u8>, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        contents,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
    ];
    objects.extend(extra.iter().cloned());
    sammen_api::seed::pdf_of(&objects)
}

/// A one-page PDF showing `text`.
pub fn pdf_with(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    page_pdf(
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes(),
        &[],
    )
}

/// A zip of `(name, bytes)` entries, stored uncompressed.
fn zipped(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(*name, options).expect("entry");
        zip.write_all(bytes).expect("written");
    }
    zip.finish().expect("zip").into_inner()
}

fn docx(text: &str) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
    );
    zipped(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        ("word/document.xml", document.as_bytes()),
    ])
}

fn odt(text: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:h>Tittel</text:h><text:p>{text}</text:p></office:text></office:body></office:document-content>"#
    );
    zipped(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ])
}

/// Uploads `bytes` as a new version of `doc`.
async fn upload(app: &TestApp, token: &str, doc: &str, filename: &str, bytes: &[u8]) {
    app.upload(
        Some(token),
        UPLOAD,
        json!({ "doc": doc, "file": null }),
        filename,
        "application/octet-stream",
        bytes,
    )
    .await
    .ok();
}

/// Searches as `token` until `query` finds `id` (at most `secs` seconds).
async fn found_within(app: &TestApp, token: Option<&str>, query: &str, id: &str, secs: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let found = search(app, token, query, json!(null)).await;
        if ids(&found).iter().any(|i| i == id) || Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The extraction job of the document's current version, once finished.
async fn finished_job(app: &TestApp, doc: &str, secs: u64) -> search_extraction::Model {
    let doc = uuid::Uuid::parse_str(doc).expect("uuid");
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let job = search_extraction::Entity::find()
            .filter(search_extraction::Column::DocumentId.eq(doc))
            .one(&app.db)
            .await
            .expect("query");
        match job {
            Some(job) if job.status != "PENDING" => return job,
            _ if Instant::now() > deadline => panic!("no finished job after {secs} s: {job:?}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

#[tokio::test]
async fn the_text_of_every_format_is_found_and_only_by_those_who_may_read_it() {
    let app = TestApp::spawn_with(|c| c.serve.search.search_extract_workers = 1).await;
    let admin = app.login("admin@example.org").await;
    let html = "<html><head><script>var skjultord = 1;</script><style>p{}</style></head>\
                <body><h1>Vedlegg</h1><p>Om tyttebær &amp; annet</p></body></html>";
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notat.txt",
            "Et notat om blåbærsyltetøy og mer".as_bytes().to_vec(),
            "blåbærsyltetøy",
        ),
        (
            "les.md",
            "# Overskrift\n\n*Multebær* i **myra**".as_bytes().to_vec(),
            "multebær",
        ),
        ("side.html", html.as_bytes().to_vec(), "tyttebær"),
        ("rapport.pdf", pdf_with("Moltebaer og krekling"), "moltebaer"),
        (
            "veileder.docx",
            docx("Kvalitetsrammeverket for rosinboller"),
            "rosinboller",
        ),
        (
            "veileder.odt",
            odt("Bringebærsyltetøyet fra Nordland"),
            "bringebærsyltetøyet",
        ),
    ];
    for (filename, bytes, word) in cases {
        let id = document(
            &app,
            &admin,
            json!({"kind": "REPORT", "title": format!("Vedlegg {filename}"), "originalLocale": "nb-NO",
                   "visibility": "PUBLIC"}),
        )
        .await;
        upload(&app, &admin, &id, filename, &bytes).await;
        let found = found_within(&app, None, word, &id, 15).await;
        let job = finished_job(&app, &id, 1).await;
        assert_eq!(job.status, "DONE", "{filename}: {job:?}");
        let hit = hit(&found, &id).unwrap_or_else(|| panic!("{filename}: {word} not found: {found}"));
        let file = hit["highlights"]
            .as_array()
            .expect("highlights")
            .iter()
            .find(|h| h["field"] == "file")
            .unwrap_or_else(|| panic!("{filename}: no file highlight: {hit}"));
        assert!(
            file["snippet"]
                .as_str()
                .expect("snippet")
                .to_lowercase()
                .contains("<mark>"),
            "{filename}: {file}"
        );
    }
    // What a script says is not text on the page.
    assert_eq!(
        search(&app, None, "skjultord", json!(null)).await["totalCount"],
        0
    );

    // A private document's file text is found by its owner's side only.
    let private = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Internt", "visibility": "PRIVATE"}),
    )
    .await;
    upload(&app, &admin, &private, "internt.txt", b"Hemmelig stikkelsbaerpai").await;
    let found = found_within(&app, Some(&admin), "stikkelsbaerpai", &private, 15).await;
    assert_eq!(ids(&found), vec![private.clone()]);
    let anonymous = search(&app, None, "stikkelsbaerpai", json!(null)).await;
    assert_eq!(anonymous["totalCount"], 0);
    let partner = app.login("partner@example.org").await;
    assert_eq!(
        search(&app, Some(&partner), "stikkelsbaerpai", json!(null)).await["totalCount"],
        0
    );

    // A new version replaces the old text at once.
    upload(
        &app,
        &admin,
        &private,
        "internt.txt",
        b"Helt annen tekst om rabarbra",
    )
    .await;
    assert_eq!(
        search(&app, Some(&admin), "stikkelsbaerpai", json!(null)).await["totalCount"],
        0
    );
    found_within(&app, Some(&admin), "rabarbra", &private, 15).await;

    // Files without text we read are skipped, and say why.
    let image = document(&app, &admin, json!({"kind": "REPORT", "title": "Bilde"})).await;
    upload(
        &app,
        &admin,
        &image,
        "bilde.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01",
    )
    .await;
    let job = finished_job(&app, &image, 5).await;
    assert_eq!(
        (job.status.as_str(), job.reason.as_deref()),
        ("SKIPPED", Some("unsupported"))
    );
}

#[tokio::test]
async fn a_hostile_pdf_fails_alone_and_the_worker_goes_on() {
    let app = TestApp::spawn_with(|c| {
        c.serve.search.search_extract_workers = 1;
        c.serve.search.search_extract_memory_mib = 64;
        c.serve.search.search_extract_timeout_secs = 30;
    })
    .await;
    let admin = app.login("admin@example.org").await;

    // A Flate bomb: 256 MB of zeros in a stream of a few hundred KB.
    let mut deflated = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..256 {
        deflated.write_all(&zeros).expect("deflated");
    }
    let stream = deflated.finish().expect("deflated");
    let mut contents = format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", stream.len()).into_bytes();
    contents.extend_from_slice(&stream);
    contents.extend_from_slice(b"\nendstream");
    let bomb = page_pdf(contents, &[]);

    let doc = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Bombe", "visibility": "PUBLIC"}),
    )
    .await;
    upload(&app, &admin, &doc, "bombe.pdf", &bomb).await;
    let job = finished_job(&app, &doc, 60).await;
    assert_eq!(job.status, "FAILED", "{job:?}");
    assert!(
        matches!(job.reason.as_deref(), Some("memory" | "crashed")),
        "{job:?}"
    );
    assert_eq!(job.attempts, 1);

    // Nested a hundred thousand arrays deep.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let content = "BT /F1 24 Tf 72 720 Td (Dypt) Tj ET";
    let nested = page_pdf(
        format!(
            "<< /Length {} /Nested {deep} >>\nstream\n{content}\nendstream",
            content.len()
        )
        .into_bytes(),
        &[],
    );
    let doc = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Dypt", "visibility": "PUBLIC"}),
    )
    .await;
    upload(&app, &admin, &doc, "dypt.pdf", &nested).await;
    let job = finished_job(&app, &doc, 60).await;
    assert_ne!(job.status, "PENDING");

    // The server answers, and the next file is extracted as usual.
    let fine = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Fin", "visibility": "PUBLIC"}),
    )
    .await;
    upload(&app, &admin, &fine, "fin.pdf", &pdf_with("Solbaerkompott")).await;
    let found = found_within(&app, None, "solbaerkompott", &fine, 30).await;
    assert_eq!(ids(&found), vec![fine]);
}

#[tokio::test]
async fn an_extractor_that_hangs_is_killed_at_the_timeout() {
    let scripts = tempfile::tempdir().expect("temp dir");
    let pid_file = scripts.path().join("pid");
    let script = scripts.path().join("hang.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho $$ > '{}'\nprintf 'sammen-extract 1\\n'\nexec /bin/sleep 60\n",
            pid_file.display()
        ),
    )
    .expect("script");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("executable");
    }
    let app = TestApp::spawn_with(|c| {
        c.serve.search.search_extract_workers = 1;
        c.serve.search.search_extractor = Some(script.clone());
        c.serve.search.search_extract_timeout_secs = 1;
    })
    .await;
    let admin = app.login("admin@example.org").await;
    let doc = document(&app, &admin, json!({"kind": "REPORT", "title": "Heng"})).await;
    let started = Instant::now();
    upload(&app, &admin, &doc, "heng.pdf", &pdf_with("Heng")).await;
    let job = finished_job(&app, &doc, 20).await;
    assert_eq!(
        (job.status.as_str(), job.reason.as_deref()),
        ("FAILED", Some("timeout"))
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    // The child is gone (or a zombie about to be reaped), not sleeping on.
    let pid = std::fs::read_to_string(&pid_file).expect("the child ran");
    let stat = format!("/proc/{}/stat", pid.trim());
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let state = std::fs::read_to_string(&stat)
            .ok()
            .and_then(|s| s.rsplit(") ").next().and_then(|rest| rest.chars().next()));
        if matches!(state, None | Some('Z' | 'X')) {
            break;
        }
        assert!(Instant::now() < deadline, "the child is still {state:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The server answers as ever.
    app.gql_as(&admin, "{ me { id } }", json!({})).await.ok();
}

#[tokio::test]
async fn a_job_is_leased_and_given_up_after_three_claims() {
    use sammen_api::search::worker::Worker;
    let app = TestApp::spawn_with(|c| c.serve.search.search_extract_workers = 0).await;
    let admin = app.login("admin@example.org").await;
    let doc = document(
        &app,
        &admin,
        json!({"kind": "REPORT", "title": "Lease", "visibility": "PUBLIC"}),
    )
    .await;
    upload(&app, &admin, &doc, "lease.pdf", &pdf_with("Leasebaer")).await;
    let storage = sammen_api::storage::Storage::configured(&app.config.global).expect("storage");
    let worker = Worker::new(
        app.db.clone(),
        storage,
        &app.config.serve.search,
        50 * 1024 * 1024,
    )
    .expect("worker");
    let doc_id = uuid::Uuid::parse_str(&doc).expect("uuid");
    let job = |db: sea_orm::DatabaseConnection| async move {
        search_extraction::Entity::find()
            .filter(search_extraction::Column::DocumentId.eq(doc_id))
            .one(&db)
            .await
            .expect("query")
            .expect("a job")
    };
    let queued = job(app.db.clone()).await;
    assert_eq!((queued.status.as_str(), queued.attempts), ("PENDING", 0));
    // The demo documents' files wait too; out of this test's way.
    search_extraction::Entity::update_many()
        .col_expr(
            search_extraction::Column::Status,
            sea_orm::sea_query::Expr::value("DONE"),
        )
        .filter(search_extraction::Column::DocumentId.ne(doc_id))
        .exec(&app.db)
        .await
        .expect("others done");

    // Another node holds it: not claimed while its lease runs.
    let mut held = queued.clone().into_active_model();
    held.attempts = Set(1);
    held.claimed_until = Set(Some(chrono::Utc::now() + chrono::Duration::minutes(5)));
    held.update(&app.db).await.expect("held");
    assert!(
        !worker.round().await.expect("a round"),
        "a leased job is not claimed"
    );

    // That node died on it three times: the lease ran out, and the fourth
    // claim gives it up rather than trying it for ever.
    let mut dead = job(app.db.clone()).await.into_active_model();
    dead.attempts = Set(3);
    dead.claimed_until = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    dead.update(&app.db).await.expect("expired");
    assert!(worker.round().await.expect("a round"));
    let given_up = job(app.db.clone()).await;
    assert_eq!(
        (given_up.status.as_str(), given_up.reason.as_deref()),
        ("FAILED", Some("gave_up"))
    );
    assert_eq!(
        search(&app, None, "leasebaer", json!(null)).await["totalCount"],
        0
    );

    // `sammen search reindex --files` queues it again, and a round extracts it.
    let txn = sammen_api::db::begin_write(&app.db).await.expect("txn");
    assert!(
        sammen_api::search::worker::requeue_all(&txn)
            .await
            .expect("requeued")
            >= 1
    );
    txn.commit().await.expect("committed");
    assert!(worker.drain().await.expect("drained") >= 1);
    assert_eq!(job(app.db.clone()).await.status, "DONE");
    assert_eq!(
        ids(&search(&app, None, "leasebaer", json!(null)).await),
        vec![doc.clone()]
    );
}

#[tokio::test]
async fn file_text_queued_before_a_kill_9_is_extracted_after_the_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    sammen_api::net::install_crypto();
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    // This node extracts nothing, so the job is still queued when it dies.
    let mut first = Process::serve(dir.path(), &["--demo", "--search-extract-workers", "0"]).await;
    let admin = gql_at(
        &client,
        &first.address,
        None,
        crate::support::LOGIN,
        json!({ "e": "admin@example.org", "p": crate::support::DEMO_PASSWORD }),
    )
    .await
    .ok()["login"]["token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let doc = gql_at(
        &client,
        &first.address,
        Some(&admin),
        "mutation { createDocument(input: {kind: REPORT, title: \"Omstart\", visibility: PUBLIC}) { id } }",
        json!({}),
    )
    .await
    .ok()["createDocument"]["id"]
        .as_str()
        .expect("an id")
        .to_owned();
    let (boundary, body) = crate::support::multipart_upload(
        UPLOAD,
        json!({ "doc": doc, "file": null }),
        "omstart.pdf",
        "application/pdf",
        &pdf_with("Omstartsbaer"),
    );
    let uploaded = client
        .post(format!("{}/graphql", first.address))
        .bearer_auth(&admin)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("uploaded");
    assert!(uploaded.status().is_success());
    let query =
        "query($q: String!) { search(query: $q) { totalCount nodes { node { ... on Document { id } } } } }";
    let before = gql_at(
        &client,
        &first.address,
        None,
        query,
        json!({ "q": "omstartsbaer" }),
    )
    .await;
    assert_eq!(before.ok()["search"]["totalCount"], 0);
    first.kill9().await;

    let second = Process::serve(dir.path(), &[]).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let found = gql_at(
            &client,
            &second.address,
            None,
            query,
            json!({ "q": "omstartsbaer" }),
        )
        .await;
        let found = found.ok()["search"].clone();
        if found["totalCount"] == 1 {
            assert_eq!(found["nodes"][0]["node"]["id"], doc);
            break;
        }
        assert!(Instant::now() < deadline, "not found after the restart: {found}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
