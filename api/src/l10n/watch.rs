//! Swapping locale bundles while the server runs (`--watch-locales`).

use super::{LocaleSources, Localizer, check};

/// The localizer in use, replaceable while the server runs (`--watch-locales`).
/// Each request takes the current one once and keeps it to the end.
pub struct Locales {
    current: std::sync::RwLock<std::sync::Arc<Localizer>>,
}

impl Locales {
    pub fn new(localizer: Localizer) -> Self {
        Self {
            current: std::sync::RwLock::new(std::sync::Arc::new(localizer)),
        }
    }

    pub fn current(&self) -> std::sync::Arc<Localizer> {
        match self.current.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn replace(&self, localizer: Localizer) {
        let mut guard = match self.current.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = std::sync::Arc::new(localizer);
    }
}

/// Watches a locales folder and swaps in new bundles when its files change.
/// A tree with errors never replaces working bundles: the errors are logged
/// (and `sammen locales check` shows them in full).
pub fn watch(locales: std::sync::Arc<Locales>, dir: std::path::PathBuf, every: std::time::Duration) {
    tokio::spawn(async move {
        let mut seen = fingerprint(&dir);
        let mut ticker = tokio::time::interval(every);
        loop {
            ticker.tick().await;
            let now = fingerprint(&dir);
            if now == seen {
                continue;
            }
            seen = now;
            let sources = match LocaleSources::from_dir(&dir) {
                Ok(sources) => sources,
                Err(error) => {
                    tracing::error!(%error, dir = %dir.display(), "cannot read the locales; keeping the bundles in use");
                    continue;
                }
            };
            let report = check::check(&sources);
            if report.errors > 0 {
                tracing::error!(
                    errors = report.errors,
                    report = %report.to_text(),
                    "locale files have errors; keeping the bundles in use"
                );
                continue;
            }
            locales.replace(Localizer::from_sources(&sources));
            tracing::info!(dir = %dir.display(), "locale files reloaded");
        }
    });
}

/// Names, sizes and modification times of every `.ftl` file under `dir`.
fn fingerprint(dir: &std::path::Path) -> Vec<(String, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    let Ok(locales) = std::fs::read_dir(dir) else {
        return out;
    };
    for locale in locales.filter_map(Result::ok) {
        let Ok(files) = std::fs::read_dir(locale.path()) else {
            continue;
        };
        for file in files.filter_map(Result::ok) {
            if let Ok(meta) = file.metadata() {
                out.push((
                    file.path().display().to_string(),
                    meta.len(),
                    meta.modified().ok(),
                ));
            }
        }
    }
    out.sort();
    out
}
