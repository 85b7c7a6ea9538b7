//! `authtop sessions …` against the emulator over loopback: stdout, stderr, exit codes,
//! and the emulator's state afterwards.

use crate::harness::cli::{Env, envelope, scripted, session_json};
use crate::harness::server::dead_port;
use authtop::emulator::Faults;
use std::collections::BTreeSet;

fn ids_of(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_page_by_default_with_the_next_cursor_on_stderr() {
    let env = Env::start(5, 23).await;
    let first = env
        .run(&["sessions", "list", "--size", "10", "-o", "json"])
        .await;
    first.expect_code(0);
    let page1 = ids_of(&first.json());
    assert_eq!(page1.len(), 10);
    let cursor = first
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("next page: --last "))
        .unwrap_or_else(|| panic!("no cursor in stderr: {}", first.stderr))
        .trim()
        .to_string();
    let second = env
        .run(&[
            "sessions", "list", "--size", "10", "-o", "json", "--last", &cursor,
        ])
        .await;
    second.expect_code(0);
    let page2 = ids_of(&second.json());
    assert_eq!(page2.len(), 10);
    assert!(page1.iter().all(|id| !page2.contains(id)), "pages overlap");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_pages_in_every_format() {
    let env = Env::start(6, 37).await;
    let total = env.emu.session_count();
    let expected: BTreeSet<String> = env.live_seeded().into_iter().collect();
    assert_eq!(expected.len(), total);

    let json = env
        .run(&["sessions", "list", "--all", "--size", "7", "-o", "json"])
        .await;
    json.expect_code(0);
    let ids: BTreeSet<String> = ids_of(&json.json()).into_iter().collect();
    assert_eq!(ids, expected);
    assert!(!json.stderr.contains("next page"), "{}", json.stderr);

    let nd = env
        .run(&["sessions", "list", "--all", "--size", "7", "-o", "ndjson"])
        .await;
    nd.expect_code(0);
    let ids: BTreeSet<String> = nd
        .stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, expected);
    assert_eq!(nd.stdout.lines().count(), total);

    let csv = env
        .run(&["sessions", "list", "--all", "--size", "7", "-o", "csv"])
        .await;
    csv.expect_code(0);
    let lines: Vec<&str> = csv.stdout.split('\n').filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("id,type,email,identity,created_at,expire"));
    assert_eq!(lines.len(), total + 1);
    let ids: BTreeSet<String> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(ids, expected);

    let table = env.run(&["sessions", "list", "--all", "--size", "7"]).await;
    table.expect_code(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("ID") && lines[0].contains("EMAIL"));
    assert_eq!(lines.len(), total + 1);
    assert!(
        !table.stdout.contains('\u{1b}'),
        "colour when stdout is a pipe"
    );
    // Columns line up: the email column starts at the same offset on every row.
    let email_col = lines[0].find("EMAIL").unwrap();
    for l in &lines[1..] {
        let id = l.split_whitespace().next().unwrap();
        assert!(expected.contains(id), "{l}");
        assert_eq!(
            l.char_indices().nth(email_col).map(|(_, c)| c != ' '),
            Some(true),
            "{l}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_narrows_the_list_on_the_server() {
    let env = Env::start(6, 30).await;
    let user = env
        .users()
        .into_iter()
        .find(|u| !u.sessions.is_empty())
        .unwrap();
    let q = format!("email={}", user.email);
    let out = env
        .run(&["sessions", "list", &q, "--all", "-o", "json"])
        .await;
    out.expect_code(0);
    let v = out.json();
    let got: BTreeSet<String> = ids_of(&v).into_iter().collect();
    let want: BTreeSet<String> = user.sessions.iter().map(|s| s.session_id.clone()).collect();
    assert_eq!(got, want);
    for s in v.as_array().unwrap() {
        assert_eq!(s["email"], user.email.as_str());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_prints_the_filter_and_sends_nothing() {
    let env = Env::start(2, 4).await;
    let before = env.emu.request_count();
    let out = env
        .run(&["sessions", "list", "email~acme", "--explain"])
        .await;
    out.expect_code(0);
    assert!(out.stdout.contains("email"), "{}", out.stdout);
    assert!(out.stdout.contains("acme"), "{}", out.stdout);
    let json = env
        .run(&["sessions", "list", "email~acme", "--explain", "-o", "json"])
        .await;
    json.expect_code(0);
    assert!(
        json.json()["filter"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("email"))
    );
    assert_eq!(env.emu.request_count(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_query_shows_a_caret_exits_2_and_sends_nothing() {
    let env = Env::start(2, 4).await;
    let before = env.emu.request_count();
    let out = env
        .run(&["sessions", "list", "email~a", "nosuchfield=1"])
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("email~a nosuchfield=1"),
        "{}",
        out.stderr
    );
    let caret = out
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with('^'))
        .unwrap();
    // The caret starts under the bad term (after the 2-space indent and `email~a `).
    assert_eq!(
        caret.find('^'),
        Some(2 + "email~a ".len()),
        "{}",
        out.stderr
    );
    let out = env
        .run(&[
            "sessions",
            "invalidate",
            "--query",
            "nosuchfield=1",
            "--yes",
        ])
        .await;
    out.expect_code(2);
    assert_eq!(env.emu.request_count(), before);
    assert_eq!(env.emu.session_count(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidate_by_ids_ends_them_and_audits_each() {
    let env = Env::start(4, 12).await;
    let live = env.live_seeded();
    let (a, b) = (live[0].clone(), live[1].clone());
    let out = env
        .run(&[
            "sessions",
            "invalidate",
            &a,
            &b,
            "pmt_nosuchsessionnosuchsessionnosuch",
        ])
        .await;
    // An explicit id the server does not know is not "already gone": exit 8.
    out.expect_code(8);
    assert!(out.stdout.contains("invalidated: 2"), "{}", out.stdout);
    assert!(out.stdout.contains("not found: 1"), "{}", out.stdout);
    assert!(
        out.stderr.contains("pmt_nosuchsessionnosuchsessionnosuch"),
        "{}",
        out.stderr
    );
    assert!(!env.emu.session_exists(&a) && !env.emu.session_exists(&b));
    assert_eq!(env.emu.session_count(), 10);
    let all = env.audit();
    assert_eq!(all.len(), 6, "an intent and an outcome line per target");
    let audit: Vec<serde_json::Value> = all
        .into_iter()
        .filter(|l| l["phase"] == "outcome")
        .collect();
    assert_eq!(audit.len(), 3);
    for line in &audit {
        assert_eq!(line["action"], "session.invalidate");
        assert!(
            line["request_id"].as_str().unwrap().starts_with("prq_"),
            "{line}"
        );
        assert!(line["time"].is_string() && line["host"].is_string());
    }
    let outcome = |id: &str| audit.iter().find(|l| l["target"] == id).unwrap()["outcome"].clone();
    assert_eq!(outcome(&a), "ok");
    assert_eq!(outcome("pmt_nosuchsessionnosuchsessionnosuch"), "not_found");

    let out = env
        .run(&[
            "sessions",
            "invalidate",
            "pmt_nosuchsessionnosuchsessionnosuch",
            "--ignore-not-found",
        ])
        .await;
    out.expect_code(0);
    assert!(out.stdout.contains("already gone: 1"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidate_by_query_is_a_dry_run_until_yes() {
    let env = Env::start(5, 25).await;
    let user = env
        .users()
        .into_iter()
        .max_by_key(|u| u.sessions.len())
        .unwrap();
    let n = user.sessions.len();
    assert!(n >= 2);
    let q = format!("email={}", user.email);
    let before = env.emu.session_count();

    let dry = env.run(&["sessions", "invalidate", "--query", &q]).await;
    dry.expect_code(0);
    assert!(
        dry.stdout
            .contains(&format!("{n} session(s) of 1 user(s) match")),
        "{}",
        dry.stdout
    );
    assert!(dry.stdout.contains("--yes"));
    assert!(
        dry.stdout.contains(&user.sessions[0].session_id),
        "sample: {}",
        dry.stdout
    );
    assert_eq!(
        env.emu.session_count(),
        before,
        "a dry run deleted something"
    );
    assert!(env.audit().is_empty());

    let dry_json = env
        .run(&["sessions", "invalidate", "--query", &q, "-o", "json"])
        .await;
    assert_eq!(dry_json.json()["matched"], n);

    let run = env
        .run(&[
            "sessions",
            "invalidate",
            "--query",
            &q,
            "--yes",
            "-o",
            "json",
        ])
        .await;
    run.expect_code(0);
    let v = run.json();
    assert_eq!(v["done"], n);
    assert_eq!(v["failed"], 0);
    for s in &user.sessions {
        assert!(!env.emu.session_exists(&s.session_id));
    }
    assert_eq!(env.emu.session_count(), before - n);
    assert_eq!(env.audit().len(), 2 * n);
    assert!(
        env.audit().iter().all(|l| l["query"] == q.as_str()),
        "every line names the query"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_by_user_id_and_by_email() {
    let env = Env::start(5, 25).await;
    let users = env.users_with_sessions();
    let (u1, u2) = (&users[0], &users[1]);
    let before = env.emu.session_count();

    let out = env.run(&["sessions", "logout", &u1.user_id]).await;
    out.expect_code(0);
    assert!(
        u1.sessions
            .iter()
            .all(|s| !env.emu.session_exists(&s.session_id))
    );
    assert!(
        u2.sessions
            .iter()
            .all(|s| env.emu.session_exists(&s.session_id))
    );

    let out = env.run(&["sessions", "logout", "--email", &u2.email]).await;
    out.expect_code(0);
    assert!(
        u2.sessions
            .iter()
            .all(|s| !env.emu.session_exists(&s.session_id))
    );
    assert_eq!(
        env.emu.session_count(),
        before - u1.sessions.len() - u2.sessions.len()
    );
    let audit: Vec<serde_json::Value> = env
        .audit()
        .into_iter()
        .filter(|l| l["phase"] == "outcome")
        .collect();
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|l| l["action"] == "session.logout"));
    assert_eq!(audit[1]["target"], u2.user_id.as_str());
    assert_eq!(audit[1]["email"], u2.email.as_str());

    let out = env
        .run(&["sessions", "logout", "--email", "nobody@nowhere.invalid"])
        .await;
    out.expect_code(1);
    assert!(
        out.stderr.contains("no sessions for that email"),
        "{}",
        out.stderr
    );
}

/// Two identities sharing one email can only come from a server, not the seed: a tiny
/// scripted list endpoint stands in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_by_an_ambiguous_email_lists_the_identities_and_does_nothing() {
    let page = serde_json::json!({
        "sessions": [session_json("pmt_1", "pui_one", "shared@x.io"), session_json("pmt_2", "pui_two", "shared@x.io")],
        "last": "", "count": 2
    });
    let (url, seen) = scripted(vec![(200, envelope("Success", page))]).await;
    let env = Env::start(1, 1).await;
    let out = env
        .run_raw(
            [
                "sessions",
                "logout",
                "--email",
                "shared@x.io",
                "--base-url",
                &url,
                "--token",
                "pts_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            ]
            .map(String::from)
            .to_vec(),
            &[],
        )
        .await;
    out.expect_code(2);
    assert!(out.stderr.contains("ambiguous"), "{}", out.stderr);
    assert!(
        out.stderr.contains("pui_one") && out.stderr.contains("pui_two"),
        "{}",
        out.stderr
    );
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "only the list may be called: {seen:?}");
    assert_eq!(seen[0].0, "/v2/session/list");
    assert_eq!(seen[0].1["filter"]["email"], "shared@x.io");
    assert!(env.audit().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_destructive_commands_before_any_request() {
    let env = Env::start(3, 6).await;
    let id = env.live_seeded()[0].clone();
    let user = env.users()[0].user_id.clone();
    let before = env.emu.request_count();
    for args in [
        vec!["--read-only", "sessions", "invalidate", id.as_str()],
        vec!["sessions", "logout", user.as_str(), "--read-only"],
        vec![
            "--read-only",
            "sessions",
            "invalidate",
            "--query",
            "email~a",
            "--yes",
        ],
    ] {
        let out = env.run(&args).await;
        out.expect_code(7);
        assert!(out.stderr.contains("read-only"), "{}", out.stderr);
    }
    // The same from a profile.
    env.use_config("valid/read_only.toml");
    let out = env.run(&["sessions", "invalidate", &id]).await;
    out.expect_code(7);
    assert_eq!(env.emu.request_count(), before);
    assert!(env.emu.session_exists(&id));
    assert!(env.audit().is_empty());
    // Reading still works.
    env.run(&["sessions", "list"]).await.expect_code(0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_exits_3_with_the_request_id() {
    let env = Env::start(1, 2).await;
    let bad = "pts_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";
    env.remember(bad);
    let out = env
        .run_raw(
            [
                "sessions",
                "list",
                "--base-url",
                &env.base_url,
                "--token",
                bad,
            ]
            .map(String::from)
            .to_vec(),
            &[],
        )
        .await;
    out.expect_code(3);
    assert!(out.stderr.contains("Unauthorized"), "{}", out.stderr);
    assert!(out.stderr.contains("prq_"), "{}", out.stderr);
    // The same token from a file.
    let file = env.dir.path().join("svc.token");
    std::fs::write(&file, bad).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = env
        .run_raw(
            [
                "sessions",
                "list",
                "--base-url",
                &env.base_url,
                "--service-token-file",
                file.to_str().unwrap(),
            ]
            .map(String::from)
            .to_vec(),
            &[],
        )
        .await;
    out.expect_code(3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_server_exits_5() {
    let env = Env::start(1, 1).await;
    let url = format!("http://127.0.0.1:{}", dead_port());
    let out = env
        .run_at(&url, &["sessions", "list", "--timeout", "2s"])
        .await;
    out.expect_code(5);
    assert!(out.stderr.contains("127.0.0.1"), "{}", out.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credentials_is_a_usage_error_for_scripts() {
    let env = Env::start(1, 1).await;
    let out = env
        .run_raw(vec!["sessions".into(), "list".into()], &[])
        .await;
    out.expect_code(2);
    assert!(out.stderr.contains("no service token"), "{}", out.stderr);
}

/// Under 5xx, 429, 202 and dropped connections every matched session ends up either
/// invalidated or reported failed, and the emulator agrees with the summary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_invalidate_under_faults_reports_exactly_what_happened() {
    let faults = Faults {
        error_rate: 0.15,
        throttle_rate: 0.1,
        async_rate: 0.1,
        drop_rate: 0.1,
        ..Default::default()
    };
    let env = Env::with_faults(10, 60, faults).await;
    let seeded: BTreeSet<String> = env.live_seeded().into_iter().collect();
    // The walk itself can fail under faults (nothing is invalidated then): try again.
    let mut summary = None;
    for _ in 0..8 {
        let out = env
            .run(&[
                "sessions",
                "invalidate",
                "--all",
                "--yes",
                "-o",
                "json",
                "--concurrency",
                "6",
            ])
            .await;
        if out.stdout.trim_start().starts_with('{') {
            assert!([0, 6].contains(&out.code) || out.code >= 3, "{out:?}");
            summary = Some(out.json());
            break;
        }
        assert_eq!(
            env.emu.session_count(),
            seeded.len(),
            "failed walk changed state"
        );
    }
    let v = summary.expect("the listing never succeeded under faults");
    let results = v["results"].as_array().unwrap();
    let targets: BTreeSet<String> = results
        .iter()
        .map(|r| r["target"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(targets, seeded, "every matched session is accounted for");
    assert_eq!(results.len(), seeded.len());
    let mut failed = 0;
    for r in results {
        let id = r["target"].as_str().unwrap();
        match r["outcome"].as_str().unwrap() {
            "ok" | "ok_confirmed_by_retry" | "not_found" => {
                assert!(!env.emu.session_exists(id), "{r}");
            }
            "failed" | "unknown" => {
                failed += 1;
                assert!(r["error"].is_string(), "{r}");
                // Faults strike before the store is touched, so a failure changed nothing.
                assert!(env.emu.session_exists(id), "{r}");
            }
            other => panic!("outcome {other}"),
        }
    }
    assert_eq!(
        v["failed"].as_u64().unwrap() + v["unknown"].as_u64().unwrap(),
        failed as u64
    );
    assert_eq!(env.emu.session_count(), failed);
    assert_eq!(env.audit().len(), 2 * seeded.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_that_fails_mid_way_closes_the_output_and_says_where_to_resume() {
    let first = serde_json::json!({
        "sessions": [session_json("pmt_1", "pui_one", "a@x.io"), session_json("pmt_2", "pui_two", "b@x.io")],
        "last": "cursor-two", "count": 4
    });
    let invalid = serde_json::json!({"errors": [{"code": "DoesNotMatchPattern", "detail": "bad", "source": "/size"}]});
    let env = Env::start(1, 1).await;
    for format in ["json", "ndjson"] {
        let (url, seen) = scripted(vec![
            (200, envelope("Success", first.clone())),
            (400, envelope("ValidationError", invalid.clone())),
        ])
        .await;

        let out = env
            // An order other than login time: the walk is sequential, so a failed page
            // has a cursor to resume from.
            .run_at(
                &url,
                &[
                    "sessions",
                    "list",
                    "--all",
                    "--order-by",
                    "expires",
                    "-o",
                    format,
                ],
            )
            .await;
        out.expect_code(4);
        assert!(
            out.stderr.contains("resume with: --last cursor-two"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("prq_scripted"), "{}", out.stderr);
        let ids: Vec<String> = if format == "json" {
            ids_of(&out.json())
        } else {
            out.stdout
                .lines()
                .map(|l| {
                    serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(ids, ["pmt_1", "pmt_2"]);
        assert_eq!(seen.lock().unwrap()[1].1["last"], "cursor-two");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_in_login_time_order_that_fails_closes_the_output_and_names_the_request() {
    let env = Env::start(1, 1).await;
    let invalid = serde_json::json!({"errors": [{"code": "DoesNotMatchPattern", "detail": "bad", "source": "/size"}]});
    let one = serde_json::json!({
        "sessions": [session_json("pmt_1", "pui_one", "a@x.io")], "last": "", "count": 1
    });
    // The walk split by login time first asks for the oldest and the newest match; the
    // second answer fails, so nothing is listed and there is no cursor to resume from.
    let (url, _) = scripted(vec![
        (200, envelope("Success", one)),
        (400, envelope("ValidationError", invalid)),
    ])
    .await;
    let out = env
        .run_at(
            &url,
            &[
                "sessions",
                "list",
                "--all",
                "--order-by",
                "created_at",
                "--asc",
                "-o",
                "json",
            ],
        )
        .await;
    out.expect_code(4);
    assert!(out.stderr.contains("prq_scripted"), "{}", out.stderr);
    assert!(!out.stderr.contains("resume with"), "{}", out.stderr);
    assert_eq!(out.json(), serde_json::json!([]), "the output still parses");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authtop_log_traces_calls_to_stderr_and_nothing_by_default() {
    let env = Env::start(2, 4).await;
    // The token from a file: a typed --token earns a notice on stderr.
    let file = env.dir.path().join("svc.token");
    crate::harness::cli::write_private(&file, &env.token);
    let file = file.display().to_string();
    let args: Vec<String> = [
        "sessions",
        "list",
        "-o",
        "json",
        "--base-url",
        &env.base_url,
        "--service-token-file",
        &file,
    ]
    .map(String::from)
    .to_vec();
    let quiet = env.run_raw(args.clone(), &[]).await;
    quiet.expect_code(0);
    assert_eq!(quiet.stderr, "");
    let traced = env.run_raw(args, &[("AUTHTOP_LOG", "debug")]).await;
    traced.expect_code(0);
    assert!(traced.stderr.contains("authn call"), "{}", traced.stderr);
    assert_eq!(
        ids_of(&traced.json()),
        ids_of(&quiet.json()),
        "logging changed stdout"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_line_names_the_profile_only_when_one_was_in_force() {
    let env = Env::start(4, 12).await;
    std::fs::write(
        env.config_path(),
        format!(
            "default_profile = \"work\"\n[profiles.work]\nbase_url = \"{}\"\ntoken_env = \"WORK_TOKEN\"\n",
            env.base_url
        ),
    )
    .unwrap();
    let live = env.live_seeded();
    let profile_of = |target: &str| -> Vec<serde_json::Value> {
        env.audit()
            .into_iter()
            .filter(|l| l["target"] == target)
            .map(|l| l["profile"].clone())
            .collect()
    };

    // --base-url and --token give the server and token: the default profile is not in force.
    env.run(&["sessions", "invalidate", &live[0]])
        .await
        .expect_code(0);
    assert_eq!(
        profile_of(&live[0]),
        vec![serde_json::Value::Null; 2],
        "{:?}",
        env.audit()
    );

    // The default profile supplies them: it is named.
    let token = env.token.clone();
    let args = |id: &str| vec!["sessions".into(), "invalidate".into(), id.to_string()];
    env.run_raw(args(&live[1]), &[("WORK_TOKEN", &token)])
        .await
        .expect_code(0);
    assert_eq!(profile_of(&live[1]), vec![serde_json::json!("work"); 2]);

    // Chosen explicitly, it is named even when flags give the server and token.
    env.run(&["--profile", "work", "sessions", "invalidate", &live[2]])
        .await
        .expect_code(0);
    assert_eq!(profile_of(&live[2]), vec![serde_json::json!("work"); 2]);
}
