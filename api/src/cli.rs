//! What each command of the `sammen` binary does.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use sammen_entities::{organisation, person};
use sammen_migration::{Migrator, MigratorTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::app::App;
use crate::auth::people::NewPerson;
use crate::config::{
    Cli, Command, LocalesAction, MigrateAction, ScopeArg, SearchAction, SeedWhat, ServeArgs, ServeConfig,
    TokenAction, UserAction,
};
use crate::domain::{Email, OrgRole, TokenScope, name_text, new_password};
use crate::l10n::LocaleSources;

/// Runs a parsed command line.
/// The whole program: parse the command line, start logging, run.
pub fn main() -> ExitCode {
    use clap::Parser as _;
    let cli = crate::config::Cli::parse();
    crate::telemetry::init(&cli.global.log_format);
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Schema => {
            print!("{}", crate::graphql::export_sdl());
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            action:
                SearchAction::Extract {
                    format,
                    max_chars,
                    memory_mib,
                    cpu_secs,
                },
        } => Ok(crate::search::extract::child_main(
            &format, max_chars, memory_mib, cpu_secs,
        )),
        Command::Locales {
            action: LocalesAction::Check { json, dir, strict },
        } => {
            let passed = locales_check(dir.or(cli.global.locales_dir), json, strict)?;
            Ok(if passed {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        command => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            runtime.block_on(run_async(cli.global, command))
        }
    }
}

async fn run_async(global: crate::config::GlobalArgs, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(serve) => {
            let demo = serve.demo;
            let app = App::build(ServeConfig {
                global,
                serve: *serve,
            })
            .await?;
            let url = format!("http://127.0.0.1:{}/graphql", app.port());
            tracing::info!(%url, "Sammen is listening");
            println!("Sammen is running: {url}");
            if let Some(metrics) = app.metrics_address() {
                println!("Metrics: http://{metrics}/metrics");
            }
            if demo {
                println!("Demo sign-ins (password `{}`):", crate::seed::DEMO_PASSWORD);
                for (email, role) in crate::seed::DEMO_USERS {
                    println!("  {email:<26} {role}");
                }
            }
            app.run_until_stopped().await?;
        }
        Command::Migrate { action } => {
            let db = crate::db::connect(&global).await?;
            match action {
                MigrateAction::Up => crate::db::migrate(&db).await?,
                MigrateAction::Down => Migrator::down(&db, Some(1)).await?,
                MigrateAction::Fresh => Migrator::fresh(&db).await?,
                MigrateAction::Status => {
                    for migration in Migrator::get_migration_with_status(&db).await? {
                        println!("{:<12} {}", format!("{:?}", migration.status()), migration.name());
                    }
                }
            }
        }
        Command::Seed { what } => {
            let db = crate::db::connect(&global).await?;
            crate::db::migrate(&db).await?;
            // The domain checks content locales and file sizes as the
            // server would with the same environment.
            let parts = crate::app::ServiceParts::new(&global, &ServeArgs::from_env()?)?;
            let service = parts.seed_service(&db);
            crate::seed::demo(service).await?;
            println!("Demo data is loaded.");
            if let SeedWhat::Bench { scale } = what {
                crate::seed::bench::load(service, scale).await?;
                println!("Benchmark data is loaded (scale {scale}).");
            }
        }
        Command::User {
            action:
                UserAction::Create {
                    email,
                    name,
                    password,
                    organisation,
                    admin,
                    org_admin,
                },
        } => {
            let db = crate::db::connect(&global).await?;
            let email = Email::parse("email", &email)
                .map_err(|e| anyhow::anyhow!("invalid e-mail address: {e:?}"))?;
            let name = name_text("name", &name, 200).map_err(|e| anyhow::anyhow!("invalid name: {e:?}"))?;
            let password = new_password("password", &password)
                .map_err(|_| anyhow::anyhow!("the password needs 10 characters or more"))?;
            let organisation_id = match organisation {
                Some(slug) => Some(
                    organisation::Entity::find()
                        .filter(organisation::Column::Slug.eq(slug.as_str()))
                        .one(&db)
                        .await?
                        .with_context(|| format!("no organisation with slug `{slug}`"))?
                        .id,
                ),
                None => None,
            };
            let txn = crate::db::begin_write(&db).await?;
            let created = NewPerson {
                email,
                display_name: name,
                organisation_id,
                org_role: if org_admin {
                    OrgRole::OrgAdmin
                } else {
                    OrgRole::Member
                },
                is_admin: admin,
                translator_locales: Vec::new(),
                preferred_locale: None,
                password_hash: crate::auth::password::hash(password).await?,
            }
            .insert(&txn, None)
            .await
            .context("creating the person (is the e-mail address taken?)")?;
            let (created, event) = created;
            crate::events::commit(txn, vec![event], &crate::events::Dispatcher::default())
                .await
                .map_err(|e| anyhow::anyhow!("creating the person failed: {e:?}"))?;
            println!("Created {} ({})", created.email, created.id);
        }
        Command::Token {
            action:
                TokenAction::Create {
                    email,
                    name,
                    scope,
                    days,
                },
        } => {
            let db = crate::db::connect(&global).await?;
            let person = person::Entity::find()
                .filter(person::Column::Email.eq(email.trim().to_lowercase()))
                .one(&db)
                .await?
                .with_context(|| format!("no person with e-mail `{email}`"))?;
            person
                .organisation_id
                .context("API tokens act for an organisation; this person has none")?;
            let scope = match scope {
                ScopeArg::Read => TokenScope::Read,
                ScopeArg::ReadWrite => TokenScope::ReadWrite,
            };
            // As the person would from a session: the same checks and event.
            let parts = crate::app::ServiceParts::new(&global, &ServeArgs::from_env()?)?;
            let caller = crate::auth::Caller::session_of(&db, person)
                .await
                .map_err(|e| anyhow::anyhow!("reading the person's organisation failed: {e:?}"))?;
            let chain = crate::l10n::LocaleChain::negotiate(
                &[crate::l10n::default_locale()],
                parts.localizer.available(),
            );
            let ctx = parts.ctx(&db, &caller, &chain);
            let days = i32::try_from(days).unwrap_or(i32::MAX);
            let (secret, _) = crate::people::create_api_token(&ctx, &name, scope, days)
                .await
                .map_err(|e| anyhow::anyhow!("creating the token failed: {e:?}"))?;
            println!("{secret}");
        }
        Command::Search { action } => {
            let db = crate::db::connect(&global).await?;
            crate::db::migrate(&db).await?;
            match action {
                SearchAction::Reindex { files, wait } => {
                    let txn = crate::db::begin_write(&db).await?;
                    let rows = crate::search::index::reindex(&txn).await?;
                    let queued = if files {
                        crate::search::worker::requeue_all(&txn).await?
                    } else {
                        0
                    };
                    txn.commit().await?;
                    println!("The search index is rebuilt: {rows} rows.");
                    if files {
                        println!("Files queued for text extraction: {queued}.");
                    }
                    if wait {
                        let serve = ServeArgs::from_env()?;
                        let storage = crate::storage::Storage::configured(&global)?;
                        let worker = crate::search::worker::Worker::new(
                            db.clone(),
                            storage,
                            &serve.search,
                            serve.max_upload_bytes,
                        )?;
                        let worked = worker.drain().await?;
                        println!("Files worked: {worked}.");
                    }
                }
                SearchAction::Status => {
                    let version = crate::search::index::stored_version(&db).await?;
                    println!("index version: {}", version.as_deref().unwrap_or("none"));
                    for (item_type, part, rows) in crate::search::index::counts(&db).await? {
                        println!("{item_type:<18} {part:<5} {rows}");
                    }
                    for (status, jobs) in crate::search::worker::counts(&db).await? {
                        println!("files {status:<12} {jobs}");
                    }
                }
                SearchAction::Extract { .. } => unreachable_command(),
            }
        }
        Command::Schema | Command::Locales { .. } => unreachable_command(),
    }
    Ok(ExitCode::SUCCESS)
}

fn unreachable_command() {
    tracing::error!("command handled before the runtime started");
}

/// `sammen locales check`: prints the report; false (exit 1) on errors,
/// true with warnings only.
pub fn locales_check(dir: Option<PathBuf>, json: bool, strict: bool) -> anyhow::Result<bool> {
    let dir = dir.unwrap_or_else(|| PathBuf::from("locales"));
    let sources = LocaleSources::from_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
    let report = crate::l10n::check::check_with(&sources, strict);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(report.errors == 0)
}
