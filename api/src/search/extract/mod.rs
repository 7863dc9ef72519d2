//! A document file's text, for search, extracted off the request path and
//! bounded per file. Plain text and Markdown are decoded here. PDF, HTML
//! and office files are parsed in a child process (this program, as the
//! hidden `sammen search extract`): the file goes in on stdin, the text
//! comes out on stdout after a handshake line. The child has no
//! environment, database or storage; its address space, CPU time, open
//! files and written files are limited (`setrlimit`), and the parent kills
//! it at `--search-extract-timeout-secs`. A parser that loops, allocates
//! without end or overflows its stack ends only the child.

use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::config::SearchArgs;

mod formats;

/// The first line the child prints, so a misconfigured extractor (another
/// program, a test binary) is told apart from a file without text.
pub const HANDSHAKE: &str = "sammen-extract 1\n";

/// How a file's text is got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Decoded as UTF-8 in the server (plain text, Markdown, CSV).
    Plain,
    Html,
    Pdf,
    /// DOCX or ODT.
    Office,
}

impl Format {
    /// The format of a stored (sniffed) media type; `None`: not searchable.
    pub fn of(media_type: &str) -> Option<Self> {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/plain" | "text/markdown" | "text/csv" => Some(Self::Plain),
            "text/html" | "application/xhtml+xml" => Some(Self::Html),
            "application/pdf" => Some(Self::Pdf),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.oasis.opendocument.text"
            | "application/zip" => Some(Self::Office),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Plain => "plain",
            Self::Html => "html",
            Self::Pdf => "pdf",
            Self::Office => "office",
        }
    }
}

/// What became of a file.
#[derive(Debug, PartialEq, Eq)]
pub enum Extracted {
    Text(String),
    /// Not extracted, and never will be: `timeout`, `memory`, `crashed`,
    /// `unreadable` or `extractor`.
    Failed(&'static str),
}

/// The parent side: runs the child for one file at a time.
#[derive(Clone, Debug)]
pub struct Extractor {
    program: PathBuf,
    timeout: Duration,
    memory_mib: u64,
    max_chars: usize,
}

impl Extractor {
    pub fn new(args: &SearchArgs) -> std::io::Result<Self> {
        Ok(Self {
            program: match &args.search_extractor {
                Some(path) => path.clone(),
                None => std::env::current_exe()?,
            },
            timeout: Duration::from_secs(args.search_extract_timeout_secs.max(1)),
            memory_mib: args.search_extract_memory_mib.max(16),
            max_chars: args.search_extract_max_chars,
        })
    }

    /// The text of `bytes`, at most `--search-extract-max-chars` of it.
    pub async fn extract(&self, format: Format, bytes: Vec<u8>) -> Extracted {
        if format == Format::Plain {
            return Extracted::Text(capped(&String::from_utf8_lossy(&bytes), self.max_chars));
        }
        match tokio::time::timeout(self.timeout, self.child(format, bytes)).await {
            Ok(outcome) => outcome,
            // The child is killed as its handle drops (`kill_on_drop`).
            Err(_) => Extracted::Failed("timeout"),
        }
    }

    async fn child(&self, format: Format, bytes: Vec<u8>) -> Extracted {
        let cpu_secs = self.timeout.as_secs() + 1;
        let spawned = tokio::process::Command::new(&self.program)
            .args(["search", "extract", "--format", format.name()])
            .arg("--max-chars")
            .arg(self.max_chars.to_string())
            .arg("--memory-mib")
            .arg(self.memory_mib.to_string())
            .arg("--cpu-secs")
            .arg(cpu_secs.to_string())
            .env_clear()
            .env("RUST_LOG", "off")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => {
                tracing::error!(%error, program = %self.program.display(), "the text extractor does not start");
                return Extracted::Failed("extractor");
            }
        };
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Extracted::Failed("extractor");
        };
        // Written in its own task, so a child that stops reading cannot
        // block the reading of what it wrote.
        tokio::spawn(async move {
            let _ = stdin.write_all(&bytes).await;
        });
        let limit = (HANDSHAKE.len() + self.max_chars * 4) as u64;
        let mut out = Vec::new();
        let read = stdout.take(limit).read_to_end(&mut out).await;
        let status = child.wait().await;
        let Ok(status) = status else {
            return Extracted::Failed("extractor");
        };
        if !status.success() {
            return Extracted::Failed(failure(&status));
        }
        if read.is_err() {
            return Extracted::Failed("crashed");
        }
        match String::from_utf8_lossy(&out).strip_prefix(HANDSHAKE) {
            Some(text) => Extracted::Text(capped(text, self.max_chars)),
            None => {
                tracing::error!(program = %self.program.display(), "the text extractor is not `sammen search extract`");
                Extracted::Failed("extractor")
            }
        }
    }
}

/// Why a child that did not succeed ended.
fn failure(status: &std::process::ExitStatus) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            // Out of CPU time (SIGXCPU), or killed for it (SIGKILL).
            Some(24 | 9) => return "timeout",
            // An allocation the address-space limit refused aborts.
            Some(6) => return "memory",
            Some(_) => return "crashed",
            None => {}
        }
    }
    match status.code() {
        Some(code) if code == i32::from(EXIT_UNREADABLE) => "unreadable",
        Some(code) if code == i32::from(EXIT_MEMORY) => "memory",
        _ => "crashed",
    }
}

/// The child's exit code for a file that is not what its format says.
const EXIT_UNREADABLE: u8 = 2;
/// The child's exit code when the file did not fit in its memory.
const EXIT_MEMORY: u8 = 3;

/// Bytes of address space this process maps now (Linux; 0 elsewhere).
fn mapped_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmSize:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .map_or(0, |kib| kib.saturating_mul(1024))
}

/// At most `max` characters of `text`.
fn capped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

/// The child side (`sammen search extract`), run before any runtime or
/// thread starts: limit this process, read the file from stdin, print the
/// handshake and the text.
pub fn child_main(format: &str, max_chars: usize, memory_mib: u64, cpu_secs: u64) -> ExitCode {
    use std::io::{Read, Write};
    #[cfg(unix)]
    {
        use rlimit::Resource;
        // The address space the program already maps (its own code, which
        // is large in a debug build) plus what the parser may allocate.
        let limit = mapped_bytes().saturating_add(memory_mib.saturating_mul(1024 * 1024));
        let limits = [
            (Resource::AS, limit),
            (Resource::CPU, cpu_secs),
            // No bigger than the text it may print (stdout may be a file).
            (Resource::FSIZE, (HANDSHAKE.len() + max_chars * 4) as u64),
            (Resource::CORE, 0),
            (Resource::NOFILE, 16),
        ];
        for (resource, limit) in limits {
            if rlimit::setrlimit(resource, limit, limit).is_err() {
                return ExitCode::FAILURE;
            }
        }
    }
    let mut bytes = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
        return ExitCode::from(if error.kind() == std::io::ErrorKind::OutOfMemory {
            EXIT_MEMORY
        } else {
            EXIT_UNREADABLE
        });
    }
    let text = match format {
        "pdf" => formats::pdf(&bytes),
        "html" => formats::html(&bytes),
        "office" => formats::office(&bytes),
        _ => Ok(String::from_utf8_lossy(&bytes).into_owned()),
    };
    drop(bytes);
    let text = match text {
        Ok(text) => text,
        Err(formats::Unreadable(why)) => {
            eprintln!("unreadable: {why}");
            return ExitCode::from(EXIT_UNREADABLE);
        }
    };
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(HANDSHAKE.as_bytes())
        .and_then(|()| stdout.write_all(capped(&text, max_chars).as_bytes()))
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_media_types_choose_a_format() {
        assert_eq!(Format::of("text/plain; charset=utf-8"), Some(Format::Plain));
        assert_eq!(Format::of("application/pdf"), Some(Format::Pdf));
        assert_eq!(Format::of("text/html"), Some(Format::Html));
        assert_eq!(
            Format::of("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Some(Format::Office)
        );
        assert_eq!(Format::of("image/png"), None);
    }

    #[test]
    fn text_is_capped_in_characters() {
        assert_eq!(capped("æøå abc", 3), "æøå");
        assert_eq!(capped("ab", 3), "ab");
    }
}
