//! Nothing a server sends can take over the terminal through the CLI's output: arbitrary
//! strings (controls, escape sequences, OSC 52 clipboard writes, bidi overrides, joiners,
//! CJK, emoji) in every session field are rendered by the CLI's own writers, and the
//! result holds no unsafe character besides the line breaks, with every column starting
//! at the same cell on every line. One case runs the binary end to end against a server
//! that answers with such a session.

use crate::harness::cli;
use authtop::authn::model::{Session, Timestamp, TokenInfo};
use authtop::cli::output::{Format, SessionWriter, table};
use authtop::sanitize::{clean, is_unsafe, width};
use proptest::prelude::*;

/// Pieces an attacker would combine.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<char>().prop_map(String::from),
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        "[a-z@._ -]{1,8}",
        "[\u{4e00}-\u{9fff}]{1,4}",
        "[\u{1f300}-\u{1f64f}]{1,3}",
        Just("\u{1b}[2J\u{1b}[H".to_string()),
        Just("\u{1b}[31mred\u{1b}[0m".to_string()),
        Just("\u{9b}6n".to_string()),
        Just("\u{1b}]52;c;ZXZpbCBjbGlwYm9hcmQ=\u{7}".to_string()),
        Just("\u{1b}]52;c;cm0gLXJmIH4=\u{1b}\\".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
        Just("\u{1b}P+q\u{1b}\\".to_string()),
        Just("\u{202e}gnp.exe\u{202c}".to_string()),
        Just("\u{2066}\u{2067}\u{2068}\u{2069}\u{200e}\u{200f}\u{61c}".to_string()),
        Just("👨\u{200d}👩\u{200d}👧".to_string()),
        Just("e\u{301}\u{200b}\u{200c}\u{feff}".to_string()),
        Just("\r\n\t\u{8}\u{7f}".to_string()),
        Just("🇵🇹".to_string()),
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..6).prop_map(|v| v.concat())
}

fn ts(secs: i64) -> Timestamp {
    Timestamp::from_second(secs).unwrap()
}

prop_compose! {
    fn session()(
        id in hostile(), kind in hostile(), email in hostile(), identity in hostile(),
        scopes in prop::collection::vec(hostile(), 0..3),
        profile in prop::collection::btree_map(hostile(), hostile(), 0..3),
        token_id in hostile(), token_kind in hostile(),
        created in -400_000i64..400_000, expire in -400_000i64..4_000_000,
    ) -> Session {
        let now = 1_800_000_000;
        let mut s: Session = serde_json::from_value(serde_json::json!({
            "id": "x", "type": "session", "life": 1, "expire": "2030-01-01T00:00:00Z",
            "created_at": "2026-01-01T00:00:00Z",
        }))
        .unwrap();
        s.id = id;
        s.kind = kind;
        s.email = email;
        s.identity = identity;
        s.scopes = Some(scopes);
        s.profile = profile.into_iter().collect();
        s.created_at = ts(now + created);
        s.expire = ts(now + expire);
        s.active_token = Some(TokenInfo {
            id: token_id,
            kind: token_kind,
            ..serde_json::from_value(serde_json::json!({
                "id": "t", "type": "user", "life": 1, "expire": "2030-01-01T00:00:00Z",
                "identity": "pui_x", "email": "e", "created_at": "2026-01-01T00:00:00Z",
            }))
            .unwrap()
        });
        s
    }
}

fn now() -> Timestamp {
    ts(1_800_000_000)
}

/// Only the line breaks may be unsafe characters.
fn assert_clean(text: &str, allowed: &[char]) {
    for (i, c) in text.char_indices() {
        assert!(
            !is_unsafe(c) || allowed.contains(&c),
            "unsafe {c:?} at byte {i} in {text:?}"
        );
    }
}

/// The cell at which each column starts, from the header line (headers are plain ASCII).
fn column_starts(header: &str, headers: &[&str]) -> Vec<usize> {
    let mut from = 0;
    headers
        .iter()
        .map(|h| {
            let at = from + header[from..].find(h).unwrap();
            from = at + h.len();
            width(&header[..at])
        })
        .collect()
}

/// Splits `line` at the given cells; `None` when a boundary falls inside a character
/// (the column would start one cell off). Trailing blanks are trimmed from a line, so
/// columns past its end are empty.
fn split_at_cells<'a>(line: &'a str, starts: &[usize]) -> Option<Vec<&'a str>> {
    let mut cuts = Vec::new();
    for &cell in &starts[1..] {
        let b = line
            .char_indices()
            .map(|(i, _)| i)
            .chain([line.len()])
            .find(|&b| width(&line[..b]) >= cell)
            .unwrap_or(line.len());
        if b < line.len() && width(&line[..b]) != cell {
            return None;
        }
        cuts.push(b);
    }
    let mut parts = Vec::new();
    let mut prev = 0;
    for b in cuts {
        parts.push(&line[prev..b]);
        prev = b;
    }
    parts.push(&line[prev..]);
    Some(parts)
}

/// A shown cell is the cleaned value, or its beginning followed by `…`.
fn shows(shown: &str, value: &str) -> bool {
    let value = clean(value);
    let shown = shown.trim_end_matches(' ');
    value.trim_end_matches(' ') == shown
        || shown
            .strip_suffix('…')
            .is_some_and(|head| value.starts_with(head))
}

/// Checks a rendered table against its rows: clean, and each value in its column.
fn check_table(text: &str, headers: &[&str], rows: &[Vec<String>]) {
    assert_clean(text, &['\n']);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), rows.len() + 1, "{text:?}");
    let starts = column_starts(lines[0], headers);
    for (line, row) in lines[1..].iter().zip(rows) {
        let parts = split_at_cells(line, &starts)
            .unwrap_or_else(|| panic!("misaligned {line:?} (columns at {starts:?})"));
        for (i, (part, value)) in parts.iter().zip(row).enumerate() {
            assert!(
                shows(part, value),
                "column {i} shows {part:?} for {value:?} in {line:?}"
            );
            if parts[i + 1..].iter().any(|p| !p.is_empty()) {
                assert!(part.ends_with("  "), "no gap after column {i} in {line:?}");
            }
        }
    }
}

fn relative(t: Timestamp) -> String {
    authtop::cli::output::relative(t, now())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        failure_persistence: Some(crate::harness::regressions()),
        ..ProptestConfig::default()
    })]

    #[test]
    fn session_tables_stay_clean_and_aligned(
        pages in prop::collection::vec(prop::collection::vec(session(), 0..5), 1..3)
    ) {
        // As a terminal shows it: cells cut to their column.
        let mut w = SessionWriter::new(Vec::new(), Format::Table, now(), false).with_columns(
            authtop::cli::output::SessionColumns { cut: true, ..Default::default() },
        );
        for page in &pages {
            w.batch(page).unwrap();
        }
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        let mut devices = authtop::investigate::Devices::new();
        let rows: Vec<Vec<String>> = pages
            .iter()
            .flatten()
            .map(|s| {
                let derived = authtop::investigate::facts::Derived::of(s, &mut devices);
                let [location, device, risk] = authtop::cli::output::derived_cells(&derived);
                vec![
                    s.id.clone(),
                    s.email.clone(),
                    s.identity.clone(),
                    relative(s.created_at),
                    relative(s.expire),
                    location,
                    device,
                    risk,
                ]
            })
            .collect();
        let headers = ["ID", "EMAIL", "IDENTITY", "CREATED", "EXPIRES", "LOCATION", "DEVICE", "RISK"];
        check_table(&text, &headers, &rows);
    }

    #[test]
    fn csv_stays_clean(sessions in prop::collection::vec(session(), 0..5)) {
        let mut w = SessionWriter::new(Vec::new(), Format::Csv, now(), false);
        w.batch(&sessions).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_clean(&text, &['\r', '\n']);
        // One record per line: a server's line break never starts a new record.
        assert_eq!(text.split('\n').count(), sessions.len() + 2, "{text:?}");
    }

    #[test]
    fn summary_tables_stay_clean_and_aligned(
        rows in prop::collection::vec(prop::collection::vec(hostile(), 3), 0..6),
    ) {
        // The failure table of a bulk summary: target, request id, server reason.
        let text = table(&["FAILED", "REQUEST", "REASON"], &rows, &[40, 36, 200], false);
        check_table(&text, &["FAILED", "REQUEST", "REASON"], &rows);
    }
}

#[tokio::test]
async fn the_binary_prints_a_hostile_session_cleanly() {
    let mut evil = cli::session_json(
        "pmt_\u{1b}]52;c;ZXZpbA==\u{7}evil",
        "pui_\u{202e}nimda\u{202c}",
        "山田\u{1b}[2J\u{1b}[H👨\u{200d}👩\u{200d}👧@x.io\r\nFAKE ROW",
    );
    evil["type"] = "sess\u{9b}2Jion".into();
    evil["scopes"] = serde_json::json!(["a\u{7}", "\u{1b}[31m"]);
    evil["profile"] = serde_json::json!({"first_name": "\u{1b}]0;pwned\u{7}"});
    let plain = cli::session_json("pmt_plain", "pui_plain", "plain@x.io");
    let list = serde_json::json!({"sessions": [evil, plain], "last": "", "count": 2});
    let (url, _) = cli::scripted(vec![(200, cli::envelope("Success", list))]).await;
    let env = cli::Env::start(1, 1).await;
    for format in ["table", "csv"] {
        let args = [
            "sessions",
            "list",
            "-o",
            format,
            "--base-url",
            &url,
            "--token",
            &env.token,
        ]
        .map(String::from)
        .to_vec();
        let out = env.run_raw(args, &[]).await;
        out.expect_code(0);
        let allowed: &[char] = if format == "csv" {
            &['\r', '\n']
        } else {
            &['\n']
        };
        assert_clean(&out.stdout, allowed);
        assert_clean(&out.stderr, &['\n']);
        assert_eq!(out.stdout.lines().count(), 3, "{format}: {}", out.stdout);
        if format == "table" {
            let lines: Vec<&str> = out.stdout.lines().collect();
            let starts = column_starts(lines[0], &["ID", "EMAIL", "IDENTITY", "CREATED"]);
            for line in &lines[1..] {
                assert!(
                    split_at_cells(line, &starts).is_some(),
                    "misaligned {line:?}"
                );
            }
        }
    }
}
