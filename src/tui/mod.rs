//! The terminal UI: pure state and drawing, an async worker, and the run loop.

pub mod app;
pub mod columns;
pub mod command;
pub mod error;
pub mod failure;
pub mod keymap;
pub mod layout;
pub mod memory;
pub mod prefs;
pub mod run;
pub mod screens;
pub mod strings;
pub mod theme;
pub mod view;
pub mod worker;

pub use error::TuiError;

use crate::audit::AuditLog;
use crate::authn::{Client, Secret};
use crate::config::Settings;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// Everything the TUI needs: the resolved settings as one value, and what only a terminal
/// session has (demo mode, colour, the log filter, profile switching).
#[derive(Debug, Clone)]
pub struct TuiOptions {
    /// The resolved settings; in demo mode their server and tokens are the demo's.
    pub settings: Settings,
    /// The server is the demo emulator (shown in the header).
    pub demo: bool,
    /// tracing `EnvFilter` directive for the log file.
    pub log_filter: String,
    /// Colour is on (from `--color`, `NO_COLOR`, `TERM=dumb`).
    pub color: bool,
    /// Start clean: neither restore nor save the last query, order and tab (`--fresh`).
    pub fresh: bool,
    /// The config file's profile names, for `:profile`.
    pub profiles: Vec<String>,
    /// Resolves another profile's options by the command line's rules (None: no switching).
    pub switcher: Option<ProfileSwitch>,
}

/// The function behind [`ProfileSwitch`]: a profile name to its options, or why not.
pub type ResolveProfile = dyn Fn(&str) -> std::result::Result<TuiOptions, String> + Send + Sync;

/// Resolves the options of a profile by name, for `:profile NAME`.
#[derive(Clone)]
pub struct ProfileSwitch(pub Arc<ResolveProfile>);

impl std::fmt::Debug for ProfileSwitch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProfileSwitch")
    }
}

/// Sends tracing output to `path` (never to the terminal the TUI owns). The guard must
/// live until exit or the last lines are lost.
fn init_logging(
    path: &Path,
    filter: &str,
) -> Result<tracing_appender::non_blocking::WorkerGuard, TuiError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::config::paths::create_private_dir(dir).map_err(|source| TuiError::File {
            what: "create the log folder",
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let file = opts.open(path).map_err(|source| TuiError::File {
        what: "open the log file",
        path: path.to_path_buf(),
        source,
    })?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter =
        tracing_subscriber::EnvFilter::try_new(filter).map_err(|e| TuiError::LogFilter {
            filter: filter.to_string(),
            message: e.to_string(),
        })?;
    // A subscriber set earlier (by an embedding program) keeps its place.
    let _ = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    Ok(guard)
}

/// Where the TUI connects and as whom.
struct Connection {
    client: Client,
    user_token: Option<Secret>,
    refresh_token: Option<Secret>,
}

fn connect(opts: &TuiOptions) -> Result<Connection, TuiError> {
    let mut config = opts.settings.client.clone().ok_or(TuiError::NoServer)?;
    config.on_retry = Some(worker::retry_hook());
    let client = Client::new(config).map_err(TuiError::Client)?;
    Ok(Connection {
        client,
        user_token: opts.settings.user_token.clone(),
        refresh_token: opts.settings.refresh_token.clone(),
    })
}

/// How long a normal quit waits for a refresh still in flight (destructive work was
/// already waited for by the app) before abandoning it.
const QUIT_GRACE: Duration = Duration::from_secs(3);

/// How the TUI ended, for the summary printed after the screen is restored.
#[derive(Debug, Clone)]
pub struct Quit {
    /// The signal that ended it, by number.
    pub signal: Option<i32>,
    /// A second `q` or Ctrl-c abandoned work in flight.
    pub forced: bool,
    /// What the destructive runs of the session did (none: there were none).
    pub tally: Option<crate::actions::ledger::Tally>,
    /// The audit log.
    pub audit_log: PathBuf,
}

/// Runs the TUI until the user quits.
#[expect(
    clippy::too_many_lines,
    reason = "start-up in the order teardown undoes it: logging, terminal, worker, loop"
)]
pub async fn run(opts: TuiOptions) -> Result<Quit, TuiError> {
    run::install_panic_hook();
    // The DEVICE column parses User-Agents as pages arrive; the rules compile meanwhile.
    crate::investigate::device::warm_up();
    let state = crate::config::paths::state_dir();
    let log_path = state.join("authtop.log");
    crate::config::paths::narrow_state_dir();
    let log_guard = init_logging(&log_path, &opts.log_filter)?;
    let audit_path = opts.settings.audit_log.clone();
    let audit = Arc::new(
        AuditLog::open(&audit_path).map_err(|source| TuiError::File {
            what: "open the audit log",
            path: audit_path.clone(),
            source,
        })?,
    );
    tracing::info!(
        profile = %opts.settings.profile,
        demo = opts.demo,
        read_only = opts.settings.read_only,
        "starting the TUI"
    );

    let mut opts = opts;
    let mut ledgers = Vec::new();
    let mut switch_error: Option<String> = None;
    let mut guard = run::TerminalGuard::enter()?;
    let (exit, app, handle) = loop {
        let conn = connect(&opts)?;
        let (mut app, initial) = screen::new_app(
            &opts,
            conn.client.host(),
            conn.user_token.as_ref(),
            conn.refresh_token.is_some(),
            opts.demo,
        );
        if let Some(e) = switch_error.take() {
            app.report_error(e);
        }
        let handle = worker::spawn(worker::WorkerContext {
            client: conn.client,
            profile: opts.settings.profile.clone(),
            user_token: conn.user_token,
            refresh_token: conn.refresh_token,
            token_file: opts.settings.token_file.clone(),
            audit: audit.clone(),
            concurrency: opts.settings.concurrency,
            walk_window: opts.settings.walk_window,
        });
        let mut handle = handle;
        ledgers.push(Arc::clone(&handle.ledger));
        let input = ratatui::crossterm::event::EventStream::new();
        let result = run::event_loop(
            &mut guard.terminal,
            &mut app,
            input,
            &handle.commands,
            &mut handle.events,
            &mut std::io::stdout(),
            initial,
        )
        .await;
        if !opts.fresh
            && let Err(e) = memory::save_recall(&state, &opts.settings.profile, &app.recall())
        {
            tracing::warn!(error = %e, "query, order and tab not remembered");
        }
        let Ok(run::LoopExit::SwitchProfile(name)) = &result else {
            break (result, app, handle);
        };
        // The app refused to switch while destructive work ran; a refresh still in
        // flight is waited for, so its new token pair is saved.
        stop_worker(handle, app.in_flight_to_finish() == 0).await;
        let resolved = match &opts.switcher {
            Some(switch) => (switch.0)(name),
            None => Err(strings::NO_PROFILE_SWITCH.to_string()),
        };
        match resolved {
            Ok(next) => {
                tracing::info!(
                    from = %opts.settings.profile,
                    to = %next.settings.profile,
                    "profile switched"
                );
                let (fresh, profiles, switcher) =
                    (opts.fresh, opts.profiles.clone(), opts.switcher.clone());
                opts = next;
                opts.fresh = fresh;
                opts.profiles = profiles;
                opts.switcher = switcher;
            }
            Err(e) => switch_error = Some(strings::switch_failed(name, &e)),
        }
    };
    drop(guard);

    // Reads still in flight are abandoned at once: waiting for them gains nothing and
    // would keep the shell waiting after the screen is already restored.
    let force =
        !matches!(exit, Ok(run::LoopExit::Quit { force: false })) || app.in_flight_to_finish() == 0;
    stop_worker(handle, force).await;
    let tally = ledgers
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| l.tally())
        .reduce(|mut a, b| {
            a.runs += b.runs;
            a.ended += b.ended;
            a.not_found += b.not_found;
            a.failed += b.failed;
            a.unknown += b.unknown;
            a.not_attempted += b.not_attempted;
            a.unreported += b.unreported;
            a.lists.extend(b.lists);
            a
        });
    let exit = exit?;
    tracing::info!(exit = ?exit, tally = ?tally, "TUI closed");
    drop(log_guard);
    Ok(Quit {
        signal: match exit {
            run::LoopExit::Signal(_, number) => Some(number),
            _ => None,
        },
        forced: matches!(exit, run::LoopExit::Quit { force: true }),
        tally,
        audit_log: audit_path,
    })
}

/// Asks the worker to stop and waits for it, abandoning in-flight work after a grace period.
async fn stop_worker(handle: worker::WorkerHandle, force: bool) {
    let worker::WorkerHandle {
        commands,
        mut events,
        join,
        ..
    } = handle;
    let _ = commands.send(crate::tui::command::Command::Shutdown { force });
    let abort = join.abort_handle();
    // Events still arriving are no longer shown; draining keeps the log of outcomes whole.
    let drain = async {
        while let Some(ev) = events.recv().await {
            tracing::debug!(id = ev.id, terminal = ev.is_terminal(), "event after quit");
        }
        let _ = join.await;
    };
    if tokio::time::timeout(QUIT_GRACE, drain).await.is_err() {
        tracing::warn!("in-flight work abandoned at quit");
        abort.abort();
    }
}

/// The app as the run loop sees it.
mod screen {
    use super::TuiOptions;
    use crate::authn::Secret;
    use crate::authn::model::Timestamp;
    use crate::tui::app::{App, AppInit, RefreshPolicy};
    use crate::tui::command::{Command, Effect, Msg};
    use crate::tui::keymap::Keymap;
    use crate::tui::run::Screen;
    use crate::tui::theme::Theme;

    impl Screen for App {
        fn update(&mut self, msg: Msg, now: Timestamp) -> Vec<Command> {
            App::update(self, msg, now)
        }
        fn take_effects(&mut self) -> Vec<Effect> {
            App::take_effects(self)
        }
        fn should_quit(&self) -> bool {
            App::should_quit(self)
        }
        fn draw(&self, frame: &mut ratatui::Frame) {
            crate::tui::view::draw(self, frame);
        }
    }

    /// Builds the app from the options and what the connection resolved.
    pub(super) fn new_app(
        opts: &TuiOptions,
        host: &str,
        user_token: Option<&Secret>,
        has_refresh_token: bool,
        demo: bool,
    ) -> (App, Vec<Command>) {
        let state = crate::config::paths::state_dir();
        let settings = &opts.settings;
        let (keymap, warnings) = Keymap::with_overrides(&settings.key_overrides);
        for w in &warnings {
            tracing::warn!(warning = %w, "key override ignored");
        }
        let (theme, theme_warnings) = Theme::from_config(&settings.theme, opts.color);
        for w in &theme_warnings {
            tracing::warn!(warning = %w, "theme colour ignored");
        }
        let init = AppInit {
            profile: settings.profile.clone(),
            host: host.to_owned(),
            demo,
            read_only: settings.read_only,
            has_user_token: user_token.is_some(),
            has_refresh_token,
            // A client token lists only its user's sessions: the project-wide tabs say why
            // they are empty instead of showing the server's refusal.
            has_service: settings
                .client
                .as_ref()
                .is_none_or(|c| !c.has_client_token()),
            token_mask: user_token.map(Secret::masked),
            auto_reload: settings.auto_reload,
            rewalk_after: settings.rewalk_after,
            refresh_policy: RefreshPolicy {
                fraction: crate::config::defaults::REFRESH_FRACTION,
                margin: crate::config::defaults::REFRESH_MARGIN,
                auto: has_refresh_token,
            },
            page_size: settings.page_size,
            keymap,
            theme,
            columns: crate::tui::prefs::load_columns(
                &crate::config::paths::state_dir(),
                &settings.profile,
            ),
            in_tmux: std::env::var_os("TMUX").is_some_and(|v| !v.is_empty()),
            profiles: opts.profiles.clone(),
            views: settings.views.clone(),
            history: crate::tui::memory::load_history(&state, &settings.profile),
            recall: (!opts.fresh)
                .then(|| crate::tui::memory::load_recall(&state, &settings.profile))
                .flatten(),
            export_dir: settings
                .export_dir
                .clone()
                .unwrap_or_else(|| crate::config::paths::state_dir().join("exports")),
        };
        App::new(init, Timestamp::now())
    }
}
