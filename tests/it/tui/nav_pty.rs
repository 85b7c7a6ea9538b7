//! The real binary in a pseudo-terminal at three sizes: a query, a page and a row chosen
//! in Sessions, a drill-down from the Users tab into one user's sessions, then `Esc`:
//! the Users row, the query, the page and the selected session are back on screen.

use crate::harness::emulator::{config, start_on_runtime};
use crate::harness::pty::Tui;
use authtop::emulator::Faults;

/// The line of the screen that starts with the query bar's text, or "".
fn query_line(screen: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains("email~acme") || l.contains("identity=pui_"))
        .unwrap_or_default()
        .to_owned()
}

fn back_where_it_was(cols: u16, rows: u16) {
    let (_rt, emu) = start_on_runtime(config(40, 1_200, Faults::default()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(
        &path,
        "[profiles.default]\npage_size = 10\nauto_reload = \"off\"\n",
    )
    .unwrap();
    let base_url = emu.base_url();
    let service = emu.service_token().expose().to_string();
    let mut tui = Tui::spawn_with(
        cols,
        rows,
        &["--base-url", &base_url, "--token", &service],
        &[("AUTHTOP_CONFIG", path.to_str().unwrap())],
    );
    tui.wait_until("the first page", |s| s.contains("page 1"));
    tui.send("/email~acme\r");
    tui.wait_until("the query's first page", |s| {
        query_line(s).contains("email~acme") && s.contains("page 1 of")
    });
    tui.send("]");
    tui.wait_until("page 2", |s| s.contains("page 2 of"));
    tui.send("jj");
    let chosen = wait_selected(&mut tui, "the third row", 2);
    let page = tui.screen();
    let page_was = page_words(&page);

    tui.send("4");
    tui.wait_until("the users of the query", users_shown);
    tui.send("j");
    let user = wait_selected(&mut tui, "the second user", 1);
    tui.send("\r");
    let drilled = tui.wait_until("that user's sessions", |s| {
        query_line(s).contains("identity=pui_") && s.contains("page 1")
    });
    // The breadcrumb in the header, the user's id whole (36 cells) at every size.
    let header = drilled.lines().next().unwrap();
    let id = header
        .split(" › ")
        .nth(1)
        .unwrap_or_default()
        .trim_end_matches(" › sessions");
    assert!(
        header.contains("Users › pui_") && header.contains(" › sessions") && id.len() == 36,
        "{cols}x{rows}: the breadcrumb in the header:\n{drilled}"
    );

    tui.send("\x1b");
    let back = tui.wait_until("the Users tab as it was", |s| {
        query_line(s).contains("email~acme") && users_shown(s)
    });
    assert!(!back.lines().next().unwrap().contains('›'), "{back}");
    assert_eq!(
        tui.selected_rows(),
        [user],
        "{cols}x{rows}: the same user selected:\n{back}"
    );
    tui.send("1");
    let sessions = tui.wait_until("the page as it was", |s| {
        query_line(s).contains("email~acme") && page_words(s) == page_was
    });
    assert_eq!(
        tui.selected_rows(),
        [chosen],
        "{cols}x{rows}: the same session selected:\n{sessions}"
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
}

/// The Users tab's rows are on screen, the walk over.
fn users_shown(screen: &str) -> bool {
    screen.contains("LAST LOGIN") && screen.contains("@acme.test") && !screen.contains("walking")
}

/// The `page N of M` words of the info line.
fn page_words(screen: &str) -> String {
    let Some(at) = screen.find("page ") else {
        return String::new();
    };
    screen[at..]
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Waits until exactly one row is selected and it is the `nth` (0-based) row of the
/// list, counted from the first list row: the selected text, whole.
fn wait_selected(tui: &mut Tui, what: &str, nth: usize) -> String {
    tui.wait_until(what, |_| true);
    let deadline = std::time::Instant::now() + crate::harness::pty::PATIENCE;
    loop {
        let sel = tui.selected_rows();
        let screen = tui.screen();
        if let [one] = sel.as_slice()
            && row_index(&screen, one) == Some(nth)
        {
            return one.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: selected {sel:?}\n{screen}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Where `row` is among the list's rows: the rows after the column header line.
fn row_index(screen: &str, row: &str) -> Option<usize> {
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines.iter().position(|l| l.trim_end() == row)?;
    let header = lines[..at]
        .iter()
        .rposition(|l| l.contains("EMAIL") || l.contains("SESSION") || l.contains("CREATED"))?;
    Some(at - header - 1)
}

#[test]
fn esc_after_a_users_drill_down_at_80x24() {
    back_where_it_was(80, 24);
}

#[test]
fn esc_after_a_users_drill_down_at_120x30() {
    back_where_it_was(120, 30);
}

#[test]
fn esc_after_a_users_drill_down_at_200x50() {
    back_where_it_was(200, 50);
}
