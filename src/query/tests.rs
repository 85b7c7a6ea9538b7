//! The query language as a user meets it: what each query sends, and what each mistake says.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn now() -> Timestamp {
    "2025-06-10T12:00:00Z".parse().unwrap()
}

/// What `query` sends, in the explain form.
fn sent(query: &str) -> String {
    match compile(query, now()) {
        Ok(filter) => explain(&filter),
        Err(e) => panic!("`{query}` failed: {}", e.render(query)),
    }
}

/// The text the error points at, and its message.
fn fails(query: &str) -> (String, String) {
    match compile(query, now()) {
        Ok(filter) => panic!("`{query}` compiled to {}", explain(&filter)),
        Err(e) => (query[e.span.clone()].to_string(), e.message),
    }
}

#[test]
fn every_field_operator_and_alias() {
    let cases: &[(&str, &str)] = &[
        ("", "(no filter)"),
        ("   \t ", "(no filter)"),
        // text fields: =, lists, ~
        ("email=a@example.com", r#"email="a@example.com""#),
        ("email=a,b", r#"email__in=["a","b"]"#),
        ("email~acme", r#"email__contains=["acme"]"#),
        ("email~acme,corp", r#"email__contains=["acme","corp"]"#),
        ("id=pmt_1", r#"id="pmt_1""#),
        ("id=pmt_1,pmt_2", r#"id__in=["pmt_1","pmt_2"]"#),
        ("id~pmt", r#"id__contains=["pmt"]"#),
        ("type=session", r#"type="session""#),
        ("type=session,user", r#"type__in=["session","user"]"#),
        ("type~sess", r#"type__contains=["sess"]"#),
        ("identity=pui_1", r#"identity="pui_1""#),
        ("user=pui_1", r#"identity="pui_1""#),
        ("user=pui_1,pui_2", r#"identity__in=["pui_1","pui_2"]"#),
        ("user~pui", r#"identity__contains=["pui"]"#),
        ("username=alice", r#"username="alice""#),
        ("username=alice,bob", r#"username__in=["alice","bob"]"#),
        ("username~ali", r#"username__contains=["ali"]"#),
        ("token=pmt_9", r#"active_token_id="pmt_9""#),
        (
            "token=pmt_8,pmt_9",
            r#"active_token_id__in=["pmt_8","pmt_9"]"#,
        ),
        ("token~pmt", r#"active_token_id__contains=["pmt"]"#),
        ("active_token_id=pmt_9", r#"active_token_id="pmt_9""#),
        // times
        ("created=2025-06-01", r#"created_at="2025-06-01T00:00:00Z""#),
        (
            "created>2025-06-01",
            r#"created_at__gt="2025-06-01T00:00:00Z""#,
        ),
        (
            "created>=2025-06-01",
            r#"created_at__gte="2025-06-01T00:00:00Z""#,
        ),
        (
            "created<2025-06-01",
            r#"created_at__lt="2025-06-01T00:00:00Z""#,
        ),
        (
            "created<=2025-06-01",
            r#"created_at__lte="2025-06-01T00:00:00Z""#,
        ),
        (
            "created_at>now-2h",
            r#"created_at__gt="2025-06-10T10:00:00Z""#,
        ),
        ("expire<now+30m", r#"expire__lt="2025-06-10T12:30:00Z""#),
        ("expires>=now", r#"expire__gte="2025-06-10T12:00:00Z""#),
        ("expire=now-1d", r#"expire="2025-06-09T12:00:00Z""#),
        ("expire<=now-1h30m", r#"expire__lte="2025-06-10T10:30:00Z""#),
        (
            "created>2025-06-01T02:00:00+02:00",
            r#"created_at__gt="2025-06-01T00:00:00Z""#,
        ),
        (
            "created>2025-06-01T00:00:00.123456Z",
            r#"created_at__gt="2025-06-01T00:00:00.123456Z""#,
        ),
        // scopes: all listed must be present
        ("scope=admin", r#"scopes=["admin"]"#),
        ("scope=admin,read", r#"scopes=["admin","read"]"#),
        ("scopes=admin", r#"scopes=["admin"]"#),
        // enabled
        ("enabled=true", "enabled=true"),
        ("enabled=false", "enabled=false"),
        ("enabled=\"true\"", "enabled=true"),
        // profile
        ("profile.City=Paris", r#"profile_City="Paris""#),
        ("profile.City~Par", r#"profile_City__contains=["Par"]"#),
        (
            "profile.City~Par,Lyo",
            r#"profile_City__contains=["Par","Lyo"]"#,
        ),
        ("profile.City?", "profile_City__exists=true"),
        ("!profile.City?", "profile_City__exists=false"),
        ("profile_City=Paris", r#"profile_City="Paris""#),
        // case-insensitive field names; profile names keep their case
        ("EMAIL=a", r#"email="a""#),
        ("Profile.firstName=Ann", r#"profile_firstName="Ann""#),
        // several terms, ANDed, keys in stable order
        (
            "email~acme created>2025-06-01",
            r#"created_at__gt="2025-06-01T00:00:00Z" email__contains=["acme"]"#,
        ),
        (
            "created>now-1w created<now",
            r#"created_at__gt="2025-06-03T12:00:00Z" created_at__lt="2025-06-10T12:00:00Z""#,
        ),
        ("email=a email~b", r#"email="a" email__contains=["b"]"#),
    ];
    for (query, want) in cases {
        assert_eq!(sent(query), *want, "query: {query}");
    }
}

#[test]
fn bare_words_search_email() {
    let cases: &[(&str, &str)] = &[
        ("acme", r#"email__contains=["acme"]"#),
        (
            "alice@example.com",
            r#"email__contains=["alice@example.com"]"#,
        ),
        ("acme corp", r#"email__contains=["acme","corp"]"#),
        ("acme email~corp", r#"email__contains=["acme","corp"]"#),
        ("acme acme", r#"email__contains=["acme"]"#),
        ("acme,corp", r#"email__contains=["acme","corp"]"#),
        ("\"a b\"", r#"email__contains=["a b"]"#),
        ("\"a=b\"", r#"email__contains=["a=b"]"#),
        ("josé", r#"email__contains=["josé"]"#),
        ("what?", r#"email__contains=["what?"]"#),
        ("now-2h", r#"email__contains=["now-2h"]"#),
        ("a!b", r#"email__contains=["a!b"]"#),
    ];
    for (query, want) in cases {
        assert_eq!(sent(query), *want, "query: {query}");
    }
}

#[test]
fn quoting_and_escapes() {
    let cases: &[(&str, &str)] = &[
        (r#"email="a b""#, r#"email="a b""#),
        (r#"email="a,b""#, r#"email="a,b""#),
        (r#"email="a=b~c>d""#, r#"email="a=b~c>d""#),
        (r#"email="a b",c"#, r#"email__in=["a b","c"]"#),
        (r#"email="a b","c,d""#, r#"email__in=["a b","c,d"]"#),
        (r#"email="say \"hi\"""#, r#"email="say \"hi\"""#),
        (r#"email="back\\slash""#, r#"email="back\\slash""#),
        (r#"email="tab\there""#, r#"email="tab\there""#),
        (r#"email="\u00e9""#, r#"email="é""#),
        (r#"email=pre"fix mid"post"#, r#"email="prefix midpost""#),
        (r"email=back\slash", r#"email="back\\slash""#),
        (r#"profile.City="New York""#, r#"profile_City="New York""#),
        ("email=[a,b]", r#"email__in=["a","b"]"#),
        (r#"email=["a b","c"]"#, r#"email__in=["a b","c"]"#),
        ("email=a[1]", r#"email="a[1]""#),
        (r#"email="[x""#, r#"email="[x""#),
    ];
    for (query, want) in cases {
        assert_eq!(sent(query), *want, "query: {query}");
    }
}

#[test]
fn wire_keys_as_explain_prints_them() {
    let cases: &[(&str, &str)] = &[
        (r#"email__in="a""#, r#"email__in=["a"]"#),
        (r#"email__in=["a","b"]"#, r#"email__in=["a","b"]"#),
        (r#"email__contains=["acme"]"#, r#"email__contains=["acme"]"#),
        (
            "created_at__gt=now",
            r#"created_at__gt="2025-06-10T12:00:00Z""#,
        ),
        (
            "created__lte=2025-06-01",
            r#"created_at__lte="2025-06-01T00:00:00Z""#,
        ),
        (
            "active_token_id__in=x,y",
            r#"active_token_id__in=["x","y"]"#,
        ),
        ("profile_City__exists=false", "profile_City__exists=false"),
        (
            "profile_City__contains=Par",
            r#"profile_City__contains=["Par"]"#,
        ),
        (r#"scopes=["a","b"]"#, r#"scopes=["a","b"]"#),
    ];
    for (query, want) in cases {
        assert_eq!(sent(query), *want, "query: {query}");
    }
}

#[test]
fn repeated_keys_merge_or_conflict() {
    let merged: &[(&str, &str)] = &[
        ("email~a email~b", r#"email__contains=["a","b"]"#),
        ("email~a,b email~b,c", r#"email__contains=["a","b","c"]"#),
        ("id~a id~b", r#"id__contains=["a","b"]"#),
        ("scope=a scope=b", r#"scopes=["a","b"]"#),
        ("email=a email=a", r#"email="a""#),
        (
            "created>now created>now",
            r#"created_at__gt="2025-06-10T12:00:00Z""#,
        ),
        ("profile.City? profile.City?", "profile_City__exists=true"),
    ];
    for (query, want) in merged {
        assert_eq!(sent(query), *want, "query: {query}");
    }
    let conflicts: &[(&str, &str)] = &[
        ("email=a email=b", "email=b"),
        ("email=a,b email=c,d", "email=c,d"),
        ("created>now created>now-1h", "created>now-1h"),
        ("enabled=true enabled=false", "enabled=false"),
        ("profile.City? !profile.City?", "!profile.City?"),
        // substring semantics on profile keys are unclear (spec 5.1), so no silent merge
        ("profile.City~a profile.City~b", "profile.City~b"),
        ("user=x identity=y", "identity=y"),
    ];
    for (query, term) in conflicts {
        let (at, message) = fails(query);
        assert_eq!(at, *term, "query: {query}");
        assert!(
            message.starts_with("conflicts with an earlier term"),
            "{message}"
        );
    }
}

#[test]
fn compiled_json_is_what_the_api_expects() {
    let filter = compile(
        "email=alice@example.com created>=2025-06-01 enabled=false scope=a,b profile.City?",
        now(),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({
            "email": "alice@example.com",
            "created_at__gte": "2025-06-01T00:00:00Z",
            "enabled": false,
            "scopes": ["a", "b"],
            "profile_City__exists": true,
        })
    );
    // the filter of the spec's session_list_filtered request
    let filter = compile("email=alice@example.com created>=2025-06-01", now()).unwrap();
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({"email": "alice@example.com", "created_at__gte": "2025-06-01T00:00:00Z"})
    );
}

#[test]
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

#[test]
fn explain_reads_as_sent() {
    assert_eq!(explain(&Filter::default()), NO_FILTER);
    let mut filter = Filter::default();
    filter
        .0
        .insert("email__contains".into(), json!(["a\"b", "c"]));
    filter.0.insert("enabled".into(), json!(true));
    filter
        .0
        .insert("created_at__gt".into(), json!("2025-06-01T00:00:00Z"));
    assert_eq!(
        explain(&filter),
        r#"created_at__gt="2025-06-01T00:00:00Z" email__contains=["a\"b","c"] enabled=true"#
    );
}

#[test]
fn help_and_catalogue_agree_with_the_compiler() {
    // every name in the catalogue compiles with each operator it lists, and no other
    for field in FIELDS {
        for name in field.names() {
            let name = name.replace("Name", "City");
            for op in Op::ALL {
                let value = match field.kind {
                    ValueKind::Time => "now",
                    ValueKind::Bool | ValueKind::Flag => "true",
                    ValueKind::Verdict => "malicious",
                    _ => "x",
                };
                let query = match op {
                    Op::In => format!("{name}={value},{value}"),
                    Op::Exists => format!("{name}?"),
                    _ => format!("{name}{}{value}", op.syntax()),
                };
                let allowed = field.ops.contains(&op)
                    // a scope list is `=`, not `__in`
                    || (op == Op::In && field.kind == ValueKind::Scopes);
                let compiled = compile_query(&query, now());
                assert_eq!(compiled.is_ok(), allowed, "query: {query}");
                if let Ok(q) = compiled {
                    // the catalogue says who decides the field, and the compiler agrees
                    let side = q.sides.first().map(|(_, side)| *side);
                    assert_eq!(side, Some(field.side), "query: {query}");
                }
            }
        }
    }
    assert!(help_text().contains("now-2h"));
}

/// The server and local parts of `query`, in their explain forms.
fn split(query: &str) -> (String, String) {
    match compile_query(query, now()) {
        Ok(q) => (explain(&q.server), q.explain_local()),
        Err(e) => panic!("`{query}` failed: {}", e.render(query)),
    }
}

#[test]
fn every_local_term_compiles_to_what_is_checked() {
    use LocalTerm as L;
    let t = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
    let cases: Vec<(&str, LocalTerm)> = vec![
        ("country=FR", L::Country(TextTest::Equals(t(&["FR"])))),
        (
            "country=FR,DE",
            L::Country(TextTest::Equals(t(&["FR", "DE"]))),
        ),
        ("country~land", L::Country(TextTest::Contains(t(&["land"])))),
        ("city~Paris", L::City(TextTest::Contains(t(&["Paris"])))),
        (
            "city=\"New York\"",
            L::City(TextTest::Equals(t(&["New York"]))),
        ),
        ("vpn", L::Flag(Flag::Vpn, true)),
        ("VPN", L::Flag(Flag::Vpn, true)),
        ("vpn=false", L::Flag(Flag::Vpn, false)),
        ("proxy", L::Flag(Flag::Proxy, true)),
        ("embargo", L::Flag(Flag::Embargo, true)),
        ("embargoed=true", L::Flag(Flag::Embargo, true)),
        ("breached", L::Flag(Flag::Breached, true)),
        (
            "risk=malicious,suspicious",
            L::Risk(vec![Verdict::Malicious, Verdict::Suspicious]),
        ),
        ("risk=Benign,benign", L::Risk(vec![Verdict::Benign])),
        (
            "device~Firefox",
            L::Device(TextTest::Contains(t(&["Firefox"]))),
        ),
        ("ua~curl", L::UserAgent(TextTest::Contains(t(&["curl"])))),
        (
            "user_agent~curl",
            L::UserAgent(TextTest::Contains(t(&["curl"]))),
        ),
        (
            "profile.User-Agent~curl",
            L::Profile {
                name: "User-Agent".into(),
                test: ProfileTest::Contains(t(&["curl"])),
            },
        ),
        (
            "profile.first_name=Ann",
            L::Profile {
                name: "first_name".into(),
                test: ProfileTest::Equals("Ann".into()),
            },
        ),
        (
            "profile_first_name=Ann",
            L::Profile {
                name: "first_name".into(),
                test: ProfileTest::Equals("Ann".into()),
            },
        ),
        (
            "profile.Login-Time?",
            L::Profile {
                name: "Login-Time".into(),
                test: ProfileTest::Exists(true),
            },
        ),
        (
            "!profile.display_name?",
            L::Profile {
                name: "display_name".into(),
                test: ProfileTest::Exists(false),
            },
        ),
        (
            "profile.C1ty__contains=a,b",
            L::Profile {
                name: "C1ty".into(),
                test: ProfileTest::Contains(t(&["a", "b"])),
            },
        ),
    ];
    for (query, want) in cases {
        let q =
            compile_query(query, now()).unwrap_or_else(|e| panic!("{query}: {}", e.render(query)));
        assert!(q.server.is_empty(), "{query} sent {}", explain(&q.server));
        assert_eq!(q.local, vec![want], "query: {query}");
        // the explain form compiles back to the same term
        let again = compile_query(&q.explain_local(), now()).unwrap();
        assert_eq!(again.local, q.local, "{query} -> {}", q.explain_local());
    }
}

#[test]
fn a_mixed_query_splits_into_server_filter_and_local_terms() {
    let (server, local) = split("acme created>now-1h country=FR,DE vpn profile.City=Paris ua~curl");
    assert_eq!(
        server,
        r#"created_at__gt="2025-06-10T11:00:00Z" email__contains=["acme"] profile_City="Paris""#
    );
    assert_eq!(local, "country=FR,DE vpn ua~curl");
    let q = compile_query("acme vpn", now()).unwrap();
    assert_eq!(q.sides, vec![(0..4, Side::Server), (5..8, Side::Local)]);
    assert!(q.has_local());
    // only server terms: nothing local, and the server part is the old filter exactly
    let (server, local) = split("email~acme");
    assert_eq!(server, r#"email__contains=["acme"]"#);
    assert_eq!(local, NO_LOCAL);
    assert_eq!(
        compile("email~acme", now()).unwrap(),
        compile_query("email~acme", now()).unwrap().server
    );
    // a quoted flag word is a word: it searches emails
    assert_eq!(
        split("\"vpn\""),
        (r#"email__contains=["vpn"]"#.into(), NO_LOCAL.into())
    );
    // letters-only profile keys still go to the server, others stay local
    assert_eq!(
        split("profile.City~Par").0,
        r#"profile_City__contains=["Par"]"#
    );
    assert_eq!(split("profile.first_name~An").1, "profile.first_name~An");
    // values that need quoting come back quoted
    assert_eq!(split("city=\"a b\",c").1, r#"city="a b",c"#);
}

#[test]
fn relative_times_follow_the_now_they_are_compiled_against() {
    let q = compile_query("created>now-5m vpn", now()).unwrap();
    let later: Timestamp = "2025-06-10T12:10:00Z".parse().unwrap();
    let again = q.at(later).unwrap();
    assert_eq!(
        explain(&q.server),
        r#"created_at__gt="2025-06-10T11:55:00Z""#
    );
    assert_eq!(
        explain(&again.server),
        r#"created_at__gt="2025-06-10T12:05:00Z""#
    );
    assert_eq!(again.local, q.local);
}

#[test]
fn local_term_mistakes_point_at_themselves() {
    let cases: &[(&str, &str, &str)] = &[
        ("risk=evil", "evil", "unknown verdict `evil`"),
        ("risk~mal", "~", "`~` is not allowed on `risk`"),
        ("vpn=maybe", "maybe", "`vpn` takes true or false"),
        (
            "vpn~x",
            "~",
            "`~` is not allowed on `vpn`: it takes no value",
        ),
        ("country>FR", ">", "`>` is not allowed on `country`"),
        (
            "profile.first_name=a,b",
            "a,b",
            "a list is not allowed on `profile.first_name`",
        ),
        (
            "profile.first_name>a",
            ">",
            "`>` is not allowed on `profile.first_name`",
        ),
        ("vpn?", "vpn?", "`?` (is set) only works on profile.Name"),
        (
            "contry=FR",
            "contry",
            "unknown field `contry`; did you mean `country`?",
        ),
        (
            "dvice~x",
            "dvice",
            "unknown field `dvice`; did you mean `device`?",
        ),
    ];
    for (query, at, message) in cases {
        let e = match compile_query(query, now()) {
            Ok(q) => panic!("`{query}` compiled: {:?}", q.local),
            Err(e) => e,
        };
        assert_eq!(
            &query[e.span.clone()],
            *at,
            "query: {query} ({})",
            e.message
        );
        assert!(
            e.message.starts_with(message),
            "query: {query}\n got: {}",
            e.message
        );
    }
    // the server-only entry point names the local term it cannot apply
    let e = compile("acme country=FR", now()).unwrap_err();
    assert_eq!(e.span, 5..15);
    assert!(e.message.contains("checked locally"), "{}", e.message);
}

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
