//! Injected faults, drawn from a seeded generator so a run repeats, and the listener
//! that lets a handler drop its connection without answering.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Injected faults; every rate is a fraction from 0 to 1, drawn from a seeded generator.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every response.
    pub latency: Duration,
    /// Uniform extra latency in 0..=jitter.
    pub jitter: Duration,
    /// 5xx answers.
    pub error_rate: f64,
    /// 429 with Retry-After.
    pub throttle_rate: f64,
    /// 202, answered later by the poll endpoint.
    pub async_rate: f64,
    /// Connection closed with no response.
    pub drop_rate: f64,
}

/// Seconds a throttled client is told to wait (`Retry-After`); small so tests and demos
/// recover quickly.
pub const RETRY_AFTER_SECS: u64 = 1;

/// What happens to one API request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Served normally.
    None,
    /// Connection closed with no response.
    Drop,
    /// `InternalError`, HTTP 500.
    Error,
    /// `TooManyRequests`, HTTP 429.
    Throttle,
    /// `Accepted`, HTTP 202; the poll answers 202 this many more times first.
    Async(u8),
}

/// The fault settings and their generator.
#[derive(Debug)]
pub struct FaultState {
    faults: Faults,
    rng: fastrand::Rng,
}

impl FaultState {
    /// Faults drawn from `seed`.
    pub fn new(faults: Faults, seed: u64) -> Self {
        Self {
            faults,
            rng: fastrand::Rng::with_seed(seed ^ 0xfa17_fa17_u64),
        }
    }

    /// Replaces the settings, restarting the sequence from `seed`.
    pub fn set(&mut self, faults: Faults, seed: u64) {
        *self = Self::new(faults, seed);
    }

    /// The delay and fault of the next request. Every call consumes the same number of
    /// draws, so the n-th request of a run always gets the same fate.
    pub fn draw(&mut self) -> (Duration, Fault) {
        let f = &self.faults;
        let jitter_ns = u64::try_from(f.jitter.as_nanos()).unwrap_or(u64::MAX);
        let jitter = Duration::from_nanos(self.rng.u64(..=jitter_ns));
        let rolls = [
            self.rng.f64(),
            self.rng.f64(),
            self.rng.f64(),
            self.rng.f64(),
        ];
        let extra_polls = 1 + self.rng.u8(..2);
        let fault = if rolls[0] < f.drop_rate {
            Fault::Drop
        } else if rolls[1] < f.error_rate {
            Fault::Error
        } else if rolls[2] < f.throttle_rate {
            Fault::Throttle
        } else if rolls[3] < f.async_rate {
            Fault::Async(extra_polls)
        } else {
            Fault::None
        };
        (f.latency + jitter, fault)
    }
}

impl Faults {
    /// Checks every rate is a fraction from 0 to 1.
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("error-rate", self.error_rate),
            ("throttle-rate", self.throttle_rate),
            ("async-rate", self.async_rate),
            ("drop-rate", self.drop_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("--{name} must be between 0 and 1, got {v}"));
            }
        }
        Ok(())
    }
}

/// Per-connection switch a handler flips to make the connection fail instead of
/// answering.
#[derive(Debug, Clone, Default)]
pub struct KillSwitch(Arc<AtomicBool>);

impl KillSwitch {
    /// Makes the connection close without writing a response.
    pub fn trip(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn tripped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A TCP connection that errors on its next write once its switch is tripped, so hyper
/// closes it without sending a byte.
#[derive(Debug)]
pub struct FaultStream {
    inner: TcpStream,
    kill: KillSwitch,
}

fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection dropped by fault injection",
    )
}

impl AsyncRead for FaultStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.kill.tripped() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.kill.tripped() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.kill.tripped() {
            return Poll::Ready(Err(aborted()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A TCP listener whose connections carry a [`KillSwitch`].
#[derive(Debug)]
pub struct FaultListener(pub TcpListener);

impl axum::serve::Listener for FaultListener {
    type Io = FaultStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((inner, addr)) => {
                    let _ = inner.set_nodelay(true);
                    return (
                        FaultStream {
                            inner,
                            kill: KillSwitch::default(),
                        },
                        addr,
                    );
                }
                // Accept errors (e.g. out of descriptors) are transient; back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, FaultListener>>
    for KillSwitch
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, FaultListener>) -> Self {
        stream.io().kill.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_repeat_for_a_seed_and_honour_rates() {
        let f = Faults {
            error_rate: 0.3,
            ..Faults::default()
        };
        let run = || {
            let mut s = FaultState::new(f.clone(), 7);
            (0..1000).map(|_| s.draw().1).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let errors = a.iter().filter(|x| **x == Fault::Error).count();
        assert!((200..400).contains(&errors), "{errors}");
        assert!(
            Faults {
                drop_rate: 1.5,
                ..Faults::default()
            }
            .validate()
            .is_err()
        );
    }
}
