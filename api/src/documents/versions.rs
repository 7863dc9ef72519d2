//! Adding a version to a document: checking the file name, streaming the
//! bytes to storage (limit, SHA-256), sniffing the media type, and writing
//! the row only once the file is durable. A failure at any step leaves
//! neither a row nor a file behind.

use bytes::Bytes;
use chrono::Utc;
use futures_util::Stream;
use sammen_entities::{document, document_version};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

use crate::context::Ctx;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::events::{Change, NewEvent};
use crate::net::FetchError;
use crate::storage::WriteError;

/// What the client said about a new version.
pub struct NewVersion {
    pub filename: String,
    pub declared_type: Option<String>,
    pub source_url: Option<String>,
    pub change_note: Option<String>,
}

/// Reads an uploaded temporary file as a stream of chunks.
pub fn file_stream(file: std::fs::File) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
    let file = tokio::fs::File::from_std(file);
    Box::pin(futures_util::stream::try_unfold(file, |mut file| async move {
        let mut buf = vec![0u8; 64 * 1024];
        let n = file.read(&mut buf).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.truncate(n);
        Ok(Some((Bytes::from(buf), file)))
    }))
}

/// Stores `source` as the next version of `document`.
pub async fn add_version<S>(
    ctx: &Ctx<'_>,
    document: &document::Model,
    new: NewVersion,
    source: S,
) -> ApiResult<document_version::Model>
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Unpin,
{
    let person = ctx.caller.writer()?;
    let filename = parse_filename(&new.filename)?;
    let limit = ctx.settings.max_upload_bytes;
    let version_id = Uuid::now_v7();
    let key = format!("documents/{}/{}", document.id, version_id);
    let stored = ctx
        .storage
        .write(&key, source, limit)
        .await
        .map_err(|e| match e {
            WriteError::TooLarge { limit } => too_large(limit),
            WriteError::Empty => ApiError::invalid("file", "document-file-empty"),
            WriteError::Source(error) if new.source_url.is_some() => {
                ApiError::invalid("url", "document-import-unreachable").arg("detail", error.to_string())
            }
            WriteError::Source(_) => ApiError::invalid("file", "document-file-unreadable"),
            WriteError::Store(error) => ApiError::internal(error),
        })?;
    // From here on the file exists; if this request is dropped (timeout,
    // client gone) before the row is committed, the guard removes it.
    let mut cleanup = Cleanup {
        storage: ctx.storage.clone(),
        key: Some(key.clone()),
    };
    let media_type = sniff(&stored.head);
    if let Some(declared) = &new.declared_type
        && !declared_matches(declared, &media_type)
    {
        cleanup.key = None;
        ctx.storage.delete(&key).await;
        let field = if new.source_url.is_some() { "url" } else { "file" };
        return Err(ApiError::invalid(field, "document-media-type-mismatch")
            .arg("declared", essence(declared))
            .arg("actual", media_type));
    }
    let written = insert_version(
        ctx, document, person.id, version_id, &stored, filename, media_type, new,
    )
    .await;
    // Delete at once on failure (the guard is for requests that are dropped).
    cleanup.key = None;
    if written.is_err() {
        ctx.storage.delete(&key).await;
    }
    written
}

/// Deletes a stored file unless disarmed (by taking its key).
struct Cleanup {
    storage: crate::storage::Storage,
    key: Option<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            let storage = self.storage.clone();
            tokio::spawn(async move { storage.delete(&key).await });
        }
    }
}

#[expect(clippy::too_many_arguments, reason = "one private step of add_version")]
async fn insert_version(
    ctx: &Ctx<'_>,
    document: &document::Model,
    uploader: Uuid,
    version_id: Uuid,
    stored: &crate::storage::Stored,
    filename: String,
    media_type: String,
    new: NewVersion,
) -> ApiResult<document_version::Model> {
    // Two uploads at once may pick the same number; the unique index
    // refuses the second, which then takes the next number.
    for _ in 0..5 {
        let mut change = Change::begin(ctx.db).await?;
        let last = document_version::Entity::find()
            .filter(document_version::Column::DocumentId.eq(document.id))
            .order_by_desc(document_version::Column::Number)
            .one(change.db())
            .await?;
        let inserted = document_version::ActiveModel {
            id: Set(version_id),
            document_id: Set(document.id),
            number: Set(last.map_or(1, |v| v.number + 1)),
            filename: Set(filename.clone()),
            media_type: Set(media_type.clone()),
            size: Set(stored.size as i64),
            sha256: Set(stored.sha256.clone()),
            storage_key: Set(stored.key.clone()),
            source_url: Set(new.source_url.clone()),
            change_note: Set(new.change_note.clone()),
            uploaded_by: Set(Some(uploader)),
            created_at: Set(Utc::now()),
        }
        .insert(change.db())
        .await;
        match inserted {
            Ok(row) => {
                document::Entity::update_many()
                    .col_expr(document::Column::UpdatedAt, Expr::value(Utc::now()))
                    .filter(document::Column::Id.eq(document.id))
                    .exec(change.db())
                    .await?;
                let event = NewEvent {
                    kind: "document.version_added",
                    subject_type: "Document",
                    subject_id: document.id,
                    project_id: None,
                    actor_id: Some(uploader),
                    payload: serde_json::json!({
                        "versionId": row.id,
                        "number": row.number,
                        "mediaType": row.media_type,
                        "size": row.size,
                        "sha256": row.sha256,
                        "imported": row.source_url.is_some(),
                    }),
                };
                change.record(event).await?;
                change.commit(ctx.events).await?;
                return Ok(row);
            }
            Err(error) if crate::db::violates(&error, crate::db::DOCUMENT_VERSION_NUMBER) => {
                change.rollback().await?;
            }
            Err(error) => return Err(error.into()),
        }
    }
    Err(ApiError::new(ErrorCode::Conflict, "document-version-busy"))
}

/// A file name as sent: no path, no traversal, no control characters.
pub fn parse_filename(raw: &str) -> ApiResult<String> {
    let name = raw.trim();
    let bad = || ApiError::invalid("file", "document-filename-invalid");
    if name.is_empty() || name == "." || name == ".." || name.starts_with('.') {
        return Err(bad());
    }
    if name.contains(['/', '\\']) || name.chars().any(|c| c.is_control()) || name.contains("..") {
        return Err(bad());
    }
    if name.chars().count() > 200 {
        return Err(ApiError::invalid("file", "input-too-long").arg("max", 200u64));
    }
    // "invoice\u{202E}fdp.exe" reads as "invoiceexe.pdf": refused as in titles.
    crate::domain::balanced_bidi("file", name)?;
    Ok(name.to_owned())
}

/// The last path segment of a URL as a file name, or `download`.
pub fn filename_from_url(url: &url::Url) -> String {
    url.path_segments()
        .and_then(|mut s| s.next_back())
        .map(percent_decode)
        .filter(|s| parse_filename(s).is_ok())
        .unwrap_or_else(|| "download".to_owned())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The media type of a file from its first bytes.
pub fn sniff(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut off at the end of the sniffed head is fine.
        Err(e) => e.error_len().is_none(),
    };
    if text && !head.contains(&0) {
        "text/plain".to_owned()
    } else {
        "application/octet-stream".to_owned()
    }
}

fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether what the client declared agrees with what the bytes are.
fn declared_matches(declared: &str, sniffed: &str) -> bool {
    let declared = essence(declared);
    if declared.is_empty() || declared == "application/octet-stream" || declared == sniffed {
        return true;
    }
    match sniffed {
        // Text formats have no magic number; any textual declaration fits.
        "text/plain" => {
            declared.starts_with("text/")
                || matches!(
                    declared.as_str(),
                    "application/json" | "application/xml" | "application/csv" | "application/x-yaml"
                )
        }
        // Office Open XML and OpenDocument files are zip archives.
        "application/zip" => {
            declared.starts_with("application/vnd.openxmlformats-officedocument.")
                || declared.starts_with("application/vnd.oasis.opendocument.")
                || declared == "application/epub+zip"
        }
        _ => false,
    }
}

pub fn too_large(limit: u64) -> ApiError {
    ApiError::new(ErrorCode::PayloadTooLarge, "document-file-too-large")
        .arg("max", limit)
        .with_field("file")
}

/// A failed import as a field error on `url`.
pub fn fetch_error(error: FetchError) -> ApiError {
    let id = match &error {
        FetchError::InvalidUrl => "input-url-invalid",
        FetchError::NotHttps => "document-import-not-https",
        FetchError::Forbidden => "document-import-forbidden",
        FetchError::TooManyRedirects => "document-import-redirects",
        FetchError::Status(_) | FetchError::Unreachable(_) | FetchError::Timeout => {
            "document-import-unreachable"
        }
    };
    ApiError::invalid("url", id).arg("detail", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_hidden_names_are_refused() {
        for bad in [
            "../../etc/passwd",
            "..",
            "/etc/passwd",
            "a\\b.pdf",
            ".env",
            "a\u{0}.pdf",
            "",
            "x/../y",
            "report\u{202E}fdp.exe",
        ] {
            assert!(parse_filename(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_filename(" Årsrapport 2022.pdf ").ok().as_deref(),
            Some("Årsrapport 2022.pdf")
        );
    }

    #[test]
    fn sniffing_reads_the_bytes_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), "application/pdf");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff("Likepersoner – rapport".as_bytes()), "text/plain");
        assert_eq!(sniff(&[0xff, 0x00, 0x13, 0x37]), "application/octet-stream");
    }

    #[test]
    fn a_declared_type_must_agree_with_the_bytes() {
        assert!(declared_matches("application/pdf", "application/pdf"));
        assert!(declared_matches("text/markdown; charset=utf-8", "text/plain"));
        assert!(declared_matches("application/octet-stream", "image/png"));
        assert!(!declared_matches("application/pdf", "image/png"));
        assert!(!declared_matches("image/png", "text/plain"));
    }

    #[test]
    fn file_names_come_from_the_last_url_segment() {
        let url = url::Url::parse("https://example.org/files/Etiske%20retningslinjer.pdf?x=1").expect("url");
        assert_eq!(filename_from_url(&url), "Etiske retningslinjer.pdf");
        let url = url::Url::parse("https://example.org/").expect("url");
        assert_eq!(filename_from_url(&url), "download");
    }
}
