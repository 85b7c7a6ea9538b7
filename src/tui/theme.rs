//! Colours that mean something: danger, warning, expiring soon, admin scope and badges,
//! from the config's `[theme]` section, switched off as a whole by the one colour decision
//! (`--color`, `NO_COLOR`, `TERM=dumb`: [`crate::color`]). With colour off, every style
//! here keeps its bold, reverse or underline and the text carries the meaning (`⚠`, `!`,
//! risk codes), so nothing is told by colour alone.

pub use crate::config::ThemeConfig;
use ratatui::style::{Color, Modifier, Style};
use std::str::FromStr;

/// The colours in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Colour is on (off: styles keep only their modifiers).
    pub color: bool,
    /// The `danger` colour.
    pub danger: Color,
    /// The `warning` colour.
    pub warning: Color,
    /// The `expiring` colour.
    pub expiring: Color,
    /// The `admin` colour.
    pub admin: Color,
    /// The `badge` colour.
    pub badge: Color,
    /// Good news: nothing flagged, most of a token's life left, a plain bar.
    pub good: Color,
    /// A query term the server filters, and the refresh marks under the life chart.
    pub server: Color,
    /// A query term checked locally on each session.
    pub local: Color,
    /// A walk's progress gauge.
    pub progress: Color,
    /// Something the server did not say (a risk bar of sessions without intelligence).
    pub faint: Color,
}

impl Default for Theme {
    fn default() -> Self {
        Self {
            color: true,
            danger: Color::Red,
            warning: Color::Yellow,
            expiring: Color::LightYellow,
            admin: Color::Magenta,
            badge: Color::Yellow,
            good: Color::Green,
            server: Color::Cyan,
            local: Color::Magenta,
            progress: Color::Blue,
            faint: Color::DarkGray,
        }
    }
}

impl Theme {
    /// The defaults with the config's colours over them; each colour that does not parse
    /// is named in the warnings and keeps its default.
    pub fn from_config(config: &ThemeConfig, color: bool) -> (Theme, Vec<String>) {
        let mut theme = Theme {
            color,
            ..Theme::default()
        };
        let mut warnings = Vec::new();
        for (name, value, slot) in [
            ("danger", &config.danger, &mut theme.danger),
            ("warning", &config.warning, &mut theme.warning),
            ("expiring", &config.expiring, &mut theme.expiring),
            ("admin", &config.admin, &mut theme.admin),
            ("badge", &config.badge, &mut theme.badge),
        ] {
            if let Some(v) = value {
                match Color::from_str(v.trim()) {
                    Ok(c) => *slot = c,
                    Err(_) => warnings.push(format!(
                        "theme.{name}: `{}` is not a colour (a name such as red, #rrggbb or 0-255)",
                        crate::sanitize::clean(v)
                    )),
                }
            }
        }
        (theme, warnings)
    }

    /// No colour at all: `--color never`, `NO_COLOR`, `TERM=dumb`.
    pub fn monochrome() -> Theme {
        Theme {
            color: false,
            ..Theme::default()
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Destructive dialogs, errors: bold, in the danger colour.
    pub fn danger(&self) -> Style {
        self.fg(self.danger).add_modifier(Modifier::BOLD)
    }

    /// A dialog's frame and an error's text: the danger colour without bold.
    pub fn danger_plain(&self) -> Style {
        self.fg(self.danger)
    }

    /// Retries, staleness, a suspicious flag.
    pub fn warning(&self) -> Style {
        self.fg(self.warning)
    }

    /// A time that runs out within the hour (the cell also carries a `!`).
    pub fn expiring(&self) -> Style {
        self.fg(self.expiring).add_modifier(Modifier::BOLD)
    }

    /// A scope naming `admin`.
    pub fn admin(&self) -> Style {
        self.fg(self.admin).add_modifier(Modifier::BOLD)
    }

    /// Good news: nothing flagged, a healthy token.
    pub fn good(&self) -> Style {
        self.fg(self.good)
    }

    /// A query term the server filters.
    pub fn server(&self) -> Style {
        self.fg(self.server)
    }

    /// A query term checked locally on each session.
    pub fn local(&self) -> Style {
        self.fg(self.local)
    }

    /// A walk's progress gauge.
    pub fn progress(&self) -> Style {
        self.fg(self.progress)
    }

    /// A bar of what the server did not say.
    pub fn faint(&self) -> Style {
        self.fg(self.faint)
    }

    /// Colour off: every cell of a drawn frame loses its colours and keeps its bold,
    /// reverse and underline, whichever screen drew it, so the choice holds on screens
    /// that pick colours themselves.
    pub fn strip(buffer: &mut ratatui::buffer::Buffer) {
        for cell in &mut buffer.content {
            cell.fg = Color::Reset;
            cell.bg = Color::Reset;
        }
    }

    /// The DEMO and RO badges: reversed and bold even without colour.
    pub fn badge(&self) -> Style {
        let s = Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED);
        if self.color {
            s.fg(Color::Black).bg(self.badge)
        } else {
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_colour_each_meaning_and_monochrome_keeps_only_modifiers() {
        let t = Theme::default();
        assert_eq!(t.danger().fg, Some(Color::Red));
        assert_eq!(t.warning().fg, Some(Color::Yellow));
        assert_eq!(t.expiring().fg, Some(Color::LightYellow));
        assert_eq!(t.admin().fg, Some(Color::Magenta));
        assert_eq!(t.badge().bg, Some(Color::Yellow));
        let m = Theme::monochrome();
        for s in [m.danger(), m.warning(), m.expiring(), m.admin(), m.badge()] {
            assert_eq!((s.fg, s.bg), (None, None), "{s:?}");
        }
        assert!(m.danger().add_modifier.contains(Modifier::BOLD));
        assert!(m.badge().add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn config_colours_override_and_bad_ones_are_named() {
        let cfg = ThemeConfig {
            danger: Some("#ff0000".into()),
            admin: Some("light-blue".into()),
            warning: Some("not-a-colour".into()),
            ..ThemeConfig::default()
        };
        let (t, warnings) = Theme::from_config(&cfg, true);
        assert_eq!(t.danger, Color::Rgb(255, 0, 0));
        assert_eq!(t.admin, Color::LightBlue);
        assert_eq!(t.warning, Color::Yellow);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("theme.warning"), "{warnings:?}");
    }
}
