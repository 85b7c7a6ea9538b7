//! Investigating a query's whole result: which sessions come from where, on what, and
//! how risky they are. No terminal types here: the CLI prints what these build, and a
//! terminal view can draw the same.
//!
//! * [`facts`]: location, User-Agent and risk flags of one session;
//! * [`glance`]: the parts of a session the walks read, from a typed session or from its
//!   JSON text without decoding the rest;
//! * [`device`]: browser and OS from a User-Agent (the `ua-parser` crate, uap-core rules);
//! * [`matcher`]: a query's local terms checked on one session;
//! * [`walk`]: every matching page streamed through the local terms, with progress and
//!   cancellation, one page in memory at a time; a run of matches found again from its
//!   anchor;
//! * [`users`]: sessions grouped by user;
//! * [`insights`]: logins over time, top countries and devices, risk, expiring soon.
//! * [`tail`]: logins as they arrive: the next poll, which sessions are new, the back-off.
//! * [`scopes`]: which scopes are privileged, shown first and whole;
//! * [`sort`]: ordering a result by risk, location, device or scopes, which the server
//!   cannot order by.

pub mod device;
pub mod facts;
pub mod glance;
pub mod insights;
pub mod matcher;
pub mod scopes;
pub mod sort;
pub mod tail;
pub mod users;
pub mod walk;

pub use device::{Device, Devices};
pub use facts::Risk;
pub use glance::Glance;
pub use insights::{Bucket, Insights};
pub use matcher::Matcher;
pub use users::{UserColumn, UserRow, Users};
pub use walk::{
    Anchor, Outcome, Progress, Seen, WalkError, matches_from, walk, walk_seen, walk_split,
};
