//! The `sammen` binary: parse the command line, then run it.

fn main() -> std::process::ExitCode {
    sammen_api::cli::main()
}
