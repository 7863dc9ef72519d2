//! `Process`: the real `sammen` program as a child process.

/// The real `sammen` program as a child process, for what only a process
/// can show: `kill -9`, SIGTERM, start-up after a crash.
pub struct Process {
    pub address: String,
    child: tokio::process::Child,
}

impl Process {
    /// `sammen serve` on a free port with its database and files under
    /// `dir` (on PostgreSQL: a schema named after `dir`, the same on every
    /// restart), plus `extra_args`; returns once it listens.
    pub async fn serve(dir: &std::path::Path, extra_args: &[&str]) -> Process {
        Self::serve_as(Self::command(dir), extra_args).await
    }

    /// `sammen serve` as another node of `app`: the same database (SQLite
    /// file or PostgreSQL schema) and file storage, no demo data of its own.
    pub async fn node_of(app: &super::TestApp, extra_args: &[&str]) -> Process {
        let global = &app.config.global;
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_sammen-under-test"));
        command
            .arg("--storage-dir")
            .arg(&global.storage_dir)
            .env("SAMMEN_DATABASE_URL", &global.database_url)
            .env("SAMMEN_LOG_FORMAT", "text")
            .env("RUST_LOG", "warn");
        if let Some(schema) = &global.database_schema {
            command.env("SAMMEN_DATABASE_SCHEMA", schema);
        }
        if let Some(url) = &global.storage_url {
            command.arg("--storage-url").arg(url);
        }
        for option in &global.storage_options {
            command.arg("--storage-option").arg(option);
        }
        Self::serve_as(command, extra_args).await
    }

    async fn serve_as(mut command: tokio::process::Command, extra_args: &[&str]) -> Process {
        use tokio::io::AsyncBufReadExt;
        // For the test's own HTTP clients.
        sammen_api::net::install_crypto();
        command
            .arg("serve")
            .args(["--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
            .args(extra_args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the sammen program starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let address = tokio::time::timeout(std::time::Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.expect("stdout line") {
                if let Some(url) = line.strip_prefix("Sammen is running: ") {
                    return url.trim().trim_end_matches("/graphql").to_owned();
                }
            }
            panic!("sammen exited before it listened");
        })
        .await
        .expect("sammen listens within a minute");
        // Keep reading stdout so the program never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Process { address, child }
    }

    /// Runs a one-off command (`sammen token create …`) on the same
    /// database and files as `serve` with the same `dir`.
    pub async fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
        Self::command(dir)
            .args(args)
            .output()
            .await
            .expect("the sammen program runs")
    }

    /// The program with its database and files under `dir`.
    fn command(dir: &std::path::Path) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_sammen-under-test"));
        command
            .arg("--storage-dir")
            .arg(dir.join("files"))
            .env("SAMMEN_LOG_FORMAT", "text")
            .env("RUST_LOG", "warn");
        match std::env::var("SAMMEN_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => {
                let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("process");
                let schema: String = format!("p_{name}")
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() {
                            c.to_ascii_lowercase()
                        } else {
                            '_'
                        }
                    })
                    .collect();
                command
                    .env("SAMMEN_DATABASE_URL", url)
                    .env("SAMMEN_DATABASE_SCHEMA", schema);
            }
            _ => {
                command.env(
                    "SAMMEN_DATABASE_URL",
                    format!("sqlite://{}/sammen.db?mode=rwc", dir.display()),
                );
            }
        }
        command
    }

    /// The process id, for reading its memory in `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("still running")
    }

    /// SIGKILL, as a crash or the OOM killer would; waits for the exit.
    pub async fn kill9(&mut self) {
        self.child.start_kill().expect("kill -9");
        self.child.wait().await.expect("the program exits");
    }

    /// SIGTERM, as an orchestrator stopping the node; does not wait.
    pub fn sigterm(&self) {
        let pid = self.child.id().expect("still running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM failed");
    }

    pub async fn wait(&mut self) -> std::process::ExitStatus {
        self.child.wait().await.expect("the program exits")
    }
}

/// A GraphQL request to a server at `address` (a `Process`).
pub async fn gql_at(
    client: &reqwest::Client,
    address: &str,
    token: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> super::Reply {
    let mut request = client
        .post(format!("{address}/graphql"))
        .json(&serde_json::json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    super::TestApp::reply(request.send().await.expect("request sent")).await
}
