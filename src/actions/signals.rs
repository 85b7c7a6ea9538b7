//! SIGINT, SIGTERM and SIGHUP during a bulk run: the first stops dispatching (in-flight
//! requests finish and are audited), a second SIGINT or SIGTERM forces the exit. A
//! repeated SIGHUP does not: a dropped terminal can deliver it more than once, and nobody
//! is there asking twice.

use super::stop::{Sig, Stop, StopReason};

/// Watches the three signals for as long as the returned task lives (abort it when the
/// run is over): the first asks `stop` to stop, a second SIGINT or SIGTERM calls `force`.
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
            if seen && sig != Sig::Hup {
                force(sig);
                return;
            }
            seen = true;
            stop.stop(StopReason::Signal(sig));
        }
    }))
}
