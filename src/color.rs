//! Whether to colour output: `--color never|auto|always`, the `color` config key,
//! `NO_COLOR` and `TERM=dumb`, decided in one place for the CLI and the TUI.

use serde::Deserialize;
use std::fmt;

/// The `--color` flag and `color` config key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// Never colour or embolden.
    Never,
    /// Colour on a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    #[default]
    Auto,
    /// Always colour, even into a pipe.
    Always,
}

impl fmt::Display for ColorChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ColorChoice::Never => "never",
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
        })
    }
}

/// What the environment says about colour, read once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColorEnv {
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// `TERM` is `dumb`: the terminal understands no escape sequences.
    pub dumb: bool,
}

impl ColorEnv {
    /// Reads `NO_COLOR` and `TERM` from the process environment.
    pub fn from_process() -> Self {
        Self {
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            dumb: std::env::var("TERM").is_ok_and(|t| t.trim() == "dumb"),
        }
    }
}

impl ColorChoice {
    /// Whether output going to a terminal (`is_terminal`) or not gets colour.
    /// An explicit `always` beats `NO_COLOR`: the user asked on this very run. `TERM=dumb`
    /// turns escapes off even then, since such a terminal prints them as garbage.
    pub fn enabled(self, is_terminal: bool, env: ColorEnv) -> bool {
        match self {
            ColorChoice::Never => false,
            ColorChoice::Always => !env.dumb,
            ColorChoice::Auto => is_terminal && !env.no_color && !env.dumb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_switches_colour_off_or_on() {
        let plain = ColorEnv::default();
        let no_color = ColorEnv {
            no_color: true,
            dumb: false,
        };
        let dumb = ColorEnv {
            no_color: false,
            dumb: true,
        };
        assert!(ColorChoice::Auto.enabled(true, plain));
        assert!(!ColorChoice::Auto.enabled(false, plain));
        assert!(!ColorChoice::Auto.enabled(true, no_color));
        assert!(!ColorChoice::Auto.enabled(true, dumb));
        assert!(!ColorChoice::Never.enabled(true, plain));
        assert!(ColorChoice::Always.enabled(false, no_color));
        assert!(!ColorChoice::Always.enabled(true, dumb));
    }
}
