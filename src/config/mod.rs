//! Profiles, environment and config file; where tokens come from.

pub mod token_file;
