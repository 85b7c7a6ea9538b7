//! SIGINT, SIGTERM and SIGHUP during a bulk run: the first stops dispatching (in-flight
//! requests finish and are audited), a second forces the exit.

use super::stop::{Sig, Stop, StopReason};

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
