//! The command line: clap definitions and the non-interactive subcommands.
//!
//! MINIMAL SKETCH: the CLI work replaces this.

use clap::{Parser, Subcommand};

/// authtop: manage Pangea AuthN login sessions.
#[derive(Debug, Parser)]
#[command(name = "authtop", version)]
pub struct Cli {
    /// What to do; none starts the terminal UI.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the local AuthN emulator.
    Emulator(crate::emulator::cli::EmulatorArgs),
}

/// Parses the command line and runs it.
pub fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let cli = Cli::parse();
    let rt = tokio::runtime::Runtime::new()?;
    match cli.command {
        Some(Command::Emulator(args)) => rt.block_on(crate::emulator::cli::run(args)),
        None => rt.block_on(crate::tui::run(crate::tui::TuiOptions::demo())),
    }
}
