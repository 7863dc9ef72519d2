//! Slow, idle and surplus connections: a client trickling its headers is
//! cut off, an idle kept-alive connection is closed, connections beyond
//! the limit wait, and one address cannot take every connection.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{host_of, read_response};
use crate::support::TestApp;

/// Reads until the peer closes the connection (or it fails).
async fn until_closed<R: AsyncRead + Unpin>(reader: &mut R) {
    let mut buffer = [0u8; 1024];
    while let Ok(n) = reader.read(&mut buffer).await {
        if n == 0 {
            break;
        }
    }
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_cut_off_while_others_are_served() {
    let app = TestApp::spawn_with(|c| {
        c.serve.header_read_timeout_secs = 1;
        c.serve.idle_timeout_secs = 2;
    })
    .await;
    let stream = TcpStream::connect(host_of(&app.address))
        .await
        .expect("connected");
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("sent");
    let started = Instant::now();
    let trickle = tokio::spawn(async move {
        for byte in b"X-Slow: ".iter().copied().chain(std::iter::repeat_n(b'a', 200)) {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if writer.write_all(&[byte]).await.is_err() {
                break;
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let reply = app.gql("{ organisations { totalCount } }", json!({})).await;
    assert_eq!(reply.ok()["organisations"]["totalCount"], 7);
    let left = Duration::from_secs(4).saturating_sub(started.elapsed());
    let closed = tokio::time::timeout(left, until_closed(&mut reader)).await;
    trickle.abort();
    assert!(
        closed.is_ok(),
        "a connection trickling its headers was still open {:?} after it started",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_idle_timeout() {
    // The header timeout stays long, so only the idle timeout can close it.
    let app = TestApp::spawn_with(|c| c.serve.idle_timeout_secs = 2).await;
    let host = host_of(&app.address).to_owned();
    let mut stream = TcpStream::connect(&host).await.expect("connected");
    stream
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await
        .expect("sent");
    let response = tokio::time::timeout(Duration::from_secs(5), read_response(&mut stream))
        .await
        .expect("answered within 5 s")
        .expect("a response");
    assert_eq!(response.status, 200);
    assert_eq!(response.body, "ok");
    let idle_since = Instant::now();
    let closed = tokio::time::timeout(Duration::from_millis(4500), until_closed(&mut stream)).await;
    let idle = idle_since.elapsed();
    assert!(closed.is_ok(), "an idle connection was still open after {idle:?}");
    assert!(
        idle >= Duration::from_secs(1),
        "closed after {idle:?}: a kept-alive connection should live until the idle timeout"
    );
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_others_close() {
    let app = TestApp::spawn_with(|c| c.serve.max_connections = 4).await;
    let host = host_of(&app.address).to_owned();
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = TcpStream::connect(&host).await.expect("connected");
        stream
            .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
            .await
            .expect("sent");
        let response = tokio::time::timeout(Duration::from_secs(5), read_response(&mut stream))
            .await
            .expect("answered within 5 s")
            .expect("a response");
        assert_eq!(response.status, 200);
        held.push(stream);
    }
    let client = reqwest::Client::builder().no_proxy().build().expect("client");
    let url = app.url("/healthz");
    let mut pending = tokio::spawn(async move { client.get(url).send().await.map(|r| r.status()) });
    let early = tokio::time::timeout(Duration::from_millis(500), &mut pending).await;
    assert!(
        early.is_err(),
        "a fifth connection was served while four were held: {early:?}"
    );
    drop(held);
    let status = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .expect("answered once the held connections closed")
        .expect("the request task finished")
        .expect("the request succeeded");
    assert_eq!(status, 200);
}

#[tokio::test]
async fn one_address_cannot_take_every_connection() {
    let app = TestApp::spawn_with(|c| c.serve.max_connections_per_address = 2).await;
    let host = host_of(&app.address).to_owned();
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(TcpStream::connect(&host).await.expect("connected"));
    }
    // A third connection from the same address is closed unserved.
    let mut third = TcpStream::connect(&host).await.expect("connected");
    let _ = third
        .write_all(format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes())
        .await;
    let mut buffer = [0u8; 64];
    let read = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buffer))
        .await
        .expect("the server decides within 5 s");
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "a third connection from one address was served: {:?}",
        read.map(|n| String::from_utf8_lossy(&buffer[..n]).into_owned())
    );
    // Once one closes, the address may connect again.
    drop(held.pop());
    let mut served = false;
    for _ in 0..20 {
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        if client
            .get(app.url("/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(served, "the address was not served after one connection closed");
}
