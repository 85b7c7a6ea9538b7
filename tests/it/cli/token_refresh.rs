//! `authtop client refresh` never loses a pair: an unwritable destination sends nothing,
//! a symlink stays a symlink, two processes on one file both succeed, and a save that
//! fails after the refresh leaves a private recovery file and exit code 10.

use crate::harness::cli::{Env, Out, write_pair};
use authtop::emulator::Faults;
use std::path::Path;
use std::time::Duration;

fn read_pair(path: &Path) -> (String, String) {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    (
        v["user_token"].as_str().unwrap().to_string(),
        v["refresh_token"].as_str().unwrap().to_string(),
    )
}

/// The first session of the first user with one: its user and refresh token.
fn a_pair(env: &Env) -> (String, String) {
    let s = env
        .users()
        .into_iter()
        .find_map(|u| u.sessions.into_iter().next())
        .unwrap();
    (
        s.user_token.expose().to_string(),
        s.refresh_token.expose().to_string(),
    )
}

/// `token check` of a user token: exit 0 means the server still takes it.
async fn works(env: &Env, user_token: &str) -> Out {
    env.run(&["token", "check", user_token]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_into_an_unwritable_path_sends_nothing_and_the_old_pair_still_works() {
    let env = Env::start(2, 4).await;
    let (user, refresh) = a_pair(&env);
    let missing = env.dir.path().join("nosuchdir/me.json");
    let missing = missing.to_str().unwrap();
    let mut args: Vec<String> = ["client", "refresh", "--token-file", missing]
        .map(String::from)
        .to_vec();
    args.extend(["--base-url".into(), env.base_url.clone()]);
    args.extend(["--token".into(), env.token.clone()]);
    let out = env
        .run_raw(
            args,
            &[
                ("AUTHTOP_USER_TOKEN", &user),
                ("AUTHTOP_REFRESH_TOKEN", &refresh),
            ],
        )
        .await;
    out.expect_code(1);
    assert!(
        out.stderr.contains("does not exist") && out.stderr.contains("nothing was sent"),
        "{}",
        out.stderr
    );
    // Had the refresh been sent, this user token would have been revoked.
    works(&env, &user).await.expect_code(0);
    // And the old refresh token still refreshes.
    let file = env.dir.path().join("me.json");
    write_pair(&file, &user, &refresh);
    env.run(&["client", "refresh", "--token-file", file.to_str().unwrap()])
        .await
        .expect_code(0);
    // A folder is not a token file either.
    let out = env
        .run(&[
            "client",
            "refresh",
            "--token-file",
            env.dir.path().to_str().unwrap(),
        ])
        .await;
    assert_ne!(out.code, 0, "{}", out.stderr);
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_symlinked_token_file_stays_a_symlink_with_the_new_pair_in_its_target() {
    let env = Env::start(2, 4).await;
    let (user, refresh) = a_pair(&env);
    let real_dir = env.dir.path().join("vault");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("tokens.json");
    write_pair(&real, &user, &refresh);
    let link = env.dir.path().join("me.json");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    env.run(&["client", "refresh", "--token-file", link.to_str().unwrap()])
        .await
        .expect_code(0);

    let meta = std::fs::symlink_metadata(&link).unwrap();
    assert!(meta.file_type().is_symlink(), "the link was replaced");
    let (new_user, new_refresh) = read_pair(&real);
    assert_ne!(new_user, user, "the target did not get the new pair");
    env.remember(&new_user);
    env.remember(&new_refresh);
    works(&env, &new_user).await.expect_code(0);
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".authtop"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temp files beside the link: {leftovers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_refreshes_of_one_file_both_succeed_and_leave_a_working_pair() {
    // A little latency widens the window in which both processes hold the old pair.
    let env = Env::with_faults(
        2,
        4,
        Faults {
            latency: Duration::from_millis(300),
            ..Faults::default()
        },
    )
    .await;
    let (user, refresh) = a_pair(&env);
    let file = env.dir.path().join("shared.json");
    write_pair(&file, &user, &refresh);
    let f = file.to_str().unwrap();
    let both = ["client", "refresh", "--token-file", f, "-o", "json"];
    let (a, b) = tokio::join!(env.run(&both), env.run(&both));
    a.expect_code(0);
    b.expect_code(0);
    let adopted = [&a, &b]
        .iter()
        .filter(|o| o.json()["already_refreshed"] == true)
        .count();
    println!("concurrent refresh: {adopted} of 2 runs kept the other's pair");
    let (new_user, new_refresh) = read_pair(&file);
    env.remember(&new_user);
    env.remember(&new_refresh);
    works(&env, &new_user).await.expect_code(0);
    // The file's refresh token is the live one: refreshing again works.
    env.run(&["client", "refresh", "--token-file", f])
        .await
        .expect_code(0);
    for o in [&a, &b] {
        env.assert_no_secret_in(&o.stdout, "stdout");
        env.assert_no_secret_in(&o.stderr, "stderr");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_that_fails_after_the_refresh_leaves_a_private_recovery_file() {
    let env = Env::with_faults(
        2,
        4,
        Faults {
            latency: Duration::from_millis(1500),
            ..Faults::default()
        },
    )
    .await;
    let (user, refresh) = a_pair(&env);
    let dir = env.dir.path().join("going");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("me.json");
    write_pair(&file, &user, &refresh);
    let f = file.to_str().unwrap().to_string();
    let argv = ["client", "refresh", "--token-file", f.as_str()];
    let before = env.emu.request_count();
    let run = env.run(&argv);
    let lock = dir.join("me.json.lock");
    let remove = async {
        // The lock is taken and the refresh has reached the server, which takes 1.5 s
        // to answer; meanwhile the folder goes away.
        for _ in 0..600 {
            if lock.exists() && env.emu.request_count() > before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert!(lock.exists(), "the refresh never took its lock");
        assert!(
            env.emu.request_count() > before,
            "the refresh was never sent"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    };
    let (out, ()) = tokio::join!(run, remove);
    out.expect_code(10);
    let line = out.stderr.clone();
    let start = line.find("the new tokens are in ").expect(&line) + "the new tokens are in ".len();
    let path = line[start..].split(" (mode 0600)").next().unwrap().trim();
    let recovery = Path::new(path);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(recovery).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{path}");
    }
    let (new_user, new_refresh) = read_pair(recovery);
    env.remember(&new_user);
    env.remember(&new_refresh);
    std::fs::remove_file(recovery).unwrap();
    env.assert_no_secret_in(&out.stderr, "stderr");
    works(&env, &new_user).await.expect_code(0);
}
