//! The `sammen` binary: parse the command line, then run it.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = sammen_api::config::Cli::parse();
    sammen_api::telemetry::init(&cli.global.log_format);
    match sammen_api::cli::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
