//! Files on a real S3-compatible store (moto): shared by the nodes, sent
//! up in parts with bounded memory, nothing left behind by an upload cut
//! short, and a clean error for an object gone missing.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use crate::support::{PDF, Process, S3, TestApp, UPLOAD, create_document, multipart_upload, upload_pdf};

async fn on_s3(s3: &S3) -> TestApp {
    TestApp::spawn_with(|config| {
        config.global.storage_url = Some(s3.storage_url());
        config.global.storage_options = s3.options();
    })
    .await
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn a_file_uploaded_through_one_node_downloads_from_another_and_a_lost_one_fails_cleanly() {
    let Some(s3) = S3::start().await else { return };
    let a = on_s3(&s3).await;
    let b = a.another_node().await;
    let owner = a.login("coordinator@example.org").await;
    let doc = create_document(&a, &owner, "Shared through S3").await;
    let before = s3.keys().await;
    let version = upload_pdf(&a, &owner, &doc, "guide.pdf").await;
    let new: Vec<String> = s3
        .keys()
        .await
        .into_iter()
        .filter(|k| !before.contains(k))
        .collect();
    assert_eq!(new.len(), 1, "one object, none left unfinished: {new:?}");
    assert!(!new[0].starts_with("files/tmp/"), "{new:?}");
    assert_eq!(s3.incomplete_uploads().await, Vec::<String>::new());

    let from_a = a.download(Some(&owner), &version).await;
    let from_b = b.download(Some(&owner), &version).await;
    assert_eq!(from_b.status(), 200);
    for name in [
        "content-type",
        "content-length",
        "etag",
        "content-disposition",
        "cache-control",
    ] {
        assert_eq!(header(&from_a, name), header(&from_b, name), "{name}");
    }
    assert_eq!(header(&from_b, "content-type"), "application/pdf");
    assert!(header(&from_b, "etag").len() > 60, "{}", header(&from_b, "etag"));
    assert_eq!(from_a.bytes().await.expect("body"), PDF);
    assert_eq!(from_b.bytes().await.expect("body"), PDF);

    // The object goes missing behind the service's back (a mistaken
    // lifecycle rule, a restore gone wrong): an error with a reference,
    // at once.
    s3.delete(&new[0]).await;
    let lost = tokio::time::timeout(Duration::from_secs(10), b.download(Some(&owner), &version))
        .await
        .expect("an answer within 10 s");
    assert_eq!(lost.status(), 500);
    let body: Value = lost.json().await.expect("a JSON error");
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "INTERNAL", "{body}");
    assert!(
        error["extensions"]["reference"]
            .as_str()
            .is_some_and(|r| !r.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn an_upload_cut_short_leaves_no_object_and_no_incomplete_upload() {
    let Some(s3) = S3::start().await else { return };
    let app = on_s3(&s3).await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create_document(&app, &owner, "Cut short").await;
    let before = s3.keys().await;

    // Over HTTP: a 30 MiB file of which the client sends 12 MiB, then
    // goes away.
    let mut file = PDF[..9].to_vec();
    file.resize(30 * 1024 * 1024, b'x');
    let (boundary, body) = multipart_upload(
        UPLOAD,
        json!({ "doc": doc, "file": null }),
        "big.pdf",
        "application/pdf",
        &file,
    );
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&address).await.expect("connect");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {owner}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await.expect("head");
    for chunk in body[..body.len() - 18 * 1024 * 1024].chunks(256 * 1024) {
        socket.write_all(chunk).await.expect("body");
    }
    socket.flush().await.expect("flush");
    tokio::time::sleep(Duration::from_millis(500)).await;
    drop(socket);
    nothing_left(&s3, &before).await;
    let versions = app
        .gql_as(
            &owner,
            "query($id: ID!) { document(id: $id) { versions { id } } }",
            json!({ "id": doc }),
        )
        .await;
    assert_eq!(versions.ok()["document"]["versions"], json!([]));

    // The server sends a file to the store only once it has all of it
    // (spooled to an anonymous temporary file); what if the write to the
    // store itself stops half-way? Its source fails (a read error) ...
    let storage = s3.storage();
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(4);
    let write = tokio::spawn({
        let storage = storage.clone();
        async move {
            let source = tokio_stream_of(receiver);
            storage.write("cut/by-error", source, 1 << 30).await
        }
    });
    under_way(&s3, &sender).await;
    sender
        .send(Err(std::io::Error::other("the disk went away")))
        .await
        .expect("send");
    let written = write.await.expect("the write ends");
    assert!(written.is_err(), "a failed source fails the write");
    nothing_left(&s3, &before).await;

    // ... or the request is cancelled (its deadline passed): the write is
    // dropped mid-way.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<bytes::Bytes, std::io::Error>>(4);
    let write = tokio::spawn(async move {
        let source = tokio_stream_of(receiver);
        storage.write("cut/by-cancel", source, 1 << 30).await
    });
    under_way(&s3, &sender).await;
    write.abort();
    assert!(write.await.is_err_and(|e| e.is_cancelled()));
    nothing_left(&s3, &before).await;
}

/// A stream of what `receiver` gets.
fn tokio_stream_of(
    receiver: tokio::sync::mpsc::Receiver<Result<bytes::Bytes, std::io::Error>>,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Unpin {
    Box::pin(futures_util::stream::unfold(
        receiver,
        |mut receiver| async move { receiver.recv().await.map(|item| (item, receiver)) },
    ))
}

/// Feeds 12 MiB to a write and waits until the store shows its multipart
/// upload under way, with parts sent.
async fn under_way(s3: &S3, sender: &tokio::sync::mpsc::Sender<Result<bytes::Bytes, std::io::Error>>) {
    for _ in 0..12 {
        sender
            .send(Ok(bytes::Bytes::from(vec![b'p'; 1 << 20])))
            .await
            .expect("the write reads on");
    }
    for _ in 0..100 {
        if s3.incomplete_uploads().await.len() == 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no multipart upload under way: {:?}",
        s3.incomplete_uploads().await
    );
}

/// Waits until the bucket holds no object beyond `before` and no
/// incomplete multipart upload.
async fn nothing_left(s3: &S3, before: &[String]) {
    let mut left = (Vec::new(), Vec::new());
    for _ in 0..100 {
        let keys: Vec<String> = s3
            .keys()
            .await
            .into_iter()
            .filter(|k| !before.contains(k))
            .collect();
        left = (keys, s3.incomplete_uploads().await);
        if left.0.is_empty() && left.1.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("objects and incomplete uploads left behind: {left:?}");
}

/// The server's resident memory in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[tokio::test]
async fn a_200_mib_file_goes_up_in_parts_with_bounded_memory() {
    const SIZE: usize = 200 * 1024 * 1024;
    let Some(s3) = S3::start().await else { return };
    let app = on_s3(&s3).await;
    let node = Process::node_of(
        &app,
        &[
            "--max-upload-bytes",
            "262144000",
            "--request-timeout-secs",
            "600",
            "--search-extract-workers",
            "0",
        ],
    )
    .await;
    let owner = app.login("coordinator@example.org").await;
    let doc = create_document(&app, &owner, "Large").await;
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let send = |bytes: Vec<u8>, size: usize| {
        let boundary = format!("sammen-{}", uuid::Uuid::now_v7().simple());
        let operations = json!({ "query": UPLOAD, "variables": { "doc": doc, "file": null } });
        let start = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.file\"]}}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"large.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        );
        let end = format!("\r\n--{boundary}--\r\n");
        let length = start.len() + size + end.len();
        // The file is made as it is sent, a mebibyte at a time.
        let chunks = (0..size.div_ceil(1 << 20)).map(move |n| {
            let mut chunk = if n == 0 { bytes.clone() } else { Vec::new() };
            let want = (size - n * (1 << 20)).min(1 << 20);
            chunk.resize(want, b'a' + (n % 26) as u8);
            Ok::<_, std::io::Error>(chunk)
        });
        let stream = futures_util::stream::iter(
            std::iter::once(Ok(start.into_bytes()))
                .chain(chunks)
                .chain(std::iter::once(Ok(end.into_bytes()))),
        );
        client
            .post(format!("{}/graphql", node.address))
            .bearer_auth(&owner)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("Content-Length", length)
            .body(reqwest::Body::wrap_stream(stream))
            .send()
    };
    // A small upload first, so the baseline has every pool and buffer a
    // store upload makes.
    let warm = send(PDF[..9].to_vec(), 6 * 1024 * 1024).await.expect("sent");
    assert_eq!(warm.status(), 200, "{:?}", warm.text().await);
    let baseline = rss(node.pid());
    assert!(baseline > 0, "the server's memory can be read");

    let pid = node.pid();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = tokio::spawn({
        let done = done.clone();
        async move {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(rss(pid));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            peak
        }
    });
    let response = send(PDF[..9].to_vec(), SIZE).await.expect("sent");
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.await.expect("sampler");
    let status = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, 200, "{body}");
    let version = &body["data"]["uploadDocumentVersion"];
    assert_eq!(version["size"], SIZE, "{body}");
    let growth = peak.saturating_sub(baseline);
    eprintln!(
        "RSS while uploading 200 MiB: baseline {} MiB, peak {} MiB, growth {} MiB",
        baseline >> 20,
        peak >> 20,
        growth >> 20
    );
    assert!(growth < 64 * 1024 * 1024, "RSS grew {} MiB", growth >> 20);
    assert_eq!(s3.incomplete_uploads().await, Vec::<String>::new());
    // Every byte arrived: the store holds an object of the file's size.
    let sizes: Vec<u64> = s3.objects().await.into_iter().map(|(_, size)| size).collect();
    assert!(sizes.contains(&(SIZE as u64)), "{sizes:?}");
}
