//! What a query shows is what the CLI acts on: local terms walked, the whole set compared
//! with the full listing before and after, audit lines with the query, profile, host and
//! walk time; plans, hosts, and ids checked before anything is sent.

use crate::harness::cli::Env;
use std::collections::BTreeSet;

/// The ids `sessions list` shows for `query`, every page.
async fn listed(env: &Env, query: &str) -> BTreeSet<String> {
    let out = env
        .run(&["sessions", "list", query, "--all", "-o", "ndjson"])
        .await;
    out.expect_code(0);
    out.stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// Every session id the emulator has, from a full listing.
async fn everything(env: &Env) -> BTreeSet<String> {
    let out = env
        .run(&["sessions", "list", "--all", "-o", "ndjson"])
        .await;
    out.expect_code(0);
    out.stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

/// The owners of `ids`, from a full listing.
async fn owners(env: &Env, ids: &BTreeSet<String>) -> BTreeSet<String> {
    let out = env
        .run(&["sessions", "list", "--all", "-o", "ndjson"])
        .await;
    out.stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| ids.contains(v["id"].as_str().unwrap()))
        .map(|v| v["identity"].as_str().unwrap().to_string())
        .collect()
}

fn host(env: &Env) -> String {
    env.base_url.trim_start_matches("http://").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidate_by_query_ends_exactly_what_the_listing_shows() {
    for query in ["email~e vpn", "risk=malicious,suspicious", "email~a"] {
        let env = Env::start(20, 200).await;
        let before = everything(&env).await;
        let shown = listed(&env, query).await;
        assert!(
            !shown.is_empty() && shown.len() < before.len(),
            "{query}: {} of {}",
            shown.len(),
            before.len()
        );

        let dry = env.run(&["sessions", "invalidate", "--query", query]).await;
        dry.expect_code(0);
        let first = dry.stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("on default @ {}", host(&env))),
            "the dry run names profile and host first: {}",
            dry.stdout
        );
        assert!(
            dry.stdout
                .contains(&format!("{} session(s) of", shown.len())),
            "{query}: {}",
            dry.stdout
        );
        assert!(dry.stdout.contains(&format!("`{query}`")), "{}", dry.stdout);
        assert!(
            dry.stdout
                .contains(&format!("--expect-host '{}'", host(&env)))
                && dry.stdout.contains("--base-url"),
            "the suggested command says where it runs: {}",
            dry.stdout
        );
        assert_eq!(everything(&env).await, before, "a dry run ends nothing");

        let run = env
            .run(&[
                "sessions",
                "invalidate",
                "--query",
                query,
                "--yes",
                "-o",
                "json",
            ])
            .await;
        run.expect_code(0);
        assert!(
            run.stderr.contains(&format!("on default @ {}", host(&env))),
            "{}",
            run.stderr
        );
        assert_eq!(run.json()["done"], shown.len(), "{query}");
        let after = everything(&env).await;
        let expected: BTreeSet<String> = before.difference(&shown).cloned().collect();
        assert_eq!(after, expected, "{query}: exactly the shown sessions ended");

        let outcomes: Vec<serde_json::Value> = env
            .audit()
            .into_iter()
            .filter(|l| l["phase"] == "outcome")
            .collect();
        let targets: BTreeSet<String> = outcomes
            .iter()
            .map(|l| l["target"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(targets, shown, "{query}");
        for l in env.audit() {
            assert_eq!(l["query"], query, "{l}");
            // --base-url and --token gave the server: no profile was in force.
            assert!(l.get("profile").is_none(), "{l}");
            assert_eq!(l["host"], host(&env), "{l}");
            assert!(l["walked_at"].as_str().is_some_and(|t| t.len() > 10), "{l}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_by_query_ends_every_session_of_the_matched_users_only() {
    let env = Env::start(20, 200).await;
    let query = "risk=malicious";
    let before = everything(&env).await;
    let shown = listed(&env, query).await;
    let users = owners(&env, &shown).await;
    assert!(!users.is_empty());
    let theirs: BTreeSet<String> = {
        let out = env
            .run(&["sessions", "list", "--all", "-o", "ndjson"])
            .await;
        out.stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| users.contains(v["identity"].as_str().unwrap()))
            .map(|v| v["id"].as_str().unwrap().to_string())
            .collect()
    };
    let dry = env
        .run(&["sessions", "logout", "--query", query, "-o", "json"])
        .await;
    dry.expect_code(0);
    let v = dry.json();
    assert_eq!(v["profile"], "default");
    assert_eq!(v["logout_users"], users.len());
    assert_eq!(v["sessions_of_those_users"], theirs.len());
    assert_eq!(everything(&env).await, before);

    let run = env
        .run(&["sessions", "logout", "--query", query, "--yes"])
        .await;
    run.expect_code(0);
    assert!(
        run.stdout
            .contains(&format!("sessions ended: {}", theirs.len())),
        "{}",
        run.stdout
    );
    let expected: BTreeSet<String> = before.difference(&theirs).cloned().collect();
    assert_eq!(everything(&env).await, expected);
    for l in env.audit() {
        assert_eq!(l["query"], query, "{l}");
        assert!(l["walked_at"].is_string(), "{l}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_matching_everything_needs_all_whatever_its_text() {
    let env = Env::start(6, 40).await;
    for query in ["type=session", "created<now+1000d", "email~."] {
        let out = env
            .run(&["sessions", "invalidate", "--query", query, "--yes"])
            .await;
        out.expect_code(2);
        assert!(
            out.stderr.contains("matches all 40 sessions") && out.stderr.contains("--all"),
            "{query}: {}",
            out.stderr
        );
    }
    assert_eq!(env.emu.session_count(), 40);
    assert!(env.audit().is_empty(), "nothing was sent");
    let out = env
        .run(&["sessions", "invalidate", "--query", "type=session", "--all"])
        .await;
    out.expect_code(0);
    assert!(out.stdout.contains("40 session(s)"), "{}", out.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_round_trips_and_refuses_another_profile() {
    let env = Env::start(10, 80).await;
    std::fs::write(
        env.config_path(),
        format!(
            "[profiles.prod]\nbase_url = \"{0}\"\nallow_http = true\n[profiles.staging]\nbase_url = \"{0}\"\nallow_http = true\n",
            env.base_url
        ),
    )
    .unwrap();
    let query = "email~e vpn";
    let shown = listed(&env, query).await;
    let plan = env.dir.path().join("plan.json");
    let plan_arg = plan.display().to_string();
    let out = env
        .run(&[
            "--profile",
            "prod",
            "sessions",
            "invalidate",
            "--query",
            query,
            "--plan",
            &plan_arg,
        ])
        .await;
    out.expect_code(0);
    assert!(out.stdout.contains("--from-plan"), "{}", out.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&plan).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a plan names people's sessions");
    }
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(v["count"], shown.len());
    assert_eq!(v["profile"], "prod");
    assert_eq!(v["query"], query);
    let planned: BTreeSet<String> = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(planned, shown);
    assert_eq!(env.emu.session_count(), 80, "a plan acts on nothing");

    let other = env
        .run(&[
            "--profile",
            "staging",
            "sessions",
            "invalidate",
            "--from-plan",
            &plan_arg,
        ])
        .await;
    other.expect_code(2);
    assert!(other.stderr.contains("made for prod @"), "{}", other.stderr);
    assert_eq!(env.emu.session_count(), 80);
    assert!(env.audit().is_empty());

    let before = everything(&env).await;
    let run = env
        .run(&[
            "--profile",
            "prod",
            "sessions",
            "invalidate",
            "--from-plan",
            &plan_arg,
        ])
        .await;
    run.expect_code(0);
    let after = everything(&env).await;
    assert_eq!(after, before.difference(&shown).cloned().collect());
    assert!(env.audit().iter().all(|l| l["query"] == query));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expect_host_refuses_any_other_host_before_anything_is_sent() {
    let env = Env::start(4, 20).await;
    let live = env.live_seeded();
    let out = env
        .run(&[
            "sessions",
            "invalidate",
            &live[0],
            "--expect-host",
            "authn.aws.us.pangea.cloud",
        ])
        .await;
    out.expect_code(2);
    assert!(out.stderr.contains("--expect-host"), "{}", out.stderr);
    assert!(env.emu.session_exists(&live[0]));
    let out = env
        .run(&[
            "sessions",
            "invalidate",
            &live[0],
            "--expect-host",
            &host(&env),
        ])
        .await;
    out.expect_code(0);
    assert!(!env.emu.session_exists(&live[0]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_are_checked_before_anything_is_sent_and_a_token_is_written_nowhere() {
    let env = Env::start(4, 20).await;
    let users = env.users_with_sessions();
    let token = users[0].sessions[0].user_token.expose().to_string();
    let before = env.emu.request_count();
    for args in [
        vec!["sessions", "invalidate", token.as_str()],
        vec!["sessions", "logout", token.as_str()],
        vec!["sessions", "logout", env.token.as_str()],
        vec!["sessions", "logout", "not-a-user"],
        vec![
            "sessions",
            "logout",
            users[0].sessions[0].session_id.as_str(),
        ],
        vec!["sessions", "invalidate", users[0].user_id.as_str()],
    ] {
        let out = env.run(&args).await;
        out.expect_code(2);
        assert!(
            out.stderr.contains("argument 1"),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(env.emu.request_count(), before, "nothing was sent");
    assert_eq!(env.emu.session_count(), 20);
    // No file the runs left behind holds the token.
    for entry in walk(env.dir.path()) {
        let text = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        env.assert_no_secret_in(&text, &entry.display().to_string());
    }

    // An unknown user is not found (exit 8), and nothing is sent for it.
    let nobody = "pui_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let out = env.run(&["sessions", "logout", nobody]).await;
    out.expect_code(8);
    assert!(out.stderr.contains("not found"), "{}", out.stderr);
    // A known user: their sessions are counted and the summary says how many ended.
    let n = users[0].sessions.len();
    let out = env.run(&["sessions", "logout", &users[0].user_id]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains(&format!("sessions ended: {n}")),
        "{}",
        out.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stdin_ids_allow_comments_and_refuse_a_header_by_name() {
    let env = Env::start(4, 20).await;
    let live = env.live_seeded();
    let args = || {
        vec![
            "sessions".to_string(),
            "invalidate".into(),
            "-".into(),
            "--base-url".into(),
            env.base_url.clone(),
            "--token".into(),
            env.token.clone(),
        ]
    };
    let out = env
        .run_fed(args(), &[], Some(format!("id\n{}\n", live[0])))
        .await;
    out.expect_code(2);
    assert!(
        out.stderr
            .contains("line 1 of standard input is a header (`id`)"),
        "{}",
        out.stderr
    );
    assert!(env.emu.session_exists(&live[0]));
    let out = env
        .run_fed(
            args(),
            &[],
            Some(format!("{}   # old laptop\n\n# done\n", live[0])),
        )
        .await;
    out.expect_code(0);
    assert!(!env.emu.session_exists(&live[0]));
    assert_eq!(env.emu.session_count(), 19);

    // The not-attempted list of a stopped run resumes with --from-ids.
    let file = env.dir.path().join("left.txt");
    std::fs::write(&file, format!("{}\n{}\n", live[1], live[2])).unwrap();
    let out = env
        .run(&[
            "sessions",
            "invalidate",
            "--from-ids",
            &file.display().to_string(),
        ])
        .await;
    out.expect_code(0);
    assert_eq!(env.emu.session_count(), 17);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_state_folder_is_private_even_when_it_was_not() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::start(4, 20).await;
    std::fs::create_dir_all(env.state_dir()).unwrap();
    std::fs::set_permissions(env.state_dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let live = env.live_seeded();
    env.run(&["sessions", "invalidate", &live[0]])
        .await
        .expect_code(0);
    let mode = std::fs::metadata(env.state_dir())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
