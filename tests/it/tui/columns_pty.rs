//! The real binary in a pseudo-terminal, in demo mode, at 80×24, 120×30 and 200×50: the
//! RISK column is on screen at every size; where columns are hidden the header says how
//! many, and `→` brings a hidden one on screen.

use crate::harness::pty::Tui;

/// The table's header line: the one with the EMAIL title.
fn header(screen: &str) -> Option<String> {
    screen
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == "EMAIL"))
        .map(str::to_owned)
}

/// The column titles of a header line.
fn titles(header: &str) -> Vec<String> {
    let known = [
        "ID", "EMAIL", "IDENTITY", "TYPE", "CREATED", "EXPIRES", "LOCATION", "DEVICE", "RISK",
        "SCOPES",
    ];
    header
        .split_whitespace()
        .filter(|w| known.contains(w))
        .map(str::to_owned)
        .collect()
}

fn at_size(cols: u16, rows: u16) {
    let mut tui = Tui::spawn(cols, rows, &[]);
    // The info line's row position says the first page is on screen.
    let screen = tui.wait_until("the table with rows", |s| {
        header(s).is_some() && s.contains("[1/")
    });
    let head = header(&screen).unwrap_or_default();
    let before = titles(&head);
    assert!(
        before.iter().any(|t| t == "RISK"),
        "{cols}x{rows}: RISK shown:\n{screen}"
    );
    if cols < 200 {
        assert!(
            head.contains("cols →/l"),
            "{cols}x{rows}: the marker:\n{screen}"
        );
    }
    if head.contains("cols →/l") {
        tui.send("\x1b[C");
        let after = tui.wait_until("a hidden column after →", |s| {
            header(s).is_some_and(|h| titles(&h).iter().any(|t| !before.contains(t)))
        });
        let h = header(&after).unwrap_or_default();
        assert!(
            h.trim_start().starts_with("EMAIL"),
            "the email stays put:\n{after}"
        );
    }
    tui.send("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn risk_shows_and_hidden_columns_are_one_key_away_at_80x24() {
    at_size(80, 24);
}

#[test]
fn risk_shows_and_hidden_columns_are_one_key_away_at_120x30() {
    at_size(120, 30);
}

#[test]
fn risk_shows_and_hidden_columns_are_one_key_away_at_200x50() {
    at_size(200, 50);
}

#[test]
fn shift_r_sorts_the_whole_result_by_risk_worst_first() {
    let mut tui = Tui::spawn(120, 30, &[]);
    tui.wait_until("the table with rows", |s| {
        header(s).is_some() && s.contains("[1/")
    });
    tui.send("R");
    let sorted = tui.wait_until("the result sorted by risk", |s| {
        s.contains("order risk ▼") && header(s).is_some_and(|h| h.contains("RISK ▼"))
    });
    // The first row carries a danger flag: the worst comes first.
    let head = header(&sorted).unwrap_or_default();
    let first = sorted
        .lines()
        .skip_while(|l| *l != head)
        .nth(1)
        .unwrap_or_default();
    assert!(
        ["MAL", "EMB", "BRE"].iter().any(|c| first.contains(c)),
        "{sorted}"
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
}
