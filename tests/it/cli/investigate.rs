//! `sessions list` with local terms, `sessions users` and `--explain`, checked against the
//! ground truth of a full `sessions list --all -o ndjson` dump of the same emulator.

use crate::harness::cli::{Env, envelope, scripted, session_json};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Every session of the emulator, read from the CLI's own full dump.
async fn dump(env: &Env) -> Vec<Value> {
    let out = env
        .run(&["sessions", "list", "--all", "-o", "ndjson", "--size", "97"])
        .await;
    out.expect_code(0);
    let all: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(all.len(), env.emu.session_count());
    all
}

fn ids(v: impl IntoIterator<Item = Value>) -> BTreeSet<String> {
    v.into_iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

fn ndjson(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn intel(s: &Value) -> Option<&Value> {
    s["active_token"].get("intelligence")
}

fn geo<'a>(s: &'a Value, key: &str) -> Option<&'a str> {
    intel(s)?["ip_intel"]["geolocation"][key].as_str()
}

fn ua(s: &Value) -> &str {
    s["profile"]["User-Agent"].as_str().unwrap_or("")
}

fn flag(s: &Value, pointer: &str) -> bool {
    intel(s)
        .and_then(|i| i.pointer(pointer))
        .and_then(Value::as_bool)
        == Some(true)
}

fn verdict(s: &Value) -> Option<&str> {
    intel(s)?["ip_intel"]["reputation"]["verdict"].as_str()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_terms_select_exactly_what_the_dump_says() {
    type Truth = Box<dyn Fn(&Value) -> bool>;
    let env = Env::start(60, 700).await;
    let all = dump(&env).await;
    let first_name = all[3]["profile"]["first_name"]
        .as_str()
        .unwrap()
        .to_string();
    // One instant for the query and the truth: `now-3d` read twice can fall either side of
    // a session's login time on a slow run.
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(72);
    let cases: Vec<(Vec<String>, Truth)> = vec![
        (
            vec!["country=US".into()],
            Box::new(|s| geo(s, "country_code") == Some("US")),
        ),
        (
            vec!["country=us,gb".into()],
            Box::new(|s| matches!(geo(s, "country_code"), Some("US" | "GB"))),
        ),
        (
            vec!["city~an".into()],
            Box::new(|s| geo(s, "city").is_some_and(|c| c.to_lowercase().contains("an"))),
        ),
        (
            vec!["vpn".into()],
            Box::new(|s| flag(s, "/ip_intel/is_vpn")),
        ),
        (
            vec!["proxy".into()],
            Box::new(|s| flag(s, "/ip_intel/is_proxy")),
        ),
        (vec!["embargo".into()], Box::new(|s| flag(s, "/embargo"))),
        (
            vec!["breached".into()],
            Box::new(|s| flag(s, "/user_intel")),
        ),
        (
            vec!["risk=malicious,suspicious".into()],
            Box::new(|s| matches!(verdict(s), Some("malicious" | "suspicious"))),
        ),
        (vec!["ua~curl".into()], Box::new(|s| ua(s).contains("curl"))),
        (
            vec!["device~Firefox".into()],
            Box::new(|s| ua(s).contains("Firefox/")),
        ),
        (
            vec!["profile.User-Agent~python".into()],
            Box::new(|s| ua(s).contains("python")),
        ),
        (
            vec![format!("profile.first_name={first_name}")],
            Box::new(move |s| s["profile"]["first_name"] == first_name.as_str()),
        ),
        // server and local parts together
        (
            vec![
                "email~a".into(),
                "vpn=false".into(),
                format!("created>{since}"),
            ],
            Box::new(move |s| {
                let recent = s["created_at"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    > since;
                s["email"].as_str().unwrap().contains('a')
                    && intel(s).is_some()
                    && !flag(s, "/ip_intel/is_vpn")
                    && recent
            }),
        ),
    ];
    for (terms, truth) in &cases {
        let want = ids(all.iter().filter(|s| truth(s)).cloned());
        let mut args = vec!["sessions", "list", "-o", "ndjson", "--size", "50"];
        args.extend(terms.iter().map(String::as_str));
        let out = env.run(&args).await;
        out.expect_code(0);
        let got = ndjson(&out.stdout);
        assert_eq!(ids(got.clone()), want, "{terms:?}");
        assert_eq!(got.len(), want.len(), "{terms:?}: a session listed twice");
        assert!(!out.stderr.contains("next page"), "{}", out.stderr);
    }
    // the mix makes these non-trivial
    for q in ["vpn", "ua~curl", "country=US", "risk=malicious,suspicious"] {
        let out = env.run(&["sessions", "list", q, "-o", "ndjson"]).await;
        let n = out.stdout.lines().count();
        assert!(n > 0 && n < all.len() / 2, "{q}: {n}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn walks_in_login_time_order_list_every_match_in_that_order() {
    let env = Env::start(60, 700).await;
    let all = dump(&env).await;
    let vpn = ids(all.iter().filter(|s| flag(s, "/ip_intel/is_vpn")).cloned());
    let every = ids(all.clone());
    // Pages of 40 make several slices of several pages each, read at once.
    for (query, want) in [(Some("vpn"), &vpn), (None, &every)] {
        for asc in [false, true] {
            let mut args = vec!["sessions", "list", "-o", "ndjson", "--size", "40"];
            args.extend(["--order-by", "created_at", "--all"]);
            args.extend(query);
            if asc {
                args.push("--asc");
            }
            let out = env.run(&args).await;
            out.expect_code(0);
            let got = ndjson(&out.stdout);
            assert_eq!(
                got.len(),
                want.len(),
                "{args:?}: a session listed twice or missed"
            );
            assert_eq!(&ids(got.clone()), want, "{args:?}");
            let times: Vec<jiff::Timestamp> = got
                .iter()
                .map(|s| s["created_at"].as_str().unwrap().parse().unwrap())
                .collect();
            let in_order = times
                .windows(2)
                .all(|w| if asc { w[0] <= w[1] } else { w[0] >= w[1] });
            assert!(in_order, "{args:?}: not in login-time order");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_format_carries_location_device_and_risk() {
    let env = Env::start(30, 300).await;
    let all = dump(&env).await;
    // NDJSON: the server's session plus `derived`, which agrees with the intelligence.
    for s in &all {
        let d = &s["derived"];
        if intel(s).is_none() {
            assert!(d["risk"].is_null() && d["location"].is_null(), "{s}");
        } else {
            let want = format!(
                "{}, {}",
                geo(s, "city").unwrap(),
                geo(s, "country_code").unwrap()
            );
            assert_eq!(d["location"], want.as_str());
            let risk: Vec<&str> = d["risk"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(risk.contains(&"vpn"), flag(s, "/ip_intel/is_vpn"), "{s}");
            assert_eq!(risk.contains(&"breached"), flag(s, "/user_intel"), "{s}");
        }
        assert!(!d["device"].as_str().unwrap().is_empty());
    }
    // JSON (pretty, read through the model) carries the same derived fields.
    let json = env.run(&["sessions", "list", "--all", "-o", "json"]).await;
    json.expect_code(0);
    let by_id: BTreeMap<String, Value> = json
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_string(), s["derived"].clone()))
        .collect();
    for s in &all {
        assert_eq!(by_id[s["id"].as_str().unwrap()], s["derived"]);
    }
    // CSV and the table: three more columns, `n/a` where the server sent nothing.
    let csv = env.run(&["sessions", "list", "--all", "-o", "csv"]).await;
    let lines: Vec<&str> = csv.stdout.split('\n').filter(|l| !l.is_empty()).collect();
    assert!(lines[0].ends_with(",location,device,risk"), "{}", lines[0]);
    assert_eq!(lines.len(), all.len() + 1);
    let vpn = env.run(&["sessions", "list", "vpn"]).await;
    vpn.expect_code(0);
    let table: Vec<&str> = vpn.stdout.lines().collect();
    assert!(
        table[0].contains("LOCATION") && table[0].contains("DEVICE") && table[0].ends_with("RISK")
    );
    assert!(
        table[1..].iter().all(|l| l.contains("vpn")),
        "{}",
        vpn.stdout
    );
    let without = all.iter().filter(|s| intel(s).is_none()).count();
    assert!(without > 0);
    let table = env.run(&["sessions", "list", "--all"]).await;
    assert_eq!(
        table.stdout.lines().filter(|l| l.ends_with("n/a")).count(),
        without
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[expect(
    clippy::too_many_lines,
    reason = "one dump checked against a truth computed beside it, field by field"
)]
async fn users_aggregate_the_dump() {
    #[derive(Default, Debug)]
    struct Truth {
        sessions: u64,
        countries: BTreeSet<String>,
        uas: BTreeSet<String>,
        last: String,
        flags: BTreeSet<&'static str>,
    }
    let env = Env::start(50, 600).await;
    let all = dump(&env).await;
    let truth = |filter: &dyn Fn(&Value) -> bool| {
        let mut t: BTreeMap<String, Truth> = BTreeMap::new();
        for s in all.iter().filter(|s| filter(s)) {
            let row = t
                .entry(s["identity"].as_str().unwrap().to_string())
                .or_default();
            row.sessions += 1;
            if let Some(c) = geo(s, "country_code") {
                row.countries.insert(c.to_string());
            }
            // An iPad's Safari says the same browser and OS as an iPhone's.
            row.uas
                .insert(ua(s).replace("iPad; CPU OS", "iPhone; CPU iPhone OS"));
            let created = s["created_at"].as_str().unwrap().to_string();
            if created > row.last {
                row.last = created;
            }
            for (on, name) in [
                (matches!(verdict(s), Some("malicious")), "malicious"),
                (flag(s, "/ip_intel/is_vpn"), "vpn"),
                (flag(s, "/ip_intel/is_proxy"), "proxy"),
                (flag(s, "/embargo"), "embargo"),
                (flag(s, "/user_intel"), "breached"),
            ] {
                if on {
                    row.flags.insert(name);
                }
            }
            if matches!(verdict(s), Some("suspicious")) && !row.flags.contains("malicious") {
                row.flags.insert("suspicious");
            }
        }
        t
    };
    for (query, filter) in [
        (
            None,
            Box::new(|_: &Value| true) as Box<dyn Fn(&Value) -> bool>,
        ),
        (
            Some("vpn"),
            Box::new(|s: &Value| flag(s, "/ip_intel/is_vpn")),
        ),
        (
            Some("country=US"),
            Box::new(|s: &Value| geo(s, "country_code") == Some("US")),
        ),
    ] {
        let want = truth(&*filter);
        let mut args = vec!["sessions", "users", "-o", "json"];
        args.extend(query);
        let out = env.run(&args).await;
        out.expect_code(0);
        let rows = out.json();
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), want.len(), "{query:?}");
        let mut previous = u64::MAX;
        for r in rows {
            let t = &want[r["identity"].as_str().unwrap()];
            let n = r["sessions"].as_u64().unwrap();
            assert_eq!(n, t.sessions, "{query:?} {r}");
            assert!(n <= previous, "ordered by sessions, most first");
            previous = n;
            let countries: BTreeSet<String> = r["countries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            assert_eq!(countries, t.countries, "{r}");
            // every other seeded User-Agent names a distinct device
            assert_eq!(r["devices"].as_array().unwrap().len(), t.uas.len(), "{r}");
            let last: jiff::Timestamp = r["last_login"].as_str().unwrap().parse().unwrap();
            assert_eq!(last, t.last.parse::<jiff::Timestamp>().unwrap());
            let flags: BTreeSet<&str> = r["risk"]
                .as_array()
                .map(|a| a.iter().map(|f| f.as_str().unwrap()).collect())
                .unwrap_or_default();
            let mut want_flags = t.flags.clone();
            if want_flags.contains("malicious") {
                want_flags.remove("suspicious");
            }
            assert_eq!(flags, want_flags, "{r}");
        }
    }
    // the other formats list the same users; orders by other columns hold
    let nd = env.run(&["sessions", "users", "-o", "ndjson"]).await;
    assert_eq!(nd.stdout.lines().count(), truth(&|_| true).len());
    let csv = env
        .run(&[
            "sessions",
            "users",
            "-o",
            "csv",
            "--order-by",
            "email",
            "--asc",
        ])
        .await;
    csv.expect_code(0);
    let lines: Vec<&str> = csv.stdout.split('\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "email,identity,sessions,countries,devices,last_login,risk"
    );
    assert_eq!(lines.len(), truth(&|_| true).len() + 1);
    let table = env.run(&["sessions", "users", "vpn"]).await;
    table.expect_code(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("EMAIL") && lines[0].contains("COUNTRIES"));
    assert_eq!(
        lines.len(),
        truth(&|s| flag(s, "/ip_intel/is_vpn")).len() + 1
    );
    assert!(lines[1..].iter().all(|l| l.contains("vpn")));
    let by_email = env
        .run(&[
            "sessions",
            "users",
            "-o",
            "json",
            "--order-by",
            "email",
            "--asc",
        ])
        .await;
    let emails: Vec<String> = by_email
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted);
    let bad = env
        .run(&["sessions", "users", "--order-by", "colour"])
        .await;
    bad.expect_code(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_shows_both_parts_and_sends_nothing() {
    let env = Env::start(2, 4).await;
    let before = env.emu.request_count();
    let out = env
        .run(&[
            "sessions",
            "list",
            "--explain",
            "email~acme",
            "vpn",
            "profile.User-Agent~curl",
            "created>now-5m",
        ])
        .await;
    out.expect_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("server filter: created_at__gt=")
            && lines[0].contains(r#"email__contains=["acme"]"#),
        "{}",
        out.stdout
    );
    assert!(
        lines[1].starts_with("local terms:   vpn profile.User-Agent~curl"),
        "{}",
        out.stdout
    );
    let json = env
        .run(&[
            "sessions",
            "users",
            "--explain",
            "-o",
            "json",
            "country=FR,DE",
            "acme",
        ])
        .await;
    json.expect_code(0);
    let v = json.json();
    assert_eq!(
        v["filter"],
        serde_json::json!({"email__contains": ["acme"]})
    );
    assert_eq!(v["local"], serde_json::json!(["country=FR,DE"]));
    let none = env.run(&["sessions", "list", "--explain", "acme"]).await;
    assert!(
        none.stdout.contains("local terms:   (no local terms)"),
        "{}",
        none.stdout
    );
    assert_eq!(env.emu.request_count(), before);
    // a bad local term is a usage error pointing at it
    let bad = env.run(&["sessions", "list", "risk=evil"]).await;
    bad.expect_code(2);
    assert!(
        bad.stderr.contains("unknown verdict `evil`"),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("^^^^"), "{}", bad.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_intelligence_nothing_matches_and_risk_reads_not_provided() {
    let emu = authtop::emulator::RunningEmulator::start(
        authtop::emulator::EmulatorConfig {
            intelligence: false,
            ..crate::harness::emulator::config(10, 40, authtop::emulator::Faults::default())
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let env = Env::start(1, 1).await;
    let base = [
        "--base-url".to_string(),
        emu.base_url(),
        "--token".into(),
        emu.service_token().expose().to_string(),
    ];
    let run = |args: &[&str]| {
        let mut all: Vec<String> = args.iter().map(ToString::to_string).collect();
        all.extend(base.iter().cloned());
        env.run_raw(all, &[])
    };
    let vpn = run(&["sessions", "list", "vpn=false", "-o", "ndjson"]).await;
    vpn.expect_code(0);
    assert_eq!(vpn.stdout, "");
    let table = run(&["sessions", "list", "--size", "40"]).await;
    let rows: Vec<&str> = table.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 40);
    assert!(rows.iter().all(|l| l.ends_with("n/a")), "{}", table.stdout);
    let users = run(&["sessions", "users", "-o", "json"]).await;
    assert!(
        users
            .json()
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["risk"].is_null())
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_for_local_terms_that_fails_says_where_to_resume_and_closes_the_output() {
    let mut vpn = session_json("pmt_1", "pui_one", "a@x.io");
    vpn["active_token"] = serde_json::json!({
        "id": "pmt_t1", "type": "user", "life": 10, "expire": "2030-01-01T00:00:00Z",
        "identity": "pui_one", "email": "a@x.io", "profile": {}, "created_at": "2026-01-01T00:00:00Z",
        "intelligence": {"embargo": false, "user_intel": false,
            "ip_intel": {"is_bad": false, "is_vpn": true, "is_proxy": false,
                "reputation": {"category": [], "score": 1, "verdict": "benign"},
                "geolocation": {"country": "France", "city": "Lyon", "latitude": 1.0, "longitude": 2.0, "postal_code": "69001", "country_code": "FR"}},
            "domain_intel": {"is_bad": false, "reputation": {"category": [], "score": 0, "verdict": "benign"}}}
    });
    let first = serde_json::json!({
        "sessions": [vpn, session_json("pmt_2", "pui_two", "b@x.io")],
        "last": "cursor-two", "count": 4
    });
    let (url, seen) = scripted(vec![
        (200, envelope("Success", first)),
        (500, envelope("InternalError", Value::Null)),
    ])
    .await;
    let env = Env::start(1, 1).await;
    let out = env
        // An order other than login time: the walk is sequential, so a failed page has a
        // cursor to resume from.
        .run_at(
            &url,
            &[
                "sessions",
                "list",
                "vpn",
                "--order-by",
                "expires",
                "-o",
                "json",
            ],
        )
        .await;
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("resume with: --last cursor-two"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("1 pages read before the failure: 2 sessions scanned, 1 matched"),
        "{}",
        out.stderr
    );
    let printed = out.json();
    assert_eq!(
        ids(printed.as_array().unwrap().clone()),
        BTreeSet::from(["pmt_1".to_string()])
    );
    assert_eq!(printed[0]["derived"]["location"], "Lyon, FR");
    assert!(seen.lock().unwrap().len() >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passed_through_sessions_keep_the_token_scrub_and_terminal_safety() {
    let env = Env::start(1, 1).await;
    let mut echo = session_json("pmt_1", "pui_one", "a@x.io");
    // A server echoing the caller's token must not get it printed.
    echo["profile"] = serde_json::json!({"note": format!("token {}", env.token)});
    let mut bidi = session_json("pmt_2", "pui_two", "b@x.io");
    bidi["profile"] =
        serde_json::json!({"first_name": "evil\u{202e}txt", "User-Agent": "curl/8.8.0"});
    let page = serde_json::json!({"sessions": [echo, bidi], "last": "", "count": 2});
    let (url, _) = scripted(vec![(200, envelope("Success", page))]).await;
    let out = env
        .run_at(&url, &["sessions", "list", "--all", "-o", "ndjson"])
        .await;
    out.expect_code(0);
    let lines = ndjson(&out.stdout);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["profile"]["note"], "token [REDACTED]");
    // the session is still the server's, with the derived fields beside it
    assert_eq!(lines[1]["profile"]["first_name"], "evil\u{202e}txt");
    assert_eq!(lines[1]["derived"]["device"], "curl 8");
    assert!(lines[1]["derived"]["risk"].is_null());
}
