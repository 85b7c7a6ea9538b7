//! `authtop emulator`: the emulator as a standalone server.
//!
//! INTERFACE SKETCH: filled in by the emulator work.

/// Flags of `authtop emulator`.
#[derive(Debug, Clone, clap::Args)]
pub struct EmulatorArgs {}

/// Runs the emulator until Ctrl-c.
pub async fn run(args: EmulatorArgs) -> color_eyre::Result<()> {
    let _ = args;
    Ok(())
}
