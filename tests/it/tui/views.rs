//! Saved views in the TUI: `:NAME` puts a view's query in force in the Sessions tab from
//! page 1, `:views` lists them in a picker, typos and Tab know their names.

use crate::harness::app::*;
use authtop::config::views::merged;
use authtop::tui::app::{App, AppInit, PickerKind, Tab};
use authtop::tui::command::{Command, ListSource};
use ratatui::crossterm::event::KeyCode;
use std::collections::BTreeMap;

fn status(app: &App) -> String {
    app.status_message()
        .map(|(_, m)| m.to_string())
        .unwrap_or_default()
}

fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| app.update(key(c), now()))
        .collect()
}

/// Runs `:line` and returns the commands it sent.
fn colon(app: &mut App, line: &str) -> Vec<Command> {
    let mut out = app.update(key(':'), now());
    out.extend(typed(app, line));
    out.extend(app.update(code(KeyCode::Enter), now()));
    out
}

fn with_views() -> AppInit {
    let config = BTreeMap::from([("finance".to_string(), "email~@finance.example".to_string())]);
    AppInit {
        views: merged(&config),
        ..quiet()
    }
}

/// The filter of the one List command among `cmds`, as JSON.
fn listed_filter(cmds: &[Command]) -> serde_json::Value {
    let lists = lists(cmds);
    assert_eq!(lists.len(), 1, "{cmds:?}");
    let Command::List { query, source, .. } = &lists[0] else {
        unreachable!()
    };
    assert_eq!(*source, ListSource::Sessions);
    assert_eq!(query.cursor, None, "a view opens on page 1");
    serde_json::to_value(&query.filter).unwrap()
}

#[test]
fn a_view_by_name_puts_its_query_in_force_from_page_one() {
    let mut app = loaded(with_views(), sessions(0, 3), Some("c2"), 120, 30);
    let cmds = colon(&mut app, "finance");
    assert_eq!(
        listed_filter(&cmds),
        serde_json::json!({"email__contains": ["@finance.example"]})
    );
    assert_eq!(
        app.table(ListSource::Sessions).query_text(),
        "email~@finance.example"
    );
    assert!(status(&app).contains("view finance"), "{}", status(&app));
    // A shipped view with local terms is the same query as typed: a walk, not one page.
    let cmds = colon(&mut app, "risky");
    let t = app.table(ListSource::Sessions);
    assert_eq!(t.query_text(), "risk=malicious,suspicious");
    assert!(t.set().has_local());
    assert!(lists(&cmds).is_empty(), "{cmds:?}");
    assert!(!cmds.is_empty(), "nothing was asked of the worker");
}

#[test]
fn views_lists_every_view_and_enter_shows_the_one_under_the_cursor() {
    let mut app = loaded(with_views(), sessions(0, 3), None, 120, 30);
    assert!(colon(&mut app, "views").is_empty());
    let picker = app.picker().expect("a picker");
    assert_eq!(picker.kind, PickerKind::Views);
    let names: Vec<&str> = picker.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(
        names,
        [
            "admins", "embargo", "ending", "finance", "hidden", "new", "risky"
        ]
    );
    // j three times: finance, drawn with its query and the cursor on it.
    for _ in 0..3 {
        app.update(key('j'), now());
    }
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
    t.draw(|f| authtop::tui::view::draw(&app, f)).unwrap();
    let screen: String = t
        .backend()
        .buffer()
        .content
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    assert!(screen.contains("Views"), "{screen}");
    assert!(
        screen.contains("▶ finance  email~@finance.example"),
        "{screen}"
    );
    assert!(
        screen.contains("  risky    risk=malicious,suspicious"),
        "{screen}"
    );
    let cmds = app.update(code(KeyCode::Enter), now());
    assert!(app.picker().is_none());
    assert_eq!(
        listed_filter(&cmds),
        serde_json::json!({"email__contains": ["@finance.example"]})
    );
    assert_eq!(app.tab(), Tab::Sessions);
}

#[test]
fn a_mistyped_view_gets_did_you_mean_and_tab_completes_view_names() {
    let mut app = loaded(with_views(), sessions(0, 3), None, 120, 30);
    let before = app.table(ListSource::Sessions).query_text().to_string();
    assert!(colon(&mut app, "finanse").is_empty());
    assert!(
        status(&app).contains("did you mean `:finance`"),
        "{}",
        status(&app)
    );
    assert_eq!(app.table(ListSource::Sessions).query_text(), before);
    app.update(key(':'), now());
    typed(&mut app, "fin");
    app.update(code(KeyCode::Tab), now());
    assert_eq!(app.command_line().unwrap().text(), "finance");
}

#[test]
fn a_view_that_no_longer_compiles_shows_its_error_and_sends_nothing() {
    let config = BTreeMap::from([("broken".to_string(), "created>yesterday".to_string())]);
    let init = AppInit {
        views: merged(&config),
        ..quiet()
    };
    let mut app = loaded(init, sessions(0, 3), None, 120, 30);
    assert!(lists(&colon(&mut app, "broken")).is_empty());
    assert!(
        status(&app).contains("view broken does not compile"),
        "{}",
        status(&app)
    );
    assert!(app.table(ListSource::Sessions).query_error().is_some());
}
