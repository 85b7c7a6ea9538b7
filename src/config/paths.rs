//! Where authtop keeps its files: the config file and the state folder.

use etcetera::BaseStrategy;
use std::path::{Path, PathBuf};

/// Env var naming the config file; overrides the platform default.
pub const CONFIG_ENV: &str = "AUTHTOP_CONFIG";
/// Env var naming the state folder (audit log, TUI log); overrides the platform default.
pub const STATE_DIR_ENV: &str = "AUTHTOP_STATE_DIR";

/// `~/.config/authtop/config.toml` (XDG on every Unix), or `None` without a home folder.
pub fn default_config_file() -> Option<PathBuf> {
    let base = etcetera::choose_base_strategy().ok()?;
    Some(base.config_dir().join("authtop").join("config.toml"))
}

/// `$AUTHTOP_STATE_DIR`, else `~/.local/state/authtop`, else the current folder.
pub fn state_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(STATE_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    etcetera::choose_base_strategy().ok().map_or_else(
        || PathBuf::from("."),
        |b| {
            b.state_dir()
                .unwrap_or_else(|| b.data_dir())
                .join("authtop")
        },
    )
}

/// The audit log when no `--audit-log` is given.
pub fn default_audit_log() -> PathBuf {
    state_dir().join("audit.jsonl")
}

/// Expands a leading `~/` to the home folder, so config files can name paths portably.
pub fn expand_home(path: &Path) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~")
        && let Ok(home) = etcetera::home_dir()
    {
        return home.join(rest);
    }
    path.to_path_buf()
}
