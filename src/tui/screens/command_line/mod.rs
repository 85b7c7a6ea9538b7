//! The `:` command line: `:profile NAME`, `:q`, `:page N`, `:views` and `:NAME` (a saved
//! view), and commands that run an action of the registry by name (`:export`,
//! `:columns`). Tab completes command, view and profile names; a typo gets a did-you-mean.

pub mod complete;
mod views;

use crate::tui::app::{App, LineEditor};
use crate::tui::command::{Command, Effect};
use crate::tui::keymap::Keymap;
use crate::tui::screens::overlay::Overlay;
use crate::tui::strings;
use complete::Completion;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// The commands, for completion and did-you-mean.
pub(crate) const COMMANDS: &[&str] =
    &["columns", "export", "page", "profile", "q", "quit", "views"];

/// Commands that run the registry action of the same name, where this build has one.
const BY_ACTION: &[&str] = &["export", "columns"];

impl App {
    /// Opens the command line with `text` typed (`#` opens it at `page `).
    pub(crate) fn open_command_line(&mut self, text: &str) {
        self.open(Overlay::Command(LineEditor::new(text)));
    }

    fn command_line_mut(&mut self) -> Option<&mut LineEditor> {
        match self.overlays.last_mut() {
            Some(Overlay::Command(e)) => Some(e),
            _ => None,
        }
    }

    fn close_command_line(&mut self) -> Option<LineEditor> {
        match self.close_where(|o| matches!(o, Overlay::Command(_))) {
            Some(Overlay::Command(e)) => Some(e),
            _ => None,
        }
    }

    /// A key while the command line is open.
    pub(crate) fn on_command_key(&mut self, key: KeyEvent, out: &mut Vec<Command>) {
        match key.code {
            KeyCode::Esc => {
                self.close_command_line();
            }
            KeyCode::Enter => {
                let text = self
                    .close_command_line()
                    .map(|e| e.text())
                    .unwrap_or_default();
                self.run_command(&text, out);
            }
            KeyCode::Tab => self.complete_command(),
            KeyCode::Backspace if self.command_line().is_some_and(|e| e.text().is_empty()) => {
                self.close_command_line();
            }
            _ => {
                if let Some(e) = self.command_line_mut() {
                    e.handle(&key);
                }
            }
        }
    }

    /// Runs one command line.
    pub(crate) fn run_command(&mut self, line: &str, out: &mut Vec<Command>) {
        let line = line.trim().trim_start_matches(':');
        let (name, arg) = line.split_once(' ').unwrap_or((line, ""));
        let arg = arg.trim();
        match name {
            "" => {}
            "q" | "quit" => self.quit(),
            "page" => self.jump_to_page(arg, out),
            "profile" => self.switch_profile(arg),
            "views" => self.open_views_picker(),
            n if self.is_view(n) => self.show_view(n, out),
            n if BY_ACTION.contains(&n) => match Keymap::action_named(n) {
                Some(action) => self.act(action, out),
                None => self.say(strings::not_available(n)),
            },
            other => {
                let names = COMMANDS
                    .iter()
                    .copied()
                    .chain(self.setup.views.iter().map(|v| v.name.as_str()));
                let hint = crate::query::closest(other, names);
                self.say(strings::unknown_command(other, hint));
            }
        }
    }

    /// `:profile NAME`: asks the loop to reconnect with that profile, unless destructive
    /// work is still running (it would be cut off) or the name is not a profile.
    fn switch_profile(&mut self, name: &str) {
        if name.is_empty() {
            self.say(strings::profile_usage(&self.setup.profiles));
        } else if name == self.setup.profile {
            self.say(strings::same_profile(name));
        } else if !self.setup.profiles.iter().any(|p| p == name) {
            let hint = crate::query::closest(name, self.setup.profiles.iter().map(String::as_str));
            self.say(strings::unknown_profile(name, hint, &self.setup.profiles));
        } else if self.destructive_in_flight() > 0 || self.dialog().is_some() {
            self.say(strings::switch_waits(self.destructive_in_flight().max(1)));
        } else {
            self.say(strings::switching_to(name));
            self.effects.push(Effect::SwitchProfile(name.to_string()));
        }
    }

    /// Tab on the command line: a command name, or a profile name after `profile `.
    fn complete_command(&mut self) {
        let Some(e) = self.command_line() else {
            return;
        };
        let text = e.text();
        let (done, word, choices): (&str, &str, Vec<&str>) = match text.split_once(' ') {
            None => (
                "",
                text.as_str(),
                COMMANDS
                    .iter()
                    .copied()
                    .chain(self.setup.views.iter().map(|v| v.name.as_str()))
                    .collect(),
            ),
            Some(("profile", arg)) => (
                "profile ",
                arg.trim_start(),
                self.setup.profiles.iter().map(String::as_str).collect(),
            ),
            Some(_) => return,
        };
        match complete::among(word, choices) {
            Completion::Extend(w) => {
                let space = if done.is_empty() && COMMANDS.contains(&w.as_str()) {
                    " "
                } else {
                    ""
                };
                if let Some(e) = self.command_line_mut() {
                    *e = LineEditor::new(&format!("{done}{w}{space}"));
                }
            }
            Completion::Choices(list) => self.say(strings::completions(&list)),
            Completion::None => self.say(strings::no_completion(word)),
        }
    }

    /// Tab in the query editor: the word before the cursor becomes a field name, or the
    /// field's operators are listed.
    pub(crate) fn complete_query(&mut self) {
        let Some(e) = self.editor_mut() else {
            return;
        };
        let before = e.before_cursor();
        let start = before.rfind(' ').map_or(0, |i| i + 1);
        let word = &before[start..];
        if word.is_empty() {
            return;
        }
        match complete::query_word(word) {
            Completion::Extend(w) => {
                e.replace_before_cursor(word.chars().count(), &w);
                self.recompile();
            }
            Completion::Choices(list) => self.say(strings::completions(&list)),
            Completion::None => self.say(strings::no_completion(word)),
        }
    }

    /// Up/Down in the query editor: older and newer queries of this profile.
    pub(crate) fn browse_history(&mut self, older: bool) {
        let Some(typed) = self.editor().map(LineEditor::text) else {
            return;
        };
        let text = if older {
            self.history.older(&typed).map(str::to_string)
        } else {
            self.history.newer()
        };
        match text {
            Some(t) => {
                if let Some(e) = self.editor_mut() {
                    *e = LineEditor::new(&t);
                }
                self.recompile();
            }
            None => self.say(strings::HISTORY_END),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_command_is_a_name_no_view_may_take() {
        for c in super::COMMANDS {
            assert!(crate::config::views::RESERVED.contains(c), "{c}");
        }
    }
}
