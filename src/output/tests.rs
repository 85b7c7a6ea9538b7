//! The output formats, written and read back.

use super::json::needs_escape;
use super::*;

#[test]
fn json_escapes_c1_and_bidi_but_stays_lossless() {
    let hostile = "a\u{85}b\u{9b}[2Jc\u{202e}d\u{2066}e\u{200b}f\u{feff}gé日";
    for text in [
        json_line(&hostile).unwrap(),
        pretty_json(&hostile, 0).unwrap(),
    ] {
        assert!(text.chars().all(|c| !needs_escape(c)), "{text:?}");
        assert!(
            text.contains("\\u0085") && text.contains("\\u202e"),
            "{text}"
        );
        assert!(text.contains("é日"), "ordinary text stays: {text}");
        let back: String = serde_json::from_str(&text).unwrap();
        assert_eq!(back, hostile);
    }
}

#[test]
fn csv_defuses_formula_cells() {
    assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    assert_eq!(csv_field("@sum"), "'@sum");
    assert_eq!(csv_field("+1"), "'+1");
    assert_eq!(csv_field("-2"), "'-2");
    assert_eq!(csv_field("a=b"), "a=b");
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn session(id: &str, email: &str) -> Session {
    Session {
        id: id.into(),
        kind: "session".into(),
        life: 100,
        expire: ts("2026-01-02T00:00:00Z"),
        identity: "pui_x".into(),
        email: email.into(),
        scopes: None,
        profile: crate::authn::model::Profile::default(),
        created_at: ts("2025-12-31T21:00:00Z"),
        active_token: None,
    }
}

#[test]
fn relative_times_use_the_largest_unit() {
    let now = ts("2026-01-01T00:00:00Z");
    assert_eq!(
        relative(ts("2025-12-31T22:20:00Z"), now),
        "2h ago",
        "1h40m: the same rounding as the TUI"
    );
    assert_eq!(relative(ts("2025-12-31T21:00:00Z"), now), "3h ago");
    assert_eq!(relative(ts("2026-01-03T01:00:00Z"), now), "in 2d");
    assert_eq!(relative(ts("2026-01-01T00:00:45Z"), now), "in 45s");
    assert_eq!(relative(ts("2025-12-31T23:55:00Z"), now), "5m ago");
    assert_eq!(relative(now, now), "now");
}

#[test]
fn csv_quotes_per_rfc_4180_and_sanitises() {
    assert_eq!(csv_field("plain"), "plain");
    assert_eq!(csv_field("a,b"), "\"a,b\"");
    assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    // Spaces are part of a field (RFC 4180): kept, and no reason to quote.
    assert_eq!(csv_field(" pad "), " pad ");
    assert_eq!(csv_record(&["a", "b,c"]), "a,\"b,c\"\n");
    // A line break from the server would split the record in a terminal: replaced.
    let f = csv_field("x\u{1b}[2Jy\nz");
    assert!(!f.contains('\u{1b}') && !f.contains('\n'), "{f:?}");
}

#[test]
fn table_columns_align_by_display_width_with_cjk() {
    let rows = vec![
        vec!["a".to_string(), "例え例え".to_string(), "x".to_string()],
        vec!["bbb".to_string(), "ab".to_string(), "y".to_string()],
    ];
    let out = table(&["K", "NAME", "V"], &rows, &[10, 10, 10], false);
    let lines: Vec<&str> = out.lines().collect();
    // The third column starts at the same cell on every line.
    let col = |l: &str, needle: char| width(&l[..l.rfind(needle).unwrap()]);
    assert_eq!(col(lines[0], 'V'), col(lines[1], 'x'));
    assert_eq!(col(lines[1], 'x'), col(lines[2], 'y'));
    assert_eq!(col(lines[1], 'x'), 3 + 2 + 8 + 2);
}

#[test]
fn long_values_are_cut_with_an_ellipsis_and_controls_removed() {
    let rows = vec![vec!["abcdefghijkl\u{1b}]52;c;x\u{7}".to_string()]];
    let out = table(&["X"], &rows, &[6], false);
    assert_eq!(out.lines().nth(1).unwrap(), "abcde…");
    let evil = vec![vec!["ok\u{1b}[31mred\u{202e}".to_string()]];
    let out = table(&["X"], &evil, &[40], false);
    assert!(
        !out.contains('\u{1b}') && !out.contains('\u{202e}'),
        "{out:?}"
    );
}

#[test]
fn colour_only_wraps_the_header_when_asked() {
    let out = table(&["A"], &[vec!["b".into()]], &[5], true);
    assert!(out.starts_with("\u{1b}[1mA"));
    assert!(!table(&["A"], &[], &[5], false).contains('\u{1b}'));
}

#[test]
fn sessions_stream_in_every_format() {
    let now = ts("2026-01-01T00:00:00Z");
    let a = session("pmt_a", "a@x.io");
    let b = session("pmt_b", "b,\"q\"@x.io");
    for format in [
        Format::Json,
        Format::Ndjson,
        Format::Csv,
        Format::Table,
        Format::Ids,
    ] {
        let mut w = SessionWriter::new(Vec::new(), format, now, false);
        w.batch(std::slice::from_ref(&a)).unwrap();
        w.batch(std::slice::from_ref(&b)).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        match format {
            Format::Json => {
                let v: Vec<Session> = serde_json::from_str(&text).unwrap();
                assert_eq!(v, vec![a.clone(), b.clone()]);
            }
            Format::Ndjson => {
                let v: Vec<Session> = text
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
                assert_eq!(v, vec![a.clone(), b.clone()]);
            }
            Format::Csv => {
                let lines: Vec<&str> = text.split('\n').collect();
                assert!(lines[0].starts_with("id,type,email,"));
                assert!(lines[2].contains("\"b,\"\"q\"\"@x.io\""), "{text}");
                assert_eq!(lines.len(), 4);
            }
            Format::Ids => assert_eq!(text, "pmt_a\npmt_b\n"),
            Format::Table => {
                assert!(text.starts_with("ID"));
                assert!(text.contains("3h ago") && text.contains("in 1d"), "{text}");
                assert_eq!(text.lines().count(), 3);
            }
        }
    }
}

#[test]
fn empty_output_is_still_well_formed() {
    let now = ts("2026-01-01T00:00:00Z");
    let json = SessionWriter::new(Vec::new(), Format::Json, now, false)
        .finish()
        .unwrap();
    assert_eq!(json, b"[]\n");
    let csv = SessionWriter::new(Vec::new(), Format::Csv, now, false)
        .finish()
        .unwrap();
    assert!(String::from_utf8(csv).unwrap().starts_with("id,"));
}
