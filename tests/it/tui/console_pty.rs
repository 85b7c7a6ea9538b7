//! The real binary in a pseudo-terminal at 80×24, 120×30 and 200×50: a Users row with
//! wide (CJK) characters lines up with the others, with ids whole or not shown at all,
//! and a long failure in the message log keeps its request id.

use crate::harness::emulator::{config, start_on_runtime};
use crate::harness::pty::Tui;
use authtop::emulator::Faults;
use unicode_width::UnicodeWidthStr;

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 30), (200, 50)];

/// The terminal column (in cells) where `needle` starts on `line`.
fn column_of(line: &str, needle: &str) -> Option<usize> {
    line.find(needle).map(|at| line[..at].width())
}

/// The terminal column just past the first whole word of digits after `from` cells.
fn end_of_count(line: &str, from: usize) -> Option<usize> {
    let mut col = 0;
    let mut end = None;
    for (i, c) in line.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if col >= from && c.is_ascii_digit() {
            let rest = &line[i..];
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if rest[digits..].starts_with(' ') && line[..i].ends_with(' ') {
                end = Some(col + digits);
                break;
            }
        }
        col += w;
    }
    end
}

#[test]
fn a_users_row_with_wide_characters_lines_up_and_ids_are_whole_or_absent() {
    let (_rt, emu) = start_on_runtime(config(40, 200, Faults::default()));
    let users = emu.tokens(usize::MAX);
    let wide = users
        .iter()
        .find(|u| {
            u.email
                .chars()
                .any(|c| unicode_width::UnicodeWidthChar::width(c) == Some(2))
        })
        .expect("the seed has a user with CJK characters in the email");
    let narrow = users
        .iter()
        .find(|u| u.email.is_ascii())
        .expect("an ASCII user");
    let base_url = emu.base_url();
    let service = emu.service_token().expose().to_string();
    for (cols, rows) in SIZES {
        let mut tui = Tui::spawn_with(
            cols,
            rows,
            &["--base-url", &base_url, "--token", &service],
            &[],
        );
        tui.wait_until("the first page", |s| s.contains("pmt_") || s.contains('@'));
        tui.send(&format!("/identity={},{}\r", wide.user_id, narrow.user_id));
        tui.send("4");
        let screen = tui.wait_until("both users in Users", |s| {
            s.contains("SESSIONS")
                && s.lines().any(|l| l.contains(&wide.email))
                && s.lines().any(|l| l.contains(&narrow.email))
        });
        let lines: Vec<&str> = screen.lines().collect();
        let header = lines
            .iter()
            .find(|l| l.contains("SESSIONS"))
            .expect("the header");
        let login_at = column_of(header, "LAST LOGIN").expect("LAST LOGIN");
        let mut count_ends = Vec::new();
        for email in [&wide.email, &narrow.email] {
            let row = lines.iter().find(|l| l.contains(email.as_str())).unwrap();
            count_ends.push(end_of_count(
                row,
                column_of(row, email).unwrap() + email.width(),
            ));
            let ago = row.find(" ago").expect("a relative login time");
            let start = row[..ago].rfind(' ').map_or(0, |i| i + 1);
            assert_eq!(
                row[..start].width(),
                login_at,
                "{cols}x{rows}: the login time of {email} starts under its header:\n{screen}"
            );
            // An id is shown whole or not at all.
            let id = if email == &wide.email {
                &wide.user_id
            } else {
                &narrow.user_id
            };
            if row.contains("pui_") {
                assert!(
                    row.contains(id.as_str()),
                    "{cols}x{rows}: a cut id:\n{screen}"
                );
            }
        }
        assert!(
            count_ends[0].is_some() && count_ends[0] == count_ends[1],
            "{cols}x{rows}: the session counts end in the same column:\n{screen}"
        );
        if cols >= 120 {
            assert!(
                lines.iter().any(|l| l.contains(wide.user_id.as_str())),
                "{cols}x{rows}: the identity column is shown:\n{screen}"
            );
        }
        tui.send("q");
        assert!(tui.wait_exit().success());
    }
}

#[test]
fn a_long_failure_keeps_its_request_id_in_the_message_log_at_every_size() {
    for (cols, rows) in SIZES {
        let (_rt, emu) = start_on_runtime(config(5, 40, Faults::default()));
        let base_url = emu.base_url();
        let service = emu.service_token().expose().to_string();
        let mut tui = Tui::spawn_with(
            cols,
            rows,
            &["--base-url", &base_url, "--token", &service],
            &[],
        );
        tui.wait_until("the first page", |s| {
            s.contains("@exemple") || s.contains(".test") || s.contains("pmt_")
        });
        emu.set_faults(Faults {
            error_rate: 1.0,
            ..Faults::default()
        })
        .unwrap();
        tui.send("r");
        tui.wait_until("the reload's failure", |s| {
            s.contains("InternalError") || s.contains("failed")
        });
        tui.send("@");
        let log = tui.wait_until("the message log", |s| s.contains(" messages ("));
        // Ids are `prq_` and 32 characters; the whole id is on one line of the log.
        let whole = log
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| w.starts_with("prq_") && w.len() == 36);
        assert!(whole, "{cols}x{rows}: the request id is whole:\n{log}");
        tui.send("\x1b");
        tui.wait_until("the log closed", |s| !s.contains(" messages ("));
        tui.send("q");
        assert!(tui.wait_exit().success());
    }
}
