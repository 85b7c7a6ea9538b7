//! The emulator over loopback: endpoints, listing and injected faults.

mod api;
mod demo;
mod faults;
mod intel;
mod list;
mod logins;
mod openapi;
