//! The Insights tab: move between bars, per hour or per day, a bar's term to the query.

use crate::investigate::Bucket;
use crate::tui::app::App;
use crate::tui::command::Command;
use crate::tui::keymap::Action;
use crate::tui::strings;

/// Takes the Insights tab's actions.
pub(crate) fn handle(app: &mut App, action: Action, out: &mut Vec<Command>) -> bool {
    match action {
        Action::Down => app.move_bar(1),
        Action::Up => app.move_bar(-1),
        Action::Top => app.move_bar(isize::MIN / 2),
        Action::Bottom => app.move_bar(isize::MAX / 2),
        Action::PageDown | Action::PageUp => {
            let step = crate::tui::layout::page_step(app.viewport());
            app.move_bar(if action == Action::PageDown {
                step
            } else {
                -step
            });
        }
        Action::ToggleBucket => {
            let i = &mut app.insights;
            i.bucket = match i.bucket {
                Bucket::Hour => Bucket::Day,
                Bucket::Day => Bucket::Hour,
            };
            i.selected = 0;
        }
        Action::AddBarTerm => app.add_bar_term(out),
        Action::NextChart => app.next_chart(),
        _ => return false,
    }
    true
}

impl App {
    /// Insights tab, `Enter`: the selected bar's term added to the query; `Esc` comes
    /// back here.
    pub(crate) fn add_bar_term(&mut self, out: &mut Vec<Command>) {
        let bars = self.insights.bars();
        let Some(bar) = bars.get(self.insights.selected) else {
            self.say(strings::NOTHING_SELECTED);
            return;
        };
        let Some(term) = &bar.term else {
            self.say(strings::BAR_HAS_NO_TERM);
            return;
        };
        let text = match self.sessions.query_text().trim() {
            "" => term.clone(),
            q => format!("{q} {term}"),
        };
        let chosen = term.clone();
        self.drill_down(chosen, text, out);
    }

    /// Insights tab: move the bar selection.
    pub(crate) fn move_bar(&mut self, delta: isize) {
        let n = self.insights.bars().len();
        let i = &mut self.insights.selected;
        *i = i.saturating_add_signed(delta).min(n.saturating_sub(1));
    }

    /// The first bar of the next chart that has any, wrapping round to the first chart.
    pub(crate) fn next_chart(&mut self) {
        let bars = self.insights.bars();
        let Some(here) = bars.get(self.insights.selected).map(|b| b.chart) else {
            return;
        };
        let after = bars
            .iter()
            .skip(self.insights.selected)
            .position(|b| b.chart != here)
            .map(|p| p + self.insights.selected);
        self.insights.selected = after.unwrap_or(0);
    }
}
