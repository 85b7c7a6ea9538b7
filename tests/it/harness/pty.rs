//! The real `authtop` binary in a pseudo-terminal, with its screen read back through a
//! terminal emulator. The child is killed when the harness is dropped, so a failing
//! test never leaves it running.

use authtop::emulator::RunningEmulator;
use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long any wait lasts before the test fails with a screen dump: a bound for a stuck
/// run, not a speed check, so a loaded 2-core machine does not fail a correct screen.
pub(crate) const PATIENCE: Duration = Duration::from_secs(30);

/// A running `authtop` in a pty.
pub(crate) struct Tui {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    reader: Option<JoinHandle<()>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn MasterPty + Send>,
    state: tempfile::TempDir,
}

impl Tui {
    /// Starts `authtop` (no subcommand, no credentials: demo mode) at `cols` x `rows`,
    /// with `env` added to a clean environment.
    pub(crate) fn spawn(cols: u16, rows: u16, env: &[(&str, &str)]) -> Self {
        Self::spawn_with(cols, rows, &[], env)
    }

    /// Starts `authtop ARGS` at `cols` x `rows`, with `env` added to a clean environment.
    pub(crate) fn spawn_with(cols: u16, rows: u16, args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::spawn_program(cols, rows, env!("CARGO_BIN_EXE_authtop"), args, env)
    }

    /// Starts `PROGRAM ARGS` (`authtop`, or a shell that runs it) as [`Tui::spawn_with`] does.
    pub(crate) fn spawn_program(
        cols: u16,
        rows: u16,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let state = tempfile::tempdir().unwrap();
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("PANGEA_") || k.starts_with("AUTHTOP_") || k.starts_with("XDG_") {
                cmd.env_remove(&key);
            }
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env("AUTHTOP_STATE_DIR", state.path());
        cmd.env("XDG_CONFIG_HOME", state.path().join("config"));
        cmd.env("HOME", state.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(state.path());
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().unwrap();
        let writer = pty.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(rows).unwrap(),
            std::num::NonZeroU16::new(cols).unwrap(),
            0,
        )));
        let sink = Arc::clone(&parser);
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = Arc::clone(&raw);
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            // Ends at EOF or EIO, both of which mean the child's side is closed.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
                raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            child,
            writer,
            parser,
            reader: Some(reader),
            raw,
            _master: pty.master,
            state,
        }
    }

    /// The child's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    /// The folder holding the audit log and the log file.
    #[allow(
        dead_code,
        reason = "kept beside its siblings for tests that read other state files"
    )]
    pub(crate) fn state_dir(&self) -> &Path {
        self.state.path()
    }

    /// The audit log's path.
    pub(crate) fn audit_path(&self) -> PathBuf {
        self.state.path().join("audit.jsonl")
    }

    /// The log file's path.
    pub(crate) fn log_path(&self) -> PathBuf {
        self.state.path().join("authtop.log")
    }

    /// Types `keys` (raw bytes: `"\r"` is Enter, `"\x1b"` Esc).
    pub(crate) fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// The screen's text, rows joined by newlines.
    pub(crate) fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The text of the rows drawn in reverse video across most of their width: a list's
    /// selected row (the header's name and the tab bar's tab are reversed over a few
    /// cells only).
    pub(crate) fn selected_rows(&self) -> Vec<String> {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        let (rows, cols) = screen.size();
        let (rows, cols) = (u16::from(rows), u16::from(cols));
        (0..rows)
            .filter(|&r| {
                let reversed = (0..cols)
                    .filter(|&c| screen.cell(r, c).is_some_and(vt100::Cell::inverse))
                    .count();
                reversed * 2 > usize::from(cols)
            })
            .map(|r| screen.contents_between(r, 0, r, cols).trim_end().to_owned())
            .collect()
    }

    /// Every byte the program wrote to the terminal so far (escape sequences included).
    pub(crate) fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Waits until `check` holds for the screen text, for at most `patience`; `None` when
    /// it never did (the caller decides whether that fails the test).
    pub(crate) fn poll_until(
        &self,
        patience: Duration,
        check: impl Fn(&str) -> bool,
    ) -> Option<String> {
        let deadline = Instant::now() + patience;
        loop {
            let text = self.screen();
            if check(&text) {
                return Some(text);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The exit status if the program has ended.
    pub(crate) fn try_exit(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// True while the program shows the alternate screen.
    pub(crate) fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Waits until `check` holds for the screen text; fails with the screen after [`PATIENCE`].
    pub(crate) fn wait_until(&mut self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.screen();
            if check(&text) {
                return text;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("authtop exited ({status:?}) while waiting for {what}; screen:\n{text}");
            }
            assert!(
                Instant::now() <= deadline,
                "waited {PATIENCE:?} for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen shows `text`.
    pub(crate) fn wait_for(&mut self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Waits until `path` has a line for which `check` holds; returns that line.
    pub(crate) fn wait_for_line(
        &mut self,
        path: &Path,
        what: &str,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            if let Some(line) = text.lines().find(|l| check(l)) {
                return line.to_owned();
            }
            assert!(
                Instant::now() <= deadline,
                "waited {PATIENCE:?} for {what} in {}; file:\n{text}\nscreen:\n{}",
                path.display(),
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the child to exit and its last output to be read.
    pub(crate) fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() <= deadline,
                "authtop did not exit within {PATIENCE:?}; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        // The reader ends once the pty reports the other side closed.
        let reader = self.reader.take().unwrap();
        while !reader.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        status
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Session ids (`pmt_…`) visible on the screen, in screen order (possibly shortened to fit
/// their column).
pub(crate) fn session_ids(screen: &str) -> Vec<String> {
    screen
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("pmt_") && w.len() > 8)
        .map(str::to_owned)
        .collect()
}

/// `authtop ARGS --base-url … --token …` against `emu` on a pseudo-terminal (stdout and
/// stderr are the terminal): the final screen, every byte written, and the exit code.
pub(crate) fn on_terminal(
    emu: &RunningEmulator,
    args: &[&str],
    env: &[(&str, &str)],
) -> (String, Vec<u8>, u32) {
    on_terminal_with(emu, "", args, env)
}

/// [`on_terminal`] through `sh`, with `redirect` after the command (`2>&-` closes stderr,
/// `| cat` turns stdout into a pipe). The token must reach neither the screen nor any
/// byte written.
pub(crate) fn on_terminal_with(
    emu: &RunningEmulator,
    redirect: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (String, Vec<u8>, u32) {
    let base_url = emu.base_url();
    let token = emu.service_token().expose().to_string();
    let script = format!("exec \"$0\" \"$@\" {redirect}");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--base-url", &base_url, "--token", &token]);
    let mut t = if redirect.is_empty() {
        Tui::spawn_with(200, 60, &all, env)
    } else {
        let mut through = vec!["-c", &script, env!("CARGO_BIN_EXE_authtop")];
        through.extend(all);
        Tui::spawn_program(200, 60, "/bin/sh", &through, env)
    };
    let status = t.wait_exit();
    let screen = t.screen();
    let raw = t.raw_output();
    assert!(!screen.contains(&token), "the token reached the terminal");
    assert!(
        !raw.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token was written to the terminal"
    );
    (screen, raw, status.exit_code())
}
