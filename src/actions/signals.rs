//! SIGINT, SIGTERM and SIGHUP during a bulk run: the first stops dispatching (in-flight
//! requests finish and are audited), a second forces the exit.

use super::{Stop, StopReason};

/// A signal that asks a run to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sig {
    /// Ctrl-C.
    Int,
    /// `kill`, `timeout`, CI runners.
    Term,
    /// The terminal went away.
    Hup,
}

impl Sig {
    /// `SIGINT` …
    pub fn name(self) -> &'static str {
        match self {
            Sig::Int => "SIGINT",
            Sig::Term => "SIGTERM",
            Sig::Hup => "SIGHUP",
        }
    }

    /// The conventional exit status: 128 + the signal number.
    pub fn exit_code(self) -> u8 {
        match self {
            Sig::Int => 130,
            Sig::Term => 143,
            Sig::Hup => 129,
        }
    }
}

/// Watches the three signals for as long as the returned task lives (abort it when the
/// run is over): the first asks `stop` to stop, a second calls `force` with it.
pub fn watch(
    stop: Stop,
    force: impl Fn(Sig) + Send + 'static,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt())?;
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    Ok(tokio::spawn(async move {
        let mut seen = false;
        loop {
            let sig = tokio::select! {
                Some(()) = int.recv() => Sig::Int,
                Some(()) = term.recv() => Sig::Term,
                Some(()) = hup.recv() => Sig::Hup,
                else => return,
            };
            if std::mem::replace(&mut seen, true) {
                force(sig);
                return;
            }
            stop.stop(StopReason::Signal(sig));
        }
    }))
}
