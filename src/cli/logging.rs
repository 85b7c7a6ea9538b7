//! Tracing for the scriptable commands: to stderr, only when asked for.

/// Env var enabling tracing to stderr (an `EnvFilter` directive).
pub const LOG_ENV: &str = "AUTHTOP_LOG";

/// Tracing to stderr at the `AUTHTOP_LOG` level; nothing when unset.
pub(crate) fn init_logging() {
    let Some(directive) = std::env::var(LOG_ENV).ok().filter(|v| !v.trim().is_empty()) else {
        return;
    };
    let filter = match tracing_subscriber::EnvFilter::try_new(&directive) {
        Ok(f) => f,
        Err(e) => {
            crate::output::diag(&format!(
                "authtop: warning: {LOG_ENV}={directive:?} ignored: {e}"
            ));
            return;
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}
