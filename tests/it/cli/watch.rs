//! `authtop sessions watch`: logins arriving at the emulator printed as they come, each
//! once, resumable, and quiet on the wire while nothing happens.

use crate::harness::cli::Env;
use crate::harness::watch::{Watch, created_between, each_once, ids, newest_login, until};
use std::time::Duration;

fn the_resume_point(stderr: &str) -> String {
    let at = stderr
        .find("resume with: --since ")
        .unwrap_or_else(|| panic!("no resume point in:\n{stderr}"));
    stderr[at + "resume with: --since ".len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn logins_arriving_are_printed_once_each_and_a_stopped_watch_resumes_without_repeats() {
    let env = Env::start(20, 100).await;
    // The newest login before the watch: nothing up to it is new.
    let newest = newest_login(&env).await;
    let before = env.emu.request_count();
    let watch = Watch::start(&env, &["--interval", "100ms", "--max-interval", "300ms"]);
    // The watch has read the newest session and polled once before logins begin.
    until(60, "the first poll", || {
        env.emu.request_count() >= before + 2
    })
    .await;
    assert_eq!(
        watch.count(),
        0,
        "sessions older than the watch were printed"
    );
    // At this rate several logins share a tick, so several share a login time.
    env.emu.start_logins(300.0).unwrap();
    until(60, "60 logins printed", || watch.count() >= 60).await;
    let (code, first, stderr) = watch.stop("TERM").await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert!(stderr.contains("stopped by SIGTERM"), "{stderr}");
    let printed = ids(&first);
    each_once(&printed);
    // Exactly the sessions created between the start and the resume point, none older.
    let resume = the_resume_point(&stderr);
    let mut expected = created_between(&env, &newest, &resume).await;
    let mut got = printed.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected, "the watch missed or invented sessions");
    // Resuming prints the logins after the point, none printed before.
    let again = Watch::start(
        &env,
        &["--since", &resume, "--interval", "100ms", "--count", "30"],
    );
    let (code, second, stderr) = again.finish().await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert!(stderr.contains("printed --count sessions"), "{stderr}");
    let resumed = ids(&second);
    assert_eq!(resumed.len(), 30);
    each_once(&resumed);
    assert!(
        resumed.iter().all(|id| !printed.contains(id)),
        "the resumed watch repeated sessions"
    );
    assert!(
        second
            .iter()
            .all(|s| s["created_at"].as_str().unwrap() > resume.as_str())
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn local_terms_select_which_new_logins_are_printed() {
    let env = Env::start(20, 50).await;
    let watch = Watch::start(
        &env,
        &["device~chrome", "--interval", "100ms", "--count", "10"],
    );
    env.emu.start_logins(200.0).unwrap();
    let (code, lines, stderr) = watch.finish().await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert_eq!(lines.len(), 10);
    each_once(&ids(&lines));
    for l in &lines {
        let device = l["derived"]["device"].as_str().unwrap_or_default();
        assert!(
            device.to_lowercase().contains("chrome"),
            "{device} does not match device~chrome"
        );
    }
    env.emu.shutdown().await;
}

#[tokio::test]
async fn an_idle_watch_backs_off_instead_of_polling_at_its_interval() {
    let env = Env::start(5, 20).await;
    let before = env.emu.request_count();
    let watch = Watch::start(&env, &["--interval", "50ms", "--max-interval", "400ms"]);
    until(60, "the first poll", || {
        env.emu.request_count() >= before + 2
    })
    .await;
    let from = env.emu.request_count();
    // Three idle seconds: at a steady 50 ms that is 60 polls; backing off to 400 ms, about 10.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let polls = env.emu.request_count() - from;
    let (code, lines, stderr) = watch.stop("INT").await;
    assert_eq!(code, 0, "stderr:\n{stderr}");
    assert!(lines.is_empty());
    assert!(polls <= 12, "{polls} requests in 3 idle seconds");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn a_refused_token_ends_the_watch_and_json_is_refused_for_a_stream() {
    let env = Env::start(2, 4).await;
    let args = [
        "sessions",
        "watch",
        "--base-url",
        &env.base_url,
        "--token",
        "pts_notarealtoken",
    ];
    let out = env
        .run_raw(args.iter().map(ToString::to_string).collect(), &[])
        .await;
    assert_eq!(out.code, 3, "stderr:\n{}", out.stderr);
    let out = env.run(&["sessions", "watch", "-o", "json"]).await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("-o ndjson"), "{}", out.stderr);
    let out = env
        .run(&["sessions", "watch", "--since", "yesterday"])
        .await;
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--since yesterday"), "{}", out.stderr);
    env.emu.shutdown().await;
}
