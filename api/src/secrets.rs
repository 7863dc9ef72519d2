//! Secrets the service must be able to read back (webhook signing secrets:
//! an HMAC needs the secret itself, so it cannot be stored as a hash) are
//! sealed with AES-256-GCM under the server's key before they are stored.
//!
//! The key comes from `--secret-key` (`SAMMEN_SECRET_KEY`, 32 bytes in
//! base64), or from `--secret-key-file`, which is created with a new random
//! key (mode 0600) the first time. Every node of one network needs the
//! same key; a database copied without it holds no usable secret.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

/// The prefix of a sealed value: the format, so it can change later.
const SEALED: &str = "v1:";

/// Seals and opens stored secrets with the server's key.
#[derive(Clone)]
pub struct SecretBox {
    key: std::sync::Arc<LessSafeKey>,
    rng: SystemRandom,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

impl SecretBox {
    /// A box for a 32-byte key.
    pub fn new(key: &[u8]) -> anyhow::Result<Self> {
        let key = UnboundKey::new(&AES_256_GCM, key)
            .map_err(|_| anyhow::anyhow!("the secret key must be 32 bytes"))?;
        Ok(Self {
            key: std::sync::Arc::new(LessSafeKey::new(key)),
            rng: SystemRandom::new(),
        })
    }

    /// The configured key: `key` (base64) if given, else the key file,
    /// created with a new random key if it does not exist.
    pub fn configured(key: Option<&str>, file: &Path) -> anyhow::Result<Self> {
        if let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) {
            let bytes = STANDARD.decode(key).context("SAMMEN_SECRET_KEY is not base64")?;
            return Self::new(&bytes);
        }
        match std::fs::read_to_string(file) {
            Ok(text) => {
                let bytes = STANDARD
                    .decode(text.trim())
                    .with_context(|| format!("{} does not hold a base64 key", file.display()))?;
                Self::new(&bytes)
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let mut bytes = [0u8; 32];
                SystemRandom::new()
                    .fill(&mut bytes)
                    .map_err(|_| anyhow::anyhow!("no random numbers"))?;
                write_new_key(file, &STANDARD.encode(bytes))?;
                tracing::info!(file = %file.display(), "created a new secret key");
                Self::new(&bytes)
            }
            Err(error) => Err(error).with_context(|| format!("reading {}", file.display())),
        }
    }

    /// A random key, for tests.
    #[cfg(test)]
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        let _ = SystemRandom::new().fill(&mut bytes);
        #[allow(clippy::expect_used)]
        Self::new(&bytes).expect("32 bytes is a valid key")
    }

    /// Seals `plain`: `v1:` and base64 of nonce, ciphertext and tag.
    pub fn seal(&self, plain: &[u8]) -> anyhow::Result<String> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .map_err(|_| anyhow::anyhow!("no random numbers"))?;
        let mut data = plain.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut data)
            .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!("{SEALED}{}", STANDARD.encode(out)))
    }

    /// Opens a value [`seal`](Self::seal) made; an error if it was sealed
    /// under another key or changed.
    pub fn open(&self, sealed: &str) -> anyhow::Result<Vec<u8>> {
        let raw = sealed.strip_prefix(SEALED).context("not a sealed value")?;
        let bytes = STANDARD.decode(raw).context("not a sealed value")?;
        if bytes.len() < NONCE_LEN {
            anyhow::bail!("not a sealed value");
        }
        let (nonce, data) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| anyhow::anyhow!("bad nonce"))?;
        let mut data = data.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::empty(), &mut data)
            .map_err(|_| anyhow::anyhow!("the secret was sealed under another key"))?;
        Ok(plain.to_vec())
    }
}

/// The key file `serve` uses without `--secret-key-file`: beside the file
/// storage folder (`data/secret.key` by default).
pub fn default_key_file(storage_dir: &Path) -> PathBuf {
    storage_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("secret.key")
}

fn write_new_key(file: &Path, key: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    match options.open(file) {
        Ok(mut out) => {
            out.write_all(key.as_bytes())?;
            out.write_all(b"\n")?;
            out.sync_all()?;
            Ok(())
        }
        // Another node (or process) made it first: use theirs.
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error).with_context(|| format!("creating {}", file.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_under_their_key() {
        let one = SecretBox::random();
        let sealed = one.seal(b"whsec_example").expect("seals");
        assert!(!sealed.contains("whsec"), "{sealed}");
        assert_eq!(one.open(&sealed).expect("opens"), b"whsec_example");
        assert_ne!(
            one.seal(b"whsec_example").expect("seals"),
            sealed,
            "a fresh nonce each time"
        );
        assert!(SecretBox::random().open(&sealed).is_err());
        let mut changed = sealed.clone().into_bytes();
        let last = changed.len() - 3;
        changed[last] = if changed[last] == b'A' { b'B' } else { b'A' };
        assert!(one.open(&String::from_utf8(changed).expect("ascii")).is_err());
    }

    #[test]
    fn a_key_file_is_made_once_and_kept() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("keys/secret.key");
        let first = SecretBox::configured(None, &file).expect("creates");
        let sealed = first.seal(b"x").expect("seals");
        let again = SecretBox::configured(None, &file).expect("reads");
        assert_eq!(again.open(&sealed).expect("same key"), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&file).expect("exists").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            SecretBox::configured(Some("c2hvcnQ="), &file).is_err(),
            "too short"
        );
    }
}
