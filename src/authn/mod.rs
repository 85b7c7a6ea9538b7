//! The Pangea AuthN session API: models, client, errors. Knows nothing of terminals.

pub mod call;
pub mod client;
pub mod decode;
pub mod error;
pub mod model;
mod pages;
pub mod redact;
mod retry;
pub mod secret;
mod transport;
pub mod url;

pub use call::Call;
pub use client::{
    Acted, Client, ClientConfig, ListScope, PageError, Response, RetryHook, RetryNotice,
    RetryPolicy,
};
pub use error::{ApiError, ApiStatus, Error, TransportKind};
pub use secret::Secret;
