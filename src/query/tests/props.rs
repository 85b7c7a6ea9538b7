//! Properties over any input: a query compiles or its error points inside the input.

use super::*;
use proptest::prelude::*;

const OP_CHARS: &[&str] = &["=", "~", ">", ">=", "<", "<=", "!=", "?", "!", "==", ","];

fn query_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        "[ -~]{0,12}",
        prop::sample::select(OP_CHARS).prop_map(str::to_string),
        prop::sample::select(vec![
            "email",
            "created",
            "profile.City",
            "scope",
            "enabled",
            "now-2h",
            "\"",
            "\\",
            "[",
            "]",
            " ",
            "\u{1b}",
            "é",
            "日本",
            "\\u00",
            "2025-06-01",
        ])
        .prop_map(str::to_string),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|parts| parts.concat())
}

fn valid_query() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        "[a-z@.]{1,8}",
        "[ -~]{1,8}".prop_map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))),
        any::<String>()
            .prop_filter("non-empty", |s| !s.is_empty())
            .prop_map(|s| serde_json::Value::String(s).to_string()),
    ];
    let time = prop_oneof![
        Just("now".to_string()),
        (
            0u32..500,
            prop::sample::select(vec!["s", "m", "h", "d", "w"])
        )
            .prop_map(|(n, u)| format!("now-{n}{u}")),
        Just("2025-06-01".to_string()),
        Just("2025-06-01T02:03:04.5+02:00".to_string()),
    ];
    let term = prop_oneof![
        (
            prop::sample::select(vec!["email", "user", "id", "type", "username", "token"]),
            prop::sample::select(vec!["=", "~"]),
            prop::collection::vec(value.clone(), 1..3)
        )
            .prop_map(|(f, op, vs)| format!("{f}{op}{}", vs.join(","))),
        (
            prop::sample::select(vec!["created", "expire"]),
            prop::sample::select(vec!["=", ">", ">=", "<", "<="]),
            time
        )
            .prop_map(|(f, op, t)| format!("{f}{op}{t}")),
        prop::collection::vec("[a-z:]{1,6}", 1..3).prop_map(|s| format!("scope={}", s.join(","))),
        any::<bool>().prop_map(|b| format!("enabled={b}")),
        ("[A-Za-z]{1,6}", any::<bool>())
            .prop_map(|(n, neg)| format!("{}profile.{n}?", if neg { "!" } else { "" })),
        ("[A-Za-z]{1,6}", value.clone()).prop_map(|(n, v)| format!("profile.{n}={v}")),
        value,
    ];
    prop::collection::vec(term, 1..5).prop_map(|terms| terms.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_input_compiles_or_errors_inside_the_input(query in query_strategy()) {
        if let Err(e) = compile(&query, now()) {
            prop_assert!(e.span.start <= e.span.end, "{e:?}");
            prop_assert!(e.span.end <= query.len(), "{e:?}");
            prop_assert!(query.is_char_boundary(e.span.start), "{e:?}");
            prop_assert!(query.is_char_boundary(e.span.end), "{e:?}");
            prop_assert!(!e.message.is_empty());
            prop_assert!(!e.message.chars().any(crate::sanitize::is_unsafe), "{e:?}");
            let _ = e.render(&query);
        }
    }

    #[test]
    fn explained_filters_compile_back_to_themselves(query in valid_query()) {
        // conflicting generated terms are a legitimate error; everything else must compile
        match compile_query(&query, now()) {
            Ok(q) => {
                // a generated word may be a local flag (`vpn`): both parts must round-trip
                let mut explained = Vec::new();
                if !q.server.is_empty() {
                    explained.push(explain(&q.server));
                }
                if q.has_local() {
                    explained.push(q.explain_local());
                }
                let explained = explained.join(" ");
                let again = compile_query(&explained, now());
                prop_assert_eq!(again.as_ref().ok().map(|a| (&a.server, &a.local)), Some((&q.server, &q.local)), "{} -> {} -> {:?}", query, explained, again);
            }
            Err(e) => prop_assert!(e.message.starts_with("conflicts"), "{}: {}", query, e.render(&query)),
        }
    }
}
