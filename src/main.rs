//! The authtop binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    authtop::cli::main()
}
