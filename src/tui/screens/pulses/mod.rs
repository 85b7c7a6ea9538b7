//! The Pulses tab: logins as they arrive, polled while the tab is shown, as a rate chart
//! per minute (risky logins in the danger colour) over the latest arrivals.

pub(crate) mod keys;
pub mod state;
pub(crate) mod view;
