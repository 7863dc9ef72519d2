//! The `sammen` program under another name, built with the tests so that
//! they can run it as a child process (`CARGO_BIN_EXE_sammen-under-test`).

fn main() -> std::process::ExitCode {
    sammen_api::cli::main()
}
