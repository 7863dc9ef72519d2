//! An S3-compatible server for the tests: moto in server mode, bound to
//! loopback on a free port, with one fresh bucket. `.ci/run` installs moto
//! into `.ci/.venv` and sets `SAMMEN_TEST_REQUIRE_S3`, so there a missing
//! moto fails the test instead of skipping it.

use std::time::Duration;

/// A running moto server and its bucket; stopped when dropped.
pub struct S3 {
    pub endpoint: String,
    pub bucket: String,
    client: reqwest::Client,
    _child: tokio::process::Child,
}

impl S3 {
    /// Starts moto, or returns `None` (saying so) where it is not installed
    /// and CI did not ask for it.
    pub async fn start() -> Option<S3> {
        sammen_api::net::install_crypto();
        let program = std::env::var("SAMMEN_TEST_MOTO").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../.ci/.venv/bin/moto_server").to_owned()
        });
        if !std::path::Path::new(&program).exists() {
            assert!(
                std::env::var_os("SAMMEN_TEST_REQUIRE_S3").is_none(),
                "moto is not installed at {program}"
            );
            eprintln!(
                "moto is not installed at {program}: skipping the S3 part of this test (.ci/run installs it)"
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = tokio::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("moto starts");
        let endpoint = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        let mut up = false;
        for _ in 0..300 {
            if client.get(format!("{endpoint}/")).send().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(up, "moto listens on {endpoint} within 30 s");
        let bucket = "sammen-files".to_owned();
        let created = client
            .put(format!("{endpoint}/{bucket}"))
            .send()
            .await
            .expect("create bucket");
        assert!(created.status().is_success(), "bucket: {}", created.status());
        Some(S3 {
            endpoint,
            bucket,
            client,
            _child: child,
        })
    }

    /// `--storage-url` for files under `files/` in the bucket.
    pub fn storage_url(&self) -> String {
        format!("s3://{}/files", self.bucket)
    }

    /// `--storage-option`s reaching moto.
    pub fn options(&self) -> Vec<String> {
        vec![
            format!("aws_endpoint={}", self.endpoint),
            "aws_allow_http=true".to_owned(),
            "aws_access_key_id=test".to_owned(),
            "aws_secret_access_key=test".to_owned(),
            "aws_region=us-east-1".to_owned(),
        ]
    }

    /// The keys of the objects in the bucket.
    pub async fn keys(&self) -> Vec<String> {
        self.objects().await.into_iter().map(|(key, _)| key).collect()
    }

    /// The objects in the bucket: key and size.
    pub async fn objects(&self) -> Vec<(String, u64)> {
        let listing = self.get("?list-type=2").await;
        between_all(&listing, "<Contents>", "</Contents>")
            .iter()
            .map(|object| {
                let key = between_all(object, "<Key>", "</Key>").concat();
                let size = between_all(object, "<Size>", "</Size>").concat();
                (key, size.parse().expect("a size"))
            })
            .collect()
    }

    /// The keys of multipart uploads begun and neither completed nor aborted.
    pub async fn incomplete_uploads(&self) -> Vec<String> {
        let listing = self.get("?uploads").await;
        between_all(&listing, "<Key>", "</Key>")
    }

    /// The store as the service opens it, for writing and deleting behind
    /// its back.
    pub fn storage(&self) -> sammen_api::storage::Storage {
        sammen_api::storage::Storage::from_url(&self.storage_url(), &self.options()).expect("the S3 store")
    }

    /// Removes an object (a key as `keys` lists it) behind the service's back.
    pub async fn delete(&self, key: &str) {
        let key = key.strip_prefix("files/").expect("a key under files/");
        self.storage().delete(key).await;
        assert!(
            !self.keys().await.iter().any(|k| k.ends_with(key)),
            "{key} deleted"
        );
    }

    async fn get(&self, query: &str) -> String {
        self.client
            .get(format!("{}/{}{query}", self.endpoint, self.bucket))
            .send()
            .await
            .expect("moto answers")
            .text()
            .await
            .expect("a listing")
    }
}

/// Every text between `start` and `end`.
fn between_all(text: &str, start: &str, end: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(from) = rest.find(start) {
        rest = &rest[from + start.len()..];
        let Some(to) = rest.find(end) else { break };
        found.push(rest[..to].to_owned());
        rest = &rest[to..];
    }
    found
}
