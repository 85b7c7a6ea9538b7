//! A local AuthN session API server (axum) faithful enough for the official SDKs
//! (pangea-python 6.13, pangea-go 5.7): the seven session endpoints, token check and
//! `GET /request/{id}`, with the envelope, statuses and validation of spec section 10.
//!
//! Decisions where the spec is silent:
//! * HTTP codes: `Success` 200, `Accepted` 202, `ValidationError` 400, `InvalidToken`
//!   and `ExpiredToken` 400, `Unauthorized` 401, `NotFound` 404 (also unknown paths and
//!   unknown poll ids), `MethodNotAllowed` 405 with `Allow` (a known path asked with
//!   another method), `TooManyRequests` 429, `InternalError` 500.
//!   Every body is the six-key envelope with an `x-request-id` header equal to its
//!   `request_id`; malformed JSON is a `ValidationError` (`BadFormat` at `/`).
//! * Bearer: only the service token (printed at start, derived from the seed) is
//!   accepted, on every endpoint including the client ones.
//! * Intelligence: by default most sessions' active tokens carry a complete block
//!   (spec 4.4) in list items, token check and refresh answers ([`intel`]);
//!   [`EmulatorConfig::intelligence`] off sends none.
//! * Data: seeded users and sessions (see [`seed`]); defaults are 60 users, 300
//!   sessions, 15-minute user tokens and 7-day sessions. Users carry a `username` and an
//!   `enabled` flag for filters but not in their profile.
//! * Lists: default page size 20 ([`validate::DEFAULT_PAGE_SIZE`]), maximum 1000
//!   ([`validate::MAX_PAGE_SIZE`]) served per page: the OAS sets no maximum, so a
//!   larger `size` is accepted and served that many. `size` is a JSON Schema integer,
//!   so `1.0` counts as `1`. Default
//!   order is `created_at` descending (newest first); ties break on the session id.
//!   `last` is always present and `""` on the final page; it is an opaque keyset
//!   cursor bound to the query (filter, order, `order_by`, and the caller for client
//!   lists), so a cursor from another query is a `ValidationError` at `/last`; the
//!   page size may change between pages. `count` (service list only) counts every
//!   session the query matches.
//! * Unknown top-level keys: rejected with `UnexpectedProperty` everywhere except the
//!   service list, whose schema does not forbid them (spec 5.5): they are ignored there.
//!   Unknown filter keys are accepted and ignored on both lists (the OAS `filter`
//!   object does not forbid them), with a warning logged on the emulator's side.
//! * `profile_<Name>__contains` matches when the value contains one of the substrings
//!   (the OAS wording); the named fields' `__contains` needs every substring.
//! * Filters and ordering on `active_token_id` use the session's current active token
//!   id even after that token has expired (it is then omitted from the output).
//! * A refreshed active token expires at `now + user token life`, but never after its
//!   session. The service token passes token check as a `service` token.
//! * Live logins: [`RunningEmulator::start_logins`] (`--login-rate 5/s`) adds sessions
//!   from "now" at a steady rate, for seeded users with the seed's habits.
//! * Faults (API endpoints only; the poll endpoint never gets them, so polling always
//!   converges): each request draws, in order, drop, error, throttle and async with
//!   independent rolls from a generator seeded by `--seed`. Throttled answers carry
//!   `Retry-After: 1`. A 202 is answered 202 by one or two more polls, then by the real
//!   result, which takes effect exactly once and is repeated to later polls. Dropped
//!   requests close the connection without writing a byte. Faults apply after the
//!   Bearer check, so an unauthorised request is always answered 401.
//!
//! Depends on the wire models (`pangea-authn-model`) alone: not on the client, so the
//! emulator cannot borrow the client's reading of an answer and agree with it by mistake.
#![forbid(unsafe_code)]

pub mod cursor;
pub mod errors;
pub mod faults;
pub mod filter;
pub mod ids;
pub mod intel;
pub mod matcher;
pub mod records;
pub mod render;
pub mod routes;
pub mod seed;
pub mod store;
pub mod validate;

pub use faults::Faults;
use faults::{FaultListener, FaultState, KillSwitch};
use pangea_authn_model::Secret;
pub use records::{SessionTokens, UserTokens};
use routes::{Shared, lock};
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use store::Store;
use tokio_util::sync::CancellationToken;

/// What the emulator serves.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Seed for data and faults.
    pub seed: u64,
    /// Users to create.
    pub users: usize,
    /// Sessions to create across them.
    pub sessions: usize,
    /// Life of a new active (user) token.
    pub user_token_life: Duration,
    /// Life of a session / refresh token.
    pub refresh_token_life: Duration,
    /// Faults.
    pub faults: Faults,
    /// Give most sessions' active tokens an intelligence block (as with Pangea's
    /// intelligence add-ons); off, no answer carries one.
    pub intelligence: bool,
}

impl Default for EmulatorConfig {
    /// 60 users, 300 sessions, 15-minute user tokens, 7-day sessions, no faults.
    fn default() -> Self {
        Self {
            seed: 42,
            users: 60,
            sessions: 300,
            user_token_life: Duration::from_secs(15 * 60),
            refresh_token_life: Duration::from_secs(7 * 86_400),
            faults: Faults::default(),
            intelligence: true,
        }
    }
}

/// A running emulator.
pub struct RunningEmulator {
    shared: Arc<Shared>,
    seed: u64,
    config: EmulatorConfig,
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("base_url", &self.shared.base_url)
            .finish_non_exhaustive()
    }
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX / 4)
}

impl RunningEmulator {
    /// Starts serving on `addr` (port 0 picks a free one).
    pub async fn start(config: EmulatorConfig, addr: SocketAddr) -> std::io::Result<Self> {
        config.faults.validate().map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let host = if local.ip().is_unspecified() {
            SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), local.port())
        } else {
            local
        };
        let base_url = format!("http://{host}");
        let service_token = ids::new_id(
            &mut fastrand::Rng::with_seed(config.seed ^ 0x005e_51ce),
            "pts",
        );
        let client_token = ids::new_id(
            &mut fastrand::Rng::with_seed(config.seed ^ 0x00c1_1e47),
            "pcl",
        );
        let cfg = config.clone();
        let token = service_token.clone();
        let (store, seeded_at) = tokio::task::spawn_blocking(move || {
            let now = jiff::Timestamp::now().as_microsecond();
            let user_life = micros(cfg.user_token_life);
            let mut store = Store::new(cfg.seed, user_life, token, now);
            seed::populate(
                &mut store,
                cfg.seed,
                cfg.users,
                cfg.sessions,
                now,
                user_life,
                micros(cfg.refresh_token_life),
                cfg.intelligence,
            );
            (store, now)
        })
        .await
        .map_err(std::io::Error::other)?;
        let faults = FaultState::new(config.faults.clone(), config.seed);
        let shared = Arc::new(Shared::new(
            store,
            faults,
            config.seed,
            base_url,
            service_token,
            client_token,
        ));
        // Seeding a large store takes seconds on a busy machine; that time must not age the
        // data, so the clock starts at the instant the data describes.
        shared.clock_offset_us.store(
            seeded_at - jiff::Timestamp::now().as_microsecond(),
            Ordering::Relaxed,
        );
        let app =
            routes::router(shared.clone()).into_make_service_with_connect_info::<KillSwitch>();
        let cancel = CancellationToken::new();
        let stop = cancel.clone().cancelled_owned();
        let task = tokio::spawn(async move {
            let _ = axum::serve(FaultListener(listener), app)
                .with_graceful_shutdown(stop)
                .await;
        });
        Ok(Self {
            shared,
            seed: config.seed,
            config,
            cancel,
            task,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The accepted service token.
    pub fn service_token(&self) -> Secret {
        Secret::new(self.shared.service_token.clone())
    }

    /// The accepted client token (`pcl_…`): the client endpoints only.
    pub fn client_token(&self) -> Secret {
        Secret::new(self.shared.client_token.clone())
    }

    /// Live tokens of the seeded sessions of the first `max_users` users.
    pub fn tokens(&self, max_users: usize) -> Vec<UserTokens> {
        let mut store = lock(&self.shared.store);
        store.purge(self.shared.now());
        store.tokens(max_users)
    }

    /// Whether a session is live (not invalidated, logged out or expired).
    pub fn session_exists(&self, session_id: &str) -> bool {
        let mut store = lock(&self.shared.store);
        store.purge(self.shared.now());
        store.contains(session_id)
    }

    /// Sets the life of active tokens issued from now on (by refresh); live ones keep
    /// theirs.
    pub fn set_user_token_life(&self, life: Duration) {
        lock(&self.shared.store).set_user_token_life(micros(life));
    }

    /// Issues a new active token for the session of `refresh_token`, as a refresh over
    /// HTTP would; false if the token is not a live refresh token.
    pub fn refresh(&self, refresh_token: &Secret) -> bool {
        let now = self.shared.now();
        lock(&self.shared.store)
            .refresh(refresh_token.expose(), None, now)
            .is_ok()
    }

    /// Live sessions.
    pub fn session_count(&self) -> usize {
        let mut store = lock(&self.shared.store);
        store.purge(self.shared.now());
        store.len()
    }

    /// Ends a session directly, bypassing HTTP (e.g. to simulate another admin); true if
    /// it was live.
    pub fn delete_session(&self, session_id: &str) -> bool {
        lock(&self.shared.store).delete(session_id)
    }

    /// The latest warnings the emulator logged (e.g. ignored filter keys), oldest first.
    pub fn warnings(&self) -> Vec<String> {
        self.shared.warnings()
    }

    /// HTTP requests received so far (every path).
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// Replaces the injected faults; the fault sequence restarts from the seed.
    pub fn set_faults(&self, faults: Faults) -> Result<(), String> {
        faults.validate()?;
        lock(&self.shared.faults).set(faults, self.seed);
        Ok(())
    }

    /// The emulator's current time: the wall clock, less the time seeding took, plus any
    /// [`advance`](Self::advance).
    pub fn now(&self) -> jiff::Timestamp {
        records::ts(self.shared.now())
    }

    /// Moves the emulator's clock forward, so expiry can be tested without waiting.
    pub fn advance(&self, by: Duration) {
        self.shared
            .clock_offset_us
            .fetch_add(micros(by), Ordering::Relaxed);
    }

    /// Starts logins arriving at `per_second` (users, places, devices and risk mixed as in
    /// the seed) until shutdown; each is a new live session from the emulator's "now".
    pub fn start_logins(&self, per_second: f64) -> Result<(), String> {
        if !(per_second.is_finite() && per_second > 0.0) {
            return Err(format!(
                "a login rate must be above 0 per second, not {per_second}"
            ));
        }
        let c = &self.config;
        let mut logins = seed::Logins::new(
            c.seed,
            c.users,
            micros(c.user_token_life),
            micros(c.refresh_token_life),
            c.intelligence,
        );
        let shared = self.shared.clone();
        let stop = self.cancel.clone();
        // Ticks of at least 10 ms, each adding the logins owed since the last one, so a
        // high rate does not mean a timer per login.
        let tick = Duration::from_secs_f64((1.0 / per_second).clamp(0.01, 3600.0));
        tokio::spawn(async move {
            let mut timer = tokio::time::interval(tick);
            timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            timer.tick().await;
            let mut last = std::time::Instant::now();
            let mut owed = 0.0_f64;
            loop {
                tokio::select! {
                    () = stop.cancelled() => return,
                    _ = timer.tick() => {}
                }
                owed += per_second * last.elapsed().as_secs_f64();
                last = std::time::Instant::now();
                let now = shared.now();
                let mut store = lock(&shared.store);
                while owed >= 1.0 {
                    owed -= 1.0;
                    match logins.next(now) {
                        Some(rec) => store.add_session(rec),
                        None => return,
                    }
                }
            }
        });
        Ok(())
    }

    /// Stops serving and waits for the server task.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        let _ = self.task.await;
    }
}
