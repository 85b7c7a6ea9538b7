//! The command line's finish, against the emulator with the real binary: `--order-by`
//! names and typos, the page-size cap, ids from standard input, help layout, totals on
//! a terminal, column selection, colour rules, the manual page and completions.

use crate::harness::cli::Env;
use crate::harness::emulator::{config, start_on_runtime};
use crate::harness::pty::on_terminal;
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
async fn order_by_takes_query_names_and_aliases_and_a_typo_gets_did_you_mean() {
    let env = Env::start(4, 20).await;
    let before = env.emu.request_count();
    let out = env.run(&["sessions", "list", "--order-by", "emial"]).await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("did you mean `email`?"),
        "{}",
        out.stderr
    );
    let out = env
        .run(&["sessions", "list", "--order-by", "username"])
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("cannot be ordered by `username`"),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.emu.request_count(),
        before,
        "a bad --order-by sent a request"
    );

    // `expires` is the query language's alias; the order really is by expiry.
    let out = env
        .run(&[
            "sessions",
            "list",
            "--order-by",
            "expires",
            "--asc",
            "-o",
            "json",
        ])
        .await;
    out.expect_code(0);
    let expiries: Vec<String> = out
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["expire"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(expiries.len(), 20);
    let times: Vec<jiff::Timestamp> = expiries.iter().map(|t| t.parse().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{expiries:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_by_values_are_in_help_and_completions() {
    let env = Env::start(1, 1).await;
    let help = env
        .run_raw(vec!["sessions".into(), "list".into(), "--help".into()], &[])
        .await;
    help.expect_code(0);
    let order_help: String = help
        .stdout
        .split("--order-by")
        .nth(1)
        .unwrap()
        .split("--asc")
        .next()
        .unwrap()
        .to_string();
    for name in [
        "created", "expire", "expires", "email", "identity", "user", "id", "type", "token",
    ] {
        assert!(
            order_help.contains(&format!("- {name}:")),
            "{name} missing:\n{order_help}"
        );
    }
    let bash = env
        .run_raw(vec!["completions".into(), "bash".into()], &[])
        .await;
    bash.expect_code(0);
    assert!(
        bash.stdout.contains(
            "email identity user id type token active_token_id created created_at expire expires"
        ),
        "--order-by values are not completed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_larger_than_1000_is_a_usage_error_and_nothing_is_sent() {
    let env = Env::start(2, 5).await;
    let before = env.emu.request_count();
    let out = env.run(&["sessions", "list", "--size", "1001"]).await;
    out.expect_code(2);
    assert!(out.stderr.contains("1..=1000"), "{}", out.stderr);
    assert_eq!(env.emu.request_count(), before);
    env.run(&["sessions", "list", "--size", "1000", "-o", "json"])
        .await
        .expect_code(0);
    // The profile's page_size has the same bound.
    let before = env.emu.request_count();
    std::fs::write(env.config_path(), "[profiles.default]\npage_size = 5000\n").unwrap();
    let out = env.run(&["sessions", "list"]).await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("page_size") && out.stderr.contains("1 to 1000"),
        "{}",
        out.stderr
    );
    assert_eq!(env.emu.request_count(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidate_dash_reads_ids_from_stdin_through_the_audited_engine() {
    let env = Env::start(4, 12).await;
    let ids = env.live_seeded();
    let input = format!(
        "# ended after the incident\n{}\n\n  {}  \n# done\n",
        ids[0], ids[1]
    );
    let args = |extra: &[&str]| {
        let mut a: Vec<String> = ["sessions", "invalidate", "-"]
            .iter()
            .chain(extra)
            .map(ToString::to_string)
            .collect();
        a.extend([
            "--base-url".into(),
            env.base_url.clone(),
            "--token".into(),
            env.token.clone(),
        ]);
        a
    };
    let out = env.run_fed(args(&[]), &[], Some(input)).await;
    out.expect_code(0);
    assert!(!env.emu.session_exists(&ids[0]) && !env.emu.session_exists(&ids[1]));
    assert_eq!(
        env.emu.session_count(),
        10,
        "only the two listed sessions ended"
    );
    let outcomes: BTreeSet<String> = env
        .audit()
        .into_iter()
        .filter(|l| l["phase"] == "outcome")
        .map(|l| l["target"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(outcomes, BTreeSet::from([ids[0].clone(), ids[1].clone()]));

    // An empty stdin (or only comments) is a usage error: nothing sent, nothing audited.
    let before = env.emu.request_count();
    let audited = env.audit().len();
    for input in ["", "\n# nothing today\n\n"] {
        let out = env.run_fed(args(&[]), &[], Some(input.into())).await;
        out.expect_code(2);
        assert!(
            out.stderr.contains("no session ids in standard input"),
            "{}",
            out.stderr
        );
    }
    // The read-only guard still applies.
    let out = env
        .run_fed(args(&["--read-only"]), &[], Some(format!("{}\n", ids[2])))
        .await;
    out.expect_code(7);
    assert!(env.emu.session_exists(&ids[2]));
    assert_eq!(env.emu.request_count(), before);
    assert_eq!(env.audit().len(), audited);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_options_are_described_once_and_the_emulator_shows_only_its_own() {
    let env = Env::start(1, 1).await;
    let run = |args: &[&str]| env.run_raw(args.iter().map(ToString::to_string).collect(), &[]);
    let top = run(&["--help"]).await;
    top.expect_code(0);
    assert!(top.stdout.contains("Global options:"), "{}", top.stdout);
    assert_eq!(top.stdout.matches("Refuse destructive commands").count(), 1);
    for sub in [
        &["sessions", "list", "--help"][..],
        &["config", "show", "-h"],
        &["sessions", "-h"],
    ] {
        let help = run(sub).await;
        help.expect_code(0);
        assert!(
            help.stdout
                .contains("Global options (described in `authtop --help`):"),
            "{sub:?}:\n{}",
            help.stdout
        );
        assert!(help.stdout.contains("--read-only") && help.stdout.contains("--color"));
        assert!(
            !help.stdout.contains("Refuse destructive commands"),
            "{sub:?} describes the global options again:\n{}",
            help.stdout
        );
    }
    let emu = run(&["emulator", "--help"]).await;
    emu.expect_code(0);
    for absent in [
        "--token ",
        "--output",
        "-o,",
        "--read-only",
        "--profile",
        "Global options",
        "--color",
    ] {
        assert!(
            !emu.stdout.contains(absent),
            "{absent} in emulator help:\n{}",
            emu.stdout
        );
    }
    assert!(emu.stdout.contains("--port") && emu.stdout.contains("--sessions"));
    // Global flags still parse after the subcommand.
    env.run(&[
        "sessions",
        "list",
        "--size",
        "2",
        "-o",
        "json",
        "--read-only",
    ])
    .await
    .expect_code(0);
}

#[test]
fn a_terminal_gets_a_total_line_and_an_empty_result_in_words() {
    let (_rt, emu) = start_on_runtime(config(3, 7, Faults::default()));
    let (screen, _, code) = on_terminal(&emu, &["sessions", "list"], &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("ID") && screen.contains("EMAIL"),
        "{screen}"
    );
    assert!(screen.contains("7 sessions"), "{screen}");

    let (screen, _, code) = on_terminal(&emu, &["sessions", "list", "--size", "3"], &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("3 sessions on this page; more follow"),
        "{screen}"
    );
    assert!(screen.contains("next page: --last"), "{screen}");

    let (screen, _, code) = on_terminal(
        &emu,
        &["sessions", "list", "email=nobody@nowhere.example"],
        &[],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("No sessions match."), "{screen}");
    assert!(!screen.contains("EMAIL"), "a header for nothing:\n{screen}");

    let (screen, _, code) = on_terminal(&emu, &["sessions", "list", "--all", "--size", "2"], &[]);
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("7 sessions"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piped_and_json_output_has_no_total_line() {
    let env = Env::start(3, 7).await;
    let table = env.run(&["sessions", "list"]).await;
    table.expect_code(0);
    assert_eq!(table.stdout.lines().count(), 8, "{}", table.stdout);
    assert!(!table.stdout.contains("sessions") && !table.stderr.contains("7 sessions"));
    let json = env.run(&["sessions", "list", "-o", "json"]).await;
    assert_eq!(ids_of(&json.json()).len(), 7);
    // A script still gets the header of an empty table.
    let empty = env
        .run(&["sessions", "list", "email=nobody@nowhere.example"])
        .await;
    empty.expect_code(0);
    assert!(empty.stdout.starts_with("ID"), "{}", empty.stdout);
    assert_eq!(empty.stdout.lines().count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn columns_and_no_headers_shape_table_and_csv() {
    let env = Env::start(3, 6).await;
    let csv = env.run(&["sessions", "list", "-o", "csv"]).await;
    csv.expect_code(0);
    let header = csv.stdout.lines().next().unwrap();
    assert_eq!(
        header,
        "id,type,email,identity,created_at,expire,active_token_id,active_token_expire,scopes,profile,username,location,device,risk"
    );
    // The profile cell is the session's profile as JSON.
    let json = env.run(&["sessions", "list", "-o", "json"]).await.json();
    let first_name = json[0]["profile"]["first_name"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(csv.stdout.lines().nth(1).unwrap().contains(&first_name));

    let picked = env
        .run(&[
            "sessions",
            "list",
            "-o",
            "csv",
            "--columns",
            "email,ID,expires",
            "--no-headers",
        ])
        .await;
    picked.expect_code(0);
    let lines: Vec<&str> = picked.stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{}", picked.stdout);
    let want = format!(
        "{},{},{}",
        json[0]["email"].as_str().unwrap(),
        json[0]["id"].as_str().unwrap(),
        json[0]["expire"].as_str().unwrap()
    );
    assert_eq!(lines[0], want);

    let table = env
        .run(&["sessions", "list", "--columns", "id,scopes", "--no-headers"])
        .await;
    table.expect_code(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(
        lines[0].starts_with(json[0]["id"].as_str().unwrap()),
        "{}",
        table.stdout
    );
    assert!(!table.stdout.contains("ID"));

    let before = env.emu.request_count();
    for json in ["json", "ndjson"] {
        let out = env
            .run(&["sessions", "list", "-o", json, "--columns", "id"])
            .await;
        out.expect_code(2);
        assert!(
            out.stderr.contains("--columns applies to"),
            "{}",
            out.stderr
        );
    }
    let bad = env
        .run(&["sessions", "list", "--columns", "id,emial"])
        .await;
    bad.expect_code(2);
    assert!(
        bad.stderr.contains("did you mean `email`?"),
        "{}",
        bad.stderr
    );
    assert_eq!(env.emu.request_count(), before);
}

#[test]
fn colour_follows_the_flag_the_config_no_color_and_term_dumb() {
    let (_rt, emu) = start_on_runtime(config(2, 3, Faults::default()));
    let bold = b"\x1b[1m";
    let has_escape = |raw: &[u8]| raw.contains(&0x1b);
    let (_, raw, code) = on_terminal(&emu, &["sessions", "list"], &[]);
    assert_eq!(code, 0);
    assert!(
        raw.windows(bold.len()).any(|w| w == bold),
        "no bold header on a terminal"
    );
    for (args, env) in [
        (&["sessions", "list"][..], &[("TERM", "dumb")][..]),
        (&["sessions", "list"], &[("NO_COLOR", "1")]),
        (&["sessions", "list", "--color", "never"], &[]),
        (
            &["sessions", "list", "--color", "always"],
            &[("TERM", "dumb")],
        ),
    ] {
        let (screen, raw, code) = on_terminal(&emu, args, env);
        assert_eq!(code, 0, "{screen}");
        assert!(screen.contains("ID"), "{screen}");
        assert!(!has_escape(&raw), "{args:?} {env:?} wrote escapes");
    }
    // A bulk run's progress line erases with an escape: not on a dumb terminal.
    let ids: Vec<String> = emu
        .tokens(usize::MAX)
        .iter()
        .flat_map(|u| u.sessions.iter().map(|s| s.session_id.clone()))
        .collect();
    let (screen, raw, code) = on_terminal(
        &emu,
        &["sessions", "invalidate", &ids[0], &ids[1]],
        &[("TERM", "dumb")],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("invalidated"), "{screen}");
    assert!(!has_escape(&raw), "a dumb terminal got escapes:\n{screen}");
    // The config key, and --color always beating NO_COLOR.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "color = \"never\"\n").unwrap();
    let cfg = cfg.to_str().unwrap();
    let (_, raw, _) = on_terminal(&emu, &["sessions", "list"], &[("AUTHTOP_CONFIG", cfg)]);
    assert!(
        !has_escape(&raw),
        "color = \"never\" in the config was ignored"
    );
    let (_, raw, _) = on_terminal(
        &emu,
        &["sessions", "list", "--color", "always"],
        &[("AUTHTOP_CONFIG", cfg), ("NO_COLOR", "1")],
    );
    assert!(
        raw.windows(bold.len()).any(|w| w == bold),
        "--color always was ignored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn color_always_colours_a_pipe_and_auto_does_not() {
    let env = Env::start(1, 2).await;
    let auto = env.run(&["sessions", "list"]).await;
    assert!(!auto.stdout.contains('\u{1b}'));
    let always = env.run(&["sessions", "list", "--color", "always"]).await;
    assert!(
        always.stdout.starts_with("\u{1b}[1mID"),
        "{:?}",
        always.stdout
    );
    let bad = env.run(&["sessions", "list", "--color", "sometimes"]).await;
    bad.expect_code(2);
    // `config show` says what was chosen and where it came from.
    std::fs::write(env.config_path(), "color = \"always\"\n").unwrap();
    let shown = env.run(&["config", "show"]).await;
    shown.expect_code(0);
    let line = shown
        .stdout
        .lines()
        .find(|l| l.starts_with("color"))
        .unwrap_or_default();
    assert!(
        line.contains("always") && line.contains("config.toml"),
        "{}",
        shown.stdout
    );
    let from_config = env.run(&["sessions", "list"]).await;
    assert!(
        from_config.stdout.starts_with("\u{1b}[1mID"),
        "{:?}",
        from_config.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_man_page_and_completions_come_from_the_same_definitions() {
    let env = Env::start(1, 1).await;
    let man = env.run_raw(vec!["man".into()], &[]).await;
    man.expect_code(0);
    assert!(
        man.stdout.contains(".TH authtop 1"),
        "{}",
        &man.stdout[..200.min(man.stdout.len())]
    );
    // The page lists the subcommands and the global options (flags in roff's escaped form).
    for part in [
        ".SH SYNOPSIS",
        "GLOBAL OPTIONS",
        "sessions",
        "emulator",
        "\\-\\-color",
    ] {
        assert!(
            man.stdout.contains(part),
            "{part} missing from the manual page"
        );
    }
    assert!(man.stdout.contains("\\-\\-read\\-only"));

    std::fs::write(
        env.config_path(),
        "[profiles.work]\ndomain = \"aws.us.pangea.cloud\"\n[profiles.lab]\nbase_url = \"http://127.0.0.1:9\"\n",
    )
    .unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = env
            .run_raw(vec!["completions".into(), shell.into()], &[])
            .await;
        out.expect_code(0);
        assert!(
            out.stdout.contains("lab") && out.stdout.contains("work"),
            "{shell} completions do not offer the config's profiles"
        );
    }
    // A profile that is not in the config is still refused with the list, not by clap.
    let out = env
        .run_raw(
            vec![
                "--profile".into(),
                "nope".into(),
                "config".into(),
                "show".into(),
            ],
            &[],
        )
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("lab") && out.stderr.contains("work"),
        "{}",
        out.stderr
    );
}
