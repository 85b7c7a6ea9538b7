//! The Pangea AuthN session API: models, client, errors. Knows nothing of terminals.

pub mod client;
pub mod error;
pub mod model;
pub mod secret;

pub use client::{Client, ClientConfig, ListScope, PageError, Response, RetryPolicy};
pub use error::{ApiError, ApiStatus, Error, TransportKind};
pub use secret::Secret;
