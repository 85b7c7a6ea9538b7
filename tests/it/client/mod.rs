//! The AuthN client against scripted servers: polite, hostile, slow and restarted.

mod connection;
mod pages_ahead;
mod scripted;
mod slow_server;
mod walks;
