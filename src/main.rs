//! The authtop binary: everything lives in the library.

fn main() -> color_eyre::Result<()> {
    authtop::cli::main()
}
