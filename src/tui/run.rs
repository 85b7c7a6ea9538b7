//! Terminal ownership and the event loop.
//!
//! The terminal is restored on every way out: normal quit and error returns (a drop
//! guard), panics (a hook that restores before the report is printed), and SIGTERM or
//! SIGHUP (the loop returns, so the guard runs).

use super::TuiError;
use crate::authn::model::Timestamp;
use crate::tui::command::{Command, Effect, Event, Msg};
use crate::tui::keymap::KeyCombo;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::clipboard::CopyToClipboard;
use ratatui::crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event as TermEvent, KeyEventKind,
};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// What the loop drives: the app state and its drawing.
pub trait Screen {
    /// Applies one message at `now`; returns the commands it produced.
    fn update(&mut self, msg: Msg, now: Timestamp) -> Vec<Command>;
    /// What the loop must do itself since the last call (copy, quit).
    fn take_effects(&mut self) -> Vec<Effect>;
    /// True once the loop should stop.
    fn should_quit(&self) -> bool;
    /// Draws the whole screen.
    fn draw(&self, frame: &mut ratatui::Frame);
}

/// Why the loop ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopExit {
    /// The app asked to quit; `force` if it asked to abandon in-flight work.
    Quit {
        /// Abandon in-flight work.
        force: bool,
    },
    /// A signal asked the process to end: its name and number.
    Signal(&'static str, i32),
    /// The terminal's input ended (the pty closed).
    InputClosed,
    /// `:profile NAME`: reconnect with that profile.
    SwitchProfile(String),
}

/// Test hook: names a key (a keymap spec such as `F12`) that makes the run loop panic on
/// purpose, so tests can prove a panic restores the terminal and leaks no token. Never
/// active unless this variable is set; not a user setting.
pub const DEBUG_PANIC_KEY_ENV: &str = "AUTHTOP_DEBUG_PANIC_KEY";

/// The key of [`DEBUG_PANIC_KEY_ENV`], if set to a key spec.
fn debug_panic_key() -> Option<KeyCombo> {
    let spec = std::env::var(DEBUG_PANIC_KEY_ENV).ok()?;
    let key = KeyCombo::parse(&spec);
    if key.is_none() {
        tracing::warn!(spec = %spec, "{DEBUG_PANIC_KEY_ENV} names no key; ignored");
    }
    key
}

/// Worker events handled before one redraw, so a burst (bulk progress) costs one frame.
const EVENT_BATCH: usize = 256;

/// True while this process has the terminal in raw mode / the alternate screen; the
/// restore path only writes escape sequences when it is, so paths that never started
/// the TUI keep stdout clean.
static TERMINAL_ACTIVE: AtomicBool = AtomicBool::new(false);

/// Puts the terminal back the way it was; safe to call from any path, any number of times.
pub fn restore_terminal() {
    if TERMINAL_ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(
            io::stdout(),
            DisableBracketedPaste,
            LeaveAlternateScreen,
            cursor::Show
        );
    }
}

/// Chains a panic hook that restores the terminal before the installed hook (color-eyre's,
/// installed by the binary at start) prints its report, so the report lands on the
/// normal screen instead of the alternate one. color-eyre's own hooks can only be built
/// once per process, hence wrapping rather than building them here.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
}

/// The terminal in raw mode on the alternate screen; restored when dropped.
pub struct TerminalGuard {
    /// The ratatui terminal.
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    /// Raw mode, alternate screen, bracketed paste; no mouse capture so text stays selectable.
    pub fn enter() -> Result<Self, TuiError> {
        enable_raw_mode().map_err(TuiError::terminal("put the terminal in raw mode"))?;
        TERMINAL_ACTIVE.store(true, Ordering::SeqCst);
        let setup = execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)
            .map_err(TuiError::terminal("switch to the alternate screen"));
        let terminal = setup.and_then(|()| {
            Terminal::new(CrosstermBackend::new(io::stdout()))
                .map_err(TuiError::terminal("start drawing on the terminal"))
        });
        match terminal {
            Ok(terminal) => Ok(Self { terminal }),
            Err(e) => {
                restore_terminal();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// OSC 52 wrapped in tmux's DCS passthrough (every ESC inside doubled), so the sequence
/// reaches the outer terminal; tmux forwards it only with `allow-passthrough on`.
pub fn tmux_osc52(bytes: &[u8]) -> Vec<u8> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    format!("\x1bPtmux;\x1b\x1b]52;c;{b64}\x07\x1b\\").into_bytes()
}

/// Turns a terminal event into a message: key presses (not releases or repeats' releases),
/// pastes and resizes; everything else is dropped.
pub fn to_msg(event: TermEvent) -> Option<Msg> {
    match event {
        TermEvent::Key(key) if key.kind == KeyEventKind::Press => Some(Msg::Key(key)),
        TermEvent::Paste(text) => Some(Msg::Paste(text)),
        TermEvent::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Disk work the loop hands off: preferences and query history.
enum DiskJob {
    Columns {
        profile: String,
        columns: Vec<String>,
    },
    Query {
        profile: String,
        query: String,
    },
}

impl DiskJob {
    fn run(self) {
        let state = crate::config::paths::state_dir();
        match self {
            DiskJob::Columns { profile, columns } => {
                match crate::tui::prefs::save_columns(&state, &profile, &columns) {
                    Ok(()) => tracing::debug!("columns saved"),
                    Err(e) => tracing::warn!(error = %e, "could not save the columns chosen"),
                }
            }
            DiskJob::Query { profile, query } => {
                match crate::tui::memory::record_query(&state, &profile, &query) {
                    Ok(()) => tracing::debug!("query history saved"),
                    Err(e) => tracing::warn!(error = %e, "query history not saved"),
                }
            }
        }
    }
}

/// Runs [`DiskJob`]s on a thread of its own, one at a time in the order asked: a slow
/// disk, or another authtop holding the history lock, never stalls drawing or keys.
/// The outcome of each is logged. Dropping it (when the loop ends) waits for the jobs
/// already asked for, so nothing chosen before quitting is lost.
struct DiskWriter {
    jobs: Option<std::sync::mpsc::Sender<DiskJob>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DiskWriter {
    fn start() -> Self {
        let (tx, rx) = std::sync::mpsc::channel::<DiskJob>();
        let thread = std::thread::Builder::new()
            .name("authtop-disk".into())
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    job.run();
                }
            })
            .map_err(|e| tracing::error!(error = %e, "no thread for saving; preferences and history are not saved"))
            .ok();
        Self {
            jobs: thread.as_ref().map(|_| tx),
            thread,
        }
    }

    fn save(&self, job: DiskJob) {
        let sent = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok());
        if !sent {
            tracing::error!("the disk writer has stopped; a preference or query was not saved");
        }
    }
}

impl Drop for DiskWriter {
    fn drop(&mut self) {
        self.jobs = None;
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!("the disk writer panicked");
        }
    }
}

/// Where the loop sends the app's commands, and what it does with its effects.
struct Router<'a, W: Write> {
    commands: &'a mpsc::UnboundedSender<Command>,
    disk: DiskWriter,
    clipboard: &'a mut W,
    force_quit: bool,
    /// `:profile NAME` was accepted: the loop ends so the TUI reconnects.
    switch_to: Option<String>,
}

impl<W: Write> Router<'_, W> {
    fn route(&mut self, commands: Vec<Command>) {
        for command in commands {
            if self.commands.send(command).is_err() {
                tracing::error!("the worker has stopped; a command was not sent");
            }
        }
    }

    fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Clipboard(text) => {
                    let tmux = std::env::var_os("TMUX").is_some_and(|v| !v.is_empty());
                    // Inside tmux both forms go: tmux takes the bare one itself with
                    // `set-clipboard on`, and passes the wrapped one to the outer terminal
                    // with `allow-passthrough on`; the same text set twice is harmless.
                    let mut written = execute!(
                        self.clipboard,
                        CopyToClipboard::to_clipboard_from(text.as_bytes())
                    );
                    if tmux && written.is_ok() {
                        written = self
                            .clipboard
                            .write_all(&tmux_osc52(text.as_bytes()))
                            .and_then(|()| self.clipboard.flush());
                    }
                    if let Err(e) = written {
                        tracing::warn!(error = %e, "could not write to the clipboard");
                    }
                }
                Effect::Quit { force } => self.force_quit |= force,
                Effect::SaveColumns { profile, columns } => {
                    self.disk.save(DiskJob::Columns { profile, columns });
                }
                Effect::RecordQuery { profile, query } => {
                    self.disk.save(DiskJob::Query { profile, query });
                }
                Effect::SwitchProfile(name) => self.switch_to = Some(name),
            }
        }
    }

    /// Feeds one message to the screen and carries out what it asks for.
    fn step<S: Screen>(&mut self, screen: &mut S, msg: Msg) {
        self.route(screen.update(msg, Timestamp::now()));
        self.apply(screen.take_effects());
    }
}

/// Runs until the app quits, input ends or a signal arrives.
///
/// `initial` are the commands [`Screen`] construction produced. Nothing here awaits the
/// network: the worker answers through `events`.
///
/// # Panics
///
/// On purpose, when [`DEBUG_PANIC_KEY_ENV`] names a key and that key is pressed.
pub async fn event_loop<B, S, I, W>(
    terminal: &mut Terminal<B>,
    screen: &mut S,
    mut input: I,
    commands: &mpsc::UnboundedSender<Command>,
    events: &mut mpsc::Receiver<Event>,
    clipboard: &mut W,
    initial: Vec<Command>,
) -> Result<LoopExit, TuiError>
where
    B: Backend,
    B::Error: std::error::Error + Send + Sync + 'static,
    S: Screen,
    I: Stream<Item = io::Result<TermEvent>> + Unpin,
    W: Write,
{
    let mut router = Router {
        commands,
        disk: DiskWriter::start(),
        clipboard,
        force_quit: false,
        switch_to: None,
    };
    router.route(initial);
    let size = terminal
        .size()
        .map_err(TuiError::terminal("read the terminal size"))?;
    router.step(screen, Msg::Resize(size.width, size.height));

    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut sigterm =
        signal(SignalKind::terminate()).map_err(TuiError::terminal("watch SIGTERM"))?;
    let mut sighup = signal(SignalKind::hangup()).map_err(TuiError::terminal("watch SIGHUP"))?;
    let mut worker_open = true;
    let panic_key = debug_panic_key();

    loop {
        if screen.should_quit() {
            return Ok(LoopExit::Quit {
                force: router.force_quit,
            });
        }
        if let Some(name) = router.switch_to.take() {
            return Ok(LoopExit::SwitchProfile(name));
        }
        terminal
            .draw(|frame| screen.draw(frame))
            .map_err(TuiError::terminal("draw"))?;

        let msg = loop {
            let msg = tokio::select! {
                ev = input.next() => match ev {
                    Some(Ok(ev)) => to_msg(ev),
                    Some(Err(e)) => return Err(e).map_err(TuiError::terminal("read terminal input")),
                    None => return Ok(LoopExit::InputClosed),
                },
                ev = events.recv(), if worker_open => if let Some(ev) = ev { Some(Msg::Worker(ev)) } else {
                    tracing::error!("the worker stopped while the UI was running");
                    worker_open = false;
                    None
                },
                _ = tick.tick() => Some(Msg::Tick),
                _ = sigterm.recv() => return Ok(LoopExit::Signal("SIGTERM", libc::SIGTERM)),
                _ = sighup.recv() => return Ok(LoopExit::Signal("SIGHUP", libc::SIGHUP)),
            };
            // Events that change nothing (releases, focus, mouse) cause no redraw.
            if let Some(msg) = msg {
                break msg;
            }
        };
        if let (Msg::Key(key), Some(p)) = (&msg, panic_key)
            && KeyCombo::from_event(key) == p
        {
            panic!("deliberate panic: the {DEBUG_PANIC_KEY_ENV} key was pressed");
        }
        router.step(screen, msg);
        for _ in 0..EVENT_BATCH {
            match events.try_recv() {
                Ok(ev) => router.step(screen, Msg::Worker(ev)),
                Err(_) => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::command::EventKind;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventState, KeyModifiers};

    /// Records what it sees; quits on `q`; asks for a clipboard copy on `y` and a
    /// token check on `t`.
    #[derive(Default)]
    struct Probe {
        seen: Vec<Msg>,
        effects: Vec<Effect>,
        quit: bool,
        draws: std::cell::Cell<usize>,
        /// Told when a worker event has been seen.
        on_worker: Option<tokio::sync::oneshot::Sender<()>>,
    }

    impl Screen for Probe {
        fn update(&mut self, msg: Msg, _now: Timestamp) -> Vec<Command> {
            self.seen.push(msg.clone());
            if let (Msg::Worker(_), Some(tell)) = (&msg, self.on_worker.take()) {
                let _ = tell.send(());
            }
            match msg {
                Msg::Key(k) if k.code == KeyCode::Char('q') => {
                    self.quit = true;
                    self.effects.push(Effect::Quit { force: true });
                    vec![]
                }
                Msg::Key(k) if k.code == KeyCode::Char('y') => {
                    self.effects.push(Effect::Clipboard("pmt_abc".into()));
                    vec![]
                }
                Msg::Key(k) if k.code == KeyCode::Char('t') => vec![Command::TokenCheck { id: 9 }],
                _ => vec![],
            }
        }
        fn take_effects(&mut self) -> Vec<Effect> {
            std::mem::take(&mut self.effects)
        }
        fn should_quit(&self) -> bool {
            self.quit
        }
        fn draw(&self, _frame: &mut ratatui::Frame) {
            self.draws.set(self.draws.get() + 1);
        }
    }

    fn key(c: char, kind: KeyEventKind) -> TermEvent {
        TermEvent::Key(KeyEvent {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::NONE,
            kind,
            state: KeyEventState::NONE,
        })
    }

    #[tokio::test]
    async fn keys_become_messages_and_commands_are_routed() {
        let mut terminal = Terminal::new(TestBackend::new(40, 10)).unwrap();
        let (cmd_tx, mut cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, mut ev_rx) = mpsc::channel(8);
        ev_tx
            .try_send(Event {
                id: 1,
                kind: EventKind::Cancelled,
            })
            .unwrap();
        // Input waits for the worker event to be seen, then types.
        let input = futures::stream::iter(
            [
                key('x', KeyEventKind::Release),
                key('y', KeyEventKind::Press),
                TermEvent::Paste("a b".into()),
                key('t', KeyEventKind::Press),
                key('q', KeyEventKind::Press),
            ]
            .map(Ok),
        )
        .chain(futures::stream::pending::<io::Result<TermEvent>>());
        let mut clipboard = Vec::new();
        let mut probe = Probe::default();
        let exit = event_loop(
            &mut terminal,
            &mut probe,
            Box::pin(input),
            &cmd_tx,
            &mut ev_rx,
            &mut clipboard,
            vec![Command::TokenCheck { id: 1 }],
        )
        .await
        .unwrap();

        assert_eq!(exit, LoopExit::Quit { force: true });
        assert_eq!(probe.seen[0], Msg::Resize(40, 10));
        let keys: Vec<char> = probe
            .seen
            .iter()
            .filter_map(|m| match m {
                Msg::Key(k) => match k.code {
                    KeyCode::Char(c) => Some(c),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        assert_eq!(keys, vec!['y', 't', 'q'], "releases are dropped");
        assert!(probe.seen.contains(&Msg::Paste("a b".into())));
        let sent: Vec<Command> = std::iter::from_fn(|| cmd_rx.try_recv().ok()).collect();
        assert_eq!(
            sent,
            vec![Command::TokenCheck { id: 1 }, Command::TokenCheck { id: 9 }],
            "clipboard and shutdown stay in the loop"
        );
        let osc = String::from_utf8(clipboard).unwrap();
        assert!(osc.starts_with("\x1b]52;c;"), "{osc:?}");
        assert!(osc.contains("cG10X2FiYw=="), "base64 of the id: {osc:?}");
        assert!(probe.draws.get() >= 1);
    }

    #[tokio::test]
    async fn worker_events_reach_the_screen_and_closed_input_ends_the_loop() {
        let mut terminal = Terminal::new(TestBackend::new(20, 5)).unwrap();
        let (cmd_tx, _cmd_rx) = mpsc::unbounded_channel();
        let (ev_tx, mut ev_rx) = mpsc::channel(8);
        let event = Event {
            id: 4,
            kind: EventKind::Cancelled,
        };
        ev_tx.try_send(event.clone()).unwrap();
        drop(ev_tx);
        // Input ends only after the worker event had its turn.
        let (seen_tx, seen_rx) = tokio::sync::oneshot::channel();
        let input = futures::stream::once(async {
            let _ = seen_rx.await;
            Ok(key('z', KeyEventKind::Press))
        });
        let mut probe = Probe {
            on_worker: Some(seen_tx),
            ..Probe::default()
        };
        let exit = event_loop(
            &mut terminal,
            &mut probe,
            Box::pin(input),
            &cmd_tx,
            &mut ev_rx,
            &mut io::sink(),
            vec![],
        )
        .await
        .unwrap();
        assert_eq!(exit, LoopExit::InputClosed);
        assert!(probe.seen.contains(&Msg::Worker(event)));
    }
}
