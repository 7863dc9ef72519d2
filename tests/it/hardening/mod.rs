//! Hardening: what an attacker, a slow client or a crash runs into.
//! Sign-in throttling across parallel requests, addresses and nodes; the
//! cost of expensive fields and the per-operation SQL statement budget;
//! WebSocket limits and shutdown; multipart abuse; slow, idle and surplus
//! connections; many concurrent writers; control and bidi characters in
//! input; what a kill -9 during an upload leaves behind; and metrics kept
//! off the public address.
//!
//! Shared here: raw HTTP/1.1 exchanges and hand-made multipart bodies,
//! for what a well-behaved client would never send.

mod budget;
mod connections;
mod input;
mod kill9;
mod multipart;
mod throttle;
mod tokens_and_metrics;
mod websocket;
mod writers;

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt};

fn host_of(address: &str) -> &str {
    address.trim_start_matches("http://")
}

struct RawResponse {
    status: u16,
    body: String,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = find(raw, b"\r\n") {
        let size_line = String::from_utf8_lossy(&raw[..line_end]).into_owned();
        let size_text = size_line.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            break;
        };
        raw = &raw[line_end + 2..];
        if size == 0 || raw.len() < size {
            break;
        }
        out.extend_from_slice(&raw[..size]);
        raw = raw.get(size + 2..).unwrap_or_default();
    }
    out
}

/// Reads one HTTP/1.1 response; None if the connection ends before its head.
async fn read_response<R: AsyncRead + Unpin>(reader: &mut R) -> Option<RawResponse> {
    let mut buffer = Vec::new();
    let mut chunk = vec![0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at + 4;
        }
        let n = reader.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let status: u16 = head.split_whitespace().nth(1)?.parse().ok()?;
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head
        .lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
    let mut body = buffer[head_end..].to_vec();
    loop {
        let complete = match length {
            Some(length) => body.len() >= length,
            None => chunked && body.ends_with(b"0\r\n\r\n"),
        };
        if complete {
            break;
        }
        match reader.read(&mut chunk).await {
            Ok(n) if n > 0 => body.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    if let Some(length) = length {
        body.truncate(length);
    } else if chunked {
        body = dechunk(&body);
    }
    Some(RawResponse {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn form_part(boundary: &str, headers: &str, content: &[u8]) -> Vec<u8> {
    let mut part = format!("--{boundary}\r\n{headers}\r\n\r\n").into_bytes();
    part.extend_from_slice(content);
    part.extend_from_slice(b"\r\n");
    part
}

/// The `operations` part and a `map` that declares one file, `0`.
fn upload_preamble(boundary: &str, operations: &Value) -> Vec<u8> {
    let mut body = form_part(
        boundary,
        "Content-Disposition: form-data; name=\"operations\"",
        operations.to_string().as_bytes(),
    );
    body.extend(form_part(
        boundary,
        "Content-Disposition: form-data; name=\"map\"",
        json!({ "0": ["variables.file"] }).to_string().as_bytes(),
    ));
    body
}

fn parse_uuid(id: &str) -> uuid::Uuid {
    uuid::Uuid::parse_str(id).expect("a UUID")
}
