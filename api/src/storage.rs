//! File storage behind `object_store`: a local folder by default; any store
//! the crate supports by configuration. Files are written by streaming,
//! with the size limit enforced and SHA-256 computed on the way, and a
//! write either completes (durable) or leaves nothing behind.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("reading the source failed: {0}")]
    Source(std::io::Error),
    #[error("storage failed: {0}")]
    Store(#[from] object_store::Error),
}

/// What a finished write produced.
#[derive(Debug, Clone)]
pub struct Stored {
    pub key: String,
    pub size: u64,
    pub sha256: String,
    /// The first bytes, for sniffing the media type.
    pub head: Vec<u8>,
}

/// Bytes of the head kept for sniffing.
const HEAD: usize = 8192;

#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// The folder, for a local store: its unfinished files are swept by
    /// the file system, since the store does not list its staging files.
    root: Option<std::path::PathBuf>,
}

/// Where files are written until they are complete.
const UNFINISHED: &str = "tmp";

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.store)
    }
}

impl Storage {
    /// Files under a local folder, created if missing.
    pub fn local(root: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(root)?;
        let store = LocalFileSystem::new_with_prefix(root)?.with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(store),
            root: Some(root.to_path_buf()),
        })
    }

    /// The store the configuration names: `storage_url` if given, else the folder.
    pub fn configured(global: &crate::config::GlobalArgs) -> anyhow::Result<Self> {
        match &global.storage_url {
            Some(url) => Self::from_url(url, &global.storage_options),
            None => Self::local(&global.storage_dir),
        }
    }

    /// A store named by URL (`s3://bucket/prefix`, `memory://`), configured
    /// from `AWS_*` environment variables where it needs credentials, and
    /// then from `options` (`key=value`, e.g. `aws_endpoint=…`).
    pub fn from_url(raw: &str, options: &[String]) -> anyhow::Result<Self> {
        crate::net::install_crypto();
        let url = url::Url::parse(raw)?;
        let mut settings: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("AWS_"))
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        for option in options {
            let Some((key, value)) = option.split_once('=') else {
                anyhow::bail!("a storage option is KEY=VALUE, not `{option}`");
            };
            settings.push((key.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        let (store, prefix) = object_store::parse_url_opts(&url, settings)?;
        let store: Arc<dyn ObjectStore> = if prefix.as_ref().is_empty() {
            Arc::from(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(Self { store, root: None })
    }

    /// Removes what writes interrupted by a crash left behind: files under
    /// the unfinished folder older than `max_age` twice over. No write
    /// outlives its request, so older ones belong to no running node.
    pub async fn sweep_unfinished(&self, max_age: std::time::Duration) {
        let max_age = max_age.saturating_mul(2);
        let removed = match &self.root {
            Some(root) => sweep_folder(&root.join(UNFINISHED), max_age),
            None => self.sweep_store(max_age).await,
        };
        if removed > 0 {
            tracing::info!(removed, "removed unfinished uploads");
        }
    }

    /// Sweeps unfinished uploads every few minutes (a node restarted at
    /// once after a crash finds its leftovers too young at start-up).
    pub fn sweep_periodically(
        &self,
        max_age: std::time::Duration,
        stop: tokio_util::sync::CancellationToken,
    ) {
        let storage = self.clone();
        let every = max_age.saturating_mul(2).max(std::time::Duration::from_secs(60));
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(every) => storage.sweep_unfinished(max_age).await,
                    () = stop.cancelled() => return,
                }
            }
        });
    }

    async fn sweep_store(&self, max_age: std::time::Duration) -> usize {
        let prefix = StorePath::from(UNFINISHED);
        let cutoff = chrono::Utc::now() - chrono::Duration::from_std(max_age).unwrap_or_default();
        let mut listing = self.store.list(Some(&prefix));
        let mut removed = 0;
        while let Some(item) = listing.next().await {
            let Ok(meta) = item else { break };
            if meta.last_modified < cutoff && self.store.delete(&meta.location).await.is_ok() {
                removed += 1;
            }
        }
        removed
    }

    /// Streams `source` to `key`, refusing more than `limit` bytes or none at
    /// all. The bytes go to an unfinished name first and are moved to `key`
    /// only when complete, so a crash mid-way never leaves a partial file
    /// under a real name; on any failure the partial upload is removed.
    pub async fn write<S>(&self, key: &str, mut source: S, limit: u64) -> Result<Stored, WriteError>
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Unpin,
    {
        let unfinished = StorePath::from(format!("{UNFINISHED}/{}", uuid::Uuid::now_v7().simple()));
        let upload = self.store.put_multipart(&unfinished).await?;
        let mut writer = Unfinished(Some(WriteMultipart::new(upload)));
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut head = Vec::new();
        let result = async {
            while let Some(chunk) = source.next().await {
                let chunk = chunk.map_err(WriteError::Source)?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(WriteError::TooLarge { limit });
                }
                if head.len() < HEAD {
                    let take = (HEAD - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                hasher.update(&chunk);
                writer.get().wait_for_capacity(4).await?;
                writer.get().write(&chunk);
            }
            if size == 0 {
                return Err(WriteError::Empty);
            }
            Ok(())
        }
        .await;
        if let Err(error) = result {
            writer.abort().await;
            return Err(error);
        }
        writer.finish().await?;
        if let Err(error) = self.store.rename(&unfinished, &StorePath::from(key)).await {
            let _ = self.store.delete(&unfinished).await;
            return Err(error.into());
        }
        Ok(Stored {
            key: key.to_owned(),
            size,
            sha256: hex::encode(hasher.finalize()),
            head,
        })
    }

    /// Removes an object (after a failed database write, for instance).
    pub async fn delete(&self, key: &str) {
        if let Err(error) = self.store.delete(&StorePath::from(key)).await {
            tracing::warn!(%error, key, "deleting a stored file failed");
        }
    }

    /// The bytes of an object as a stream.
    pub async fn read(
        &self,
        key: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, object_store::Error>> + use<>, object_store::Error> {
        Ok(self.store.get(&StorePath::from(key)).await?.into_stream())
    }

    /// Whether an object exists.
    pub async fn exists(&self, key: &str) -> bool {
        self.store.head(&StorePath::from(key)).await.is_ok()
    }
}

/// A multipart upload under way. Ended by `finish` or `abort`; dropped
/// unended (the request was cancelled: its client went away, or it ran out
/// of time), it is aborted in the background, so an object store keeps no
/// incomplete upload (S3 would keep and bill its parts).
struct Unfinished(Option<WriteMultipart>);

impl Unfinished {
    fn get(&mut self) -> &mut WriteMultipart {
        self.0
            .as_mut()
            .unwrap_or_else(|| unreachable!("an upload is used only until it ends"))
    }

    async fn finish(mut self) -> Result<(), object_store::Error> {
        match self.0.take() {
            Some(writer) => writer.finish().await.map(drop),
            None => Ok(()),
        }
    }

    async fn abort(mut self) {
        if let Some(writer) = self.0.take()
            && let Err(error) = writer.abort().await
        {
            tracing::warn!(%error, "aborting a partial upload failed");
        }
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if let Some(writer) = self.0.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                if let Err(error) = writer.abort().await {
                    tracing::warn!(%error, "aborting a cancelled upload failed");
                }
            });
        }
    }
}

/// Removes files under `folder` last changed more than `max_age` ago.
fn sweep_folder(folder: &Path, max_age: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > max_age);
        if old && entry.file_type().is_ok_and(|t| t.is_file()) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}
