//! Connections you can trust: no proxy for loopback, no plain http through a proxy,
//! `--timeout` as the budget of a whole call, redirects named and not followed, a
//! closed stdout that ends quietly, and output a terminal or a spreadsheet cannot act on.

use crate::harness::cli::{Env, counting_listener};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_request_never_reaches_the_proxy() {
    let env = Env::start(2, 4).await;
    let (port, hits) = counting_listener().await;
    let proxy = format!("http://127.0.0.1:{port}");
    let vars: Vec<(&str, &str)> = ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .map(|k| (k, proxy.as_str()))
        .collect();
    let port = env.base_url.rsplit(':').next().unwrap().to_string();
    for base in [env.base_url.clone(), format!("http://localhost:{port}")] {
        let out = env
            .run_raw(
                args(&[
                    "sessions",
                    "list",
                    "--base-url",
                    &base,
                    "--token",
                    &env.token,
                ]),
                &vars,
            )
            .await;
        out.expect_code(0);
        assert!(out.stdout.contains("pmt_"), "{base}: {}", out.stdout);
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the proxy saw a loopback request"
    );

    // Plain http to another host through that proxy is refused, even with --allow-http.
    let out = env
        .run_raw(
            args(&[
                "sessions",
                "list",
                "--base-url",
                "http://10.255.255.1:9",
                "--allow-http",
                "--token",
                &env.token,
            ]),
            &vars,
        )
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("through the proxy in"),
        "{}",
        out.stderr
    );
    // ... and without --allow-http plain http to another host is refused outright.
    let out = env
        .run(&["sessions", "list", "--base-url", "http://10.255.255.1:9"])
        .await;
    assert_ne!(out.code, 0);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_is_the_budget_of_the_whole_call() {
    let env = Env::start(1, 1).await;
    let server =
        crate::harness::server::Server::start(|_, _| crate::harness::server::Reply::Hang).await;
    let started = Instant::now();
    let out = env
        .run_raw(
            args(&[
                "sessions",
                "list",
                "--base-url",
                &server.base,
                "--token",
                &env.token,
                "--timeout",
                "2s",
            ]),
            &[],
        )
        .await;
    let took = started.elapsed();
    println!(
        "--timeout 2s against a server that never answers: {:.2} s, {} attempt(s)",
        took.as_secs_f64(),
        server.seen().len()
    );
    out.expect_code(5);
    // Generous: process start-up and a loaded machine; 4 attempts of 2 s would be 8 s+.
    assert!(took < Duration::from_secs(6), "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_is_named_and_not_followed_or_retried() {
    let env = Env::start(1, 1).await;
    let server = crate::harness::server::Server::start(|_, _| {
        crate::harness::server::Reply::json(307, Vec::new())
            .header("Location", "https://elsewhere.example/v2/session/list")
    })
    .await;
    let out = env
        .run_raw(
            args(&[
                "sessions",
                "list",
                "--base-url",
                &server.base,
                "--token",
                &env.token,
            ]),
            &[],
        )
        .await;
    out.expect_code(5);
    assert!(
        out.stderr
            .contains("https://elsewhere.example/v2/session/list")
            && out.stderr.contains("not followed"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("malformed"), "{}", out.stderr);
    assert_eq!(server.seen().len(), 1, "a redirect is permanent: no retry");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_quietly_with_status_0() {
    let env = Env::start(40, 3000).await;
    let bin = assert_cmd::cargo::cargo_bin!("authtop");
    // The token reaches bash through its environment, not its command line, and authtop
    // through a pipe, so no notice about a typed token joins the output.
    let token = env.token.clone();
    let bin = bin.to_path_buf();
    let base = env.base_url.clone();
    let state = env.state_dir();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "'{}' sessions list --all -o ndjson --base-url '{base}' --service-token-file <(printf '%s' \"$SVC\") 2>&1 | head -1; echo \"status=${{PIPESTATUS[0]}}\"",
                bin.display()
            ))
            .env("SVC", token)
            .env("AUTHTOP_STATE_DIR", state)
            .env_remove("AUTHTOP_LOG")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with('{'), "{text}");
    assert_eq!(lines[1], "status=0", "{text}");
    assert!(!text.contains("panicked") && !text.contains("Broken pipe"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_escapes_c1_and_bidi_and_csv_defuses_formulas() {
    let hostile = "=HYPERLINK(\"http://x\")\u{85}\u{9b}2J\u{202e}gnp.exe\u{2066}\u{200b}@x.io";
    let page = crate::harness::cli::envelope(
        "Success",
        serde_json::json!({
            "sessions": [crate::harness::cli::session_json("pmt_hostile", "pui_h", hostile)],
            "count": 1
        }),
    );
    let (url, _) = crate::harness::cli::scripted(vec![(200, page)]).await;
    let env = Env::start(1, 1).await;
    for format in ["ndjson", "json"] {
        let out = env
            .run_raw(
                args(&[
                    "sessions",
                    "list",
                    "-o",
                    format,
                    "--base-url",
                    &url,
                    "--token",
                    &env.token,
                ]),
                &[],
            )
            .await;
        out.expect_code(0);
        for c in ['\u{85}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{200b}'] {
            assert!(
                !out.stdout.contains(c),
                "{format}: raw {c:?} in {}",
                out.stdout
            );
        }
        assert!(out.stdout.contains("\\u0085") && out.stdout.contains("\\u202e"));
        let first = if format == "json" {
            out.json()[0].clone()
        } else {
            serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap()
        };
        assert_eq!(first["email"], hostile, "lossless");
    }
    let out = env
        .run_raw(
            args(&[
                "sessions",
                "list",
                "-o",
                "csv",
                "--base-url",
                &url,
                "--token",
                &env.token,
            ]),
            &[],
        )
        .await;
    out.expect_code(0);
    let row = out.stdout.lines().nth(1).unwrap();
    assert!(row.contains(",\"'=HYPERLINK("), "{row}");
    let out = env
        .run_raw(
            args(&[
                "sessions",
                "list",
                "-o",
                "csv",
                "--csv-keep-formulas",
                "--base-url",
                &url,
                "--token",
                &env.token,
            ]),
            &[],
        )
        .await;
    let row = out.stdout.lines().nth(1).unwrap();
    assert!(row.contains(",\"=HYPERLINK("), "{row}");
}
