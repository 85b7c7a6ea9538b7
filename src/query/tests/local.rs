//! Terms the server cannot filter: what each compiles to, how a mixed query splits, and
//! what their mistakes say.

use super::*;

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
