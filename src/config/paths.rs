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

/// Creates `dir` and any missing parents private to their owner (0700): the state folder
/// holds the audit log, exports and not-attempted lists, which name people.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Narrows the state folder to its owner (0700) when it exists with wider permissions
/// (made by an earlier version, or by hand). Errors are left to the writes that follow.
pub fn narrow_state_dir() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = state_dir();
        if let Ok(meta) = std::fs::metadata(&dir)
            && meta.is_dir()
            && meta.permissions().mode() & 0o077 != 0
        {
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
    }
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
