//! The Pangea AuthN session API: models, client, errors. Knows nothing of terminals.

pub mod call;
pub mod client;
pub mod client_config;
pub mod decode;
pub mod error;
pub mod model;
mod pages;
pub mod partition;
pub mod redact;
pub mod response;
mod retry;
pub mod secret;
mod transport;
pub mod url;

pub use call::{Call, ListScope};
pub use client::{Acted, Client};
pub use client_config::ClientConfig;
pub use error::{ApiError, ApiStatus, Error, TransportKind};
pub use response::{PageError, Response};
pub(crate) use retry::is_retryable_status;
pub use retry::{RetryHook, RetryNotice, RetryPolicy};
pub use secret::Secret;
