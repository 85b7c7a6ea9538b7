//! What each mistake says, where its caret points, and how user text is quoted back.

use super::*;

#[test]
#[expect(clippy::too_many_lines, reason = "a case table: one row per mistake")]
fn every_error_points_at_the_mistake() {
    // (query, text under the carets, start of the message)
    let cases: &[(&str, &str, &str)] = &[
        (
            "emial=x",
            "emial",
            "unknown field `emial`; did you mean `email`?",
        ),
        (
            "creatd>now",
            "creatd",
            "unknown field `creatd`; did you mean `created`?",
        ),
        (
            "a email=x colour=red",
            "colour",
            "unknown field `colour`: expected one of",
        ),
        ("email__foo=x", "__foo", "unknown operator suffix `__foo`"),
        (
            "created~2025",
            "~",
            "`~` is not allowed on `created`: it takes = > >= < <=",
        ),
        ("expire~2025", "~", "`~` is not allowed on `expire`"),
        (
            "email>x",
            ">",
            "`>` is not allowed on `email`: it takes = =a,b ~",
        ),
        ("token<=x", "<=", "`<=` is not allowed on `token`"),
        (
            "scope~adm",
            "~",
            "`~` is not allowed on `scope`: it takes =",
        ),
        ("scope>x", ">", "`>` is not allowed on `scope`"),
        ("enabled~t", "~", "`~` is not allowed on `enabled`"),
        (
            "profile.City>x",
            ">",
            "`>` is not allowed on `profile.City`: it takes = ~ ?",
        ),
        (
            "created=now,now-1h",
            "now,now-1h",
            "a list is not allowed on `created`",
        ),
        (
            "enabled=true,false",
            "true,false",
            "a list is not allowed on `enabled`",
        ),
        (
            "profile.City=a,b",
            "a,b",
            "a list is not allowed on `profile.City`",
        ),
        (
            "created>now,now-1h",
            "now,now-1h",
            "`created>` takes one value, not a list",
        ),
        (
            "email__gt=x",
            "email__gt",
            "`__gt` is not allowed on `email`",
        ),
        (
            "scopes__in=a",
            "scopes__in",
            "`__in` is not allowed on `scope`",
        ),
        ("email__in~x", "~", "a key ending in `__in` takes `=`"),
        (
            "created>yesterday",
            "yesterday",
            "bad time `yesterday` for `created`: expected",
        ),
        (
            "created>2025-13-01",
            "2025-13-01",
            "bad time `2025-13-01` for `created`: no such date",
        ),
        (
            "expire<now-2y",
            "now-2y",
            "bad time `now-2y` for `expire`: unknown unit `y`",
        ),
        (
            "created>2025-06-01T00:00",
            "2025-06-01T00:00",
            "bad time `2025-06-01T00:00` for `created`: missing time zone",
        ),
        ("email=", "email=", "missing value"),
        ("email~", "email~", "missing value"),
        ("email=a,,b", "email=a,,b", "empty value"),
        ("email=a,", "email=a,", "empty value"),
        ("email=\"\"", "\"\"", "empty value"),
        ("email=[]", "email=[]", "empty value"),
        ("email=\"abc", "\"abc", "unterminated quote"),
        ("x \"a b", "\"a b", "unterminated quote"),
        ("\"\\\"", "\"\\\"", "unterminated quote"),
        ("email=\"a\\qb\"", "\\q", "unknown escape `\\q`"),
        ("email=\"\\u12\"", "\\u", "bad \\u escape"),
        ("email=\"\\ud800\"", "\\u", "bad \\u escape"),
        (
            "enabled=yes",
            "yes",
            "`enabled` takes true or false, not `yes`",
        ),
        ("enabled=True", "True", "`enabled` takes true or false"),
        (
            "profile_City__exists=1",
            "1",
            "`profile_City__exists` takes true or false",
        ),
        (
            "profile.Ci$ty=x",
            "profile.Ci$ty",
            "bad profile field name `Ci$ty`",
        ),
        ("profile.=x", "profile.", "bad profile field name ``"),
        (
            "email?",
            "email?",
            "`?` (is set) only works on profile.Name",
        ),
        (
            "!email?",
            "!email?",
            "`?` (is set) only works on profile.Name",
        ),
        ("!acme", "!acme", "`!` only negates profile.Name?"),
        ("email!=x", "!=", "`!=` is not supported"),
        ("email!~x", "!~", "`!~` is not supported"),
        ("email==x", "==", "`==` is not an operator"),
        ("=x", "=", "missing field name before `=`"),
        ("email = x", "=", "missing field name before `=`"),
        (">now", ">", "missing field name before `>`"),
        ("email=[a,b", "[", "unclosed `[`"),
        ("email=[a b]", "[", "unclosed `[`"),
        ("email=[a]b", "b", "unexpected text after `]`"),
    ];
    for (query, at, message) in cases {
        let (got_at, got) = fails(query);
        assert_eq!(got_at, *at, "query: {query} ({got})");
        assert!(
            got.starts_with(message),
            "query: {query}\n got: {got}\nwant: {message}"
        );
    }
}

#[test]
fn messages_quote_user_text_safely() {
    let (_, message) = fails("em\u{1b}ial=x");
    assert!(!message.contains('\u{1b}'), "{message}");
    let long = format!("{}=x", "q".repeat(200));
    let (_, message) = fails(&long);
    assert!(!message.contains(&"q".repeat(41)), "{message}");
}

#[test]
fn render_puts_carets_under_the_span() {
    let input = "email~acme created>yesterday";
    let err = compile(input, now()).unwrap_err();
    let rendered = err.render(input);
    let lines: Vec<&str> = rendered.lines().collect();
    assert_eq!(lines[0], input);
    assert_eq!(lines[1], "                   ^^^^^^^^^");
    assert!(lines[2].starts_with("bad time `yesterday`"));

    // wide characters before the span shift the carets by their cell width
    let input = "日本 emial=x";
    let err = compile(input, now()).unwrap_err();
    assert_eq!(err.render(input).lines().nth(1), Some("     ^^^^^"));

    // control characters never reach the terminal, and keep one cell each
    let input = "a\u{7}b emial=x";
    let rendered = compile(input, now()).unwrap_err().render(input);
    assert!(!rendered.contains('\u{7}'));
    assert_eq!(rendered.lines().nth(1), Some("    ^^^^^"));

    // an empty span at the end still shows one caret
    let err = QueryError::new(3..3, "here");
    assert_eq!(err.render("abc").lines().nth(1), Some("   ^"));
    // a span that does not fit the input does not panic
    let err = QueryError::new(2..99, "odd");
    assert!(err.render("é").contains("odd"));
}

/// A control character typed into a profile key is named in the error without being
/// echoed raw (it would reach the terminal as an escape sequence).
#[test]
fn a_control_character_in_a_profile_key_is_not_echoed_raw() {
    for query in [
        "profile.City\u{1b}:\"\"",
        "profile.Ci\u{7}ty=x",
        "profile.\u{1b}[2J?",
    ] {
        if let Err(e) = compile(query, now()) {
            assert!(!e.message.chars().any(crate::sanitize::is_unsafe), "{e:?}");
            assert!(e.span.end <= query.len() && query.is_char_boundary(e.span.start));
            let _ = e.render(query);
        }
    }
}
