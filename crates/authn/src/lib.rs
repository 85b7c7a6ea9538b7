//! A client for Pangea AuthN's session API: typed calls, retries and throttling, paged and
//! partitioned walks of the session lists, errors that carry the request id, and tokens
//! that never reach a log.
//!
//! Knows nothing of terminals, command lines, configuration files or the emulator: a
//! program gives it a [`ClientConfig`] and gets typed answers or an [`Error`]. The wire
//! models are the `pangea-authn-model` crate, re-exported whole as [`model`].
#![forbid(unsafe_code)]

pub mod call;
pub mod client;
pub mod client_config;
pub mod decode;
pub mod error;
pub mod human;
pub mod pace;
mod pages;
pub mod partition;
pub mod redact;
pub mod response;
mod retry;
pub mod sanitize;
mod transport;
pub mod url;

pub use call::{Call, ListScope};
pub use client::{Acted, Client};
pub use client_config::ClientConfig;
pub use error::{ApiError, ApiStatus, Error, TransportKind};
pub use pangea_authn_model as model;
pub use pangea_authn_model::secret;
pub use response::{PageError, Response};
pub use retry::{RetryHook, RetryNotice, RetryPolicy, is_retryable_status};
pub use secret::Secret;
