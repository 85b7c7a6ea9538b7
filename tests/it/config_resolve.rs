//! Explicit beats ambient: which server gets which token, the notices on stderr, and
//! where secrets may come from — all through the real binary.

use crate::harness::cli::{Env, counting_listener, write_private};
use std::sync::atomic::Ordering;

const AMBIENT: &str = "pts_ambientambientambientambientam";
const DEV: &str = "pts_devdevdevdevdevdevdevdevdevdevde";

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leftover_pangea_domain_never_receives_the_chosen_profiles_token() {
    let env = Env::start(2, 4).await;
    env.remember(AMBIENT);
    let (port, hits) = counting_listener().await;
    std::fs::write(
        env.config_path(),
        format!(
            "[profiles.prod]\nbase_url = \"{}\"\ntoken_env = \"PROD_AUTHN_TOKEN\"\n",
            env.base_url
        ),
    )
    .unwrap();
    let leftover = format!("localhost:{port}");
    for profile_by in ["flag", "env"] {
        let mut a = args(&["sessions", "list"]);
        let mut extra = vec![
            ("PROD_AUTHN_TOKEN", env.token.as_str()),
            ("PANGEA_DOMAIN", leftover.as_str()),
            ("PANGEA_AUTHN_TOKEN", AMBIENT),
        ];
        if profile_by == "flag" {
            a.extend(args(&["--profile", "prod"]));
        } else {
            extra.push(("AUTHTOP_PROFILE", "prod"));
        }
        let out = env.run_raw(a, &extra).await;
        out.expect_code(0);
        assert!(out.stdout.contains("pmt_"), "{}", out.stdout);
        let notices: Vec<&str> = out
            .stderr
            .lines()
            .filter(|l| l.starts_with("authtop: notice:"))
            .collect();
        assert_eq!(notices.len(), 2, "{}", out.stderr);
        assert!(notices[0].contains("PANGEA_DOMAIN is set but not used"));
        assert!(notices[1].contains("PANGEA_AUTHN_TOKEN is set but not used"));
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        0,
        "the leftover server was contacted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pair_is_never_mixed_across_layers() {
    let env = Env::start(1, 2).await;
    env.remember(AMBIENT);
    env.remember(DEV);
    let server = crate::harness::server::Server::start(|_, _| {
        crate::harness::server::Reply::json(
            401,
            crate::harness::server::envelope(
                "Unauthorized",
                "prq_decoydecoydecoydecoydecoydecoyd",
                "no",
                serde_json::Value::Null,
            ),
        )
    })
    .await;
    // A server flag never borrows the ambient token: refused before any request.
    let out = env
        .run_raw(
            args(&["sessions", "list", "--base-url", &server.base]),
            &[("PANGEA_AUTHN_TOKEN", AMBIENT)],
        )
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("service token is not"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("notice: PANGEA_AUTHN_TOKEN is set but not used")
    );
    assert!(server.seen().is_empty());

    // Half an ambient pair is ignored: the default profile's whole pair is used.
    std::fs::write(
        env.config_path(),
        format!(
            "default_profile = \"dev\"\n[profiles.dev]\nbase_url = \"{}\"\ntoken_env = \"DEV_TOKEN\"\n",
            server.base
        ),
    )
    .unwrap();
    let out = env
        .run_raw(
            args(&["sessions", "list"]),
            &[("PANGEA_AUTHN_TOKEN", AMBIENT), ("DEV_TOKEN", DEV)],
        )
        .await;
    out.expect_code(3);
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {DEV}").as_str())
    );
    assert!(
        out.stderr
            .contains("PANGEA_AUTHN_TOKEN is set but not used"),
        "{}",
        out.stderr
    );

    // The whole ambient pair beats the default profile, and says so.
    let out = env
        .run_raw(
            args(&["config", "show", "-o", "json"]),
            &[
                ("PANGEA_AUTHN_TOKEN", AMBIENT),
                ("PANGEA_DOMAIN", "aws.us.pangea.cloud"),
                ("DEV_TOKEN", DEV),
            ],
        )
        .await;
    out.expect_code(0);
    let v = out.json();
    assert!(
        v["server"]["value"]
            .as_str()
            .unwrap()
            .starts_with("https://authn.aws.us.pangea.cloud"),
        "{v}"
    );
    assert_eq!(v["token"]["from"], "env PANGEA_AUTHN_TOKEN");
    assert!(
        out.stderr
            .contains("instead of default profile `dev`; pass --profile dev"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_domain_always_means_https_authn_whatever_the_flags() {
    let env = Env::start(1, 1).await;
    for extra in [
        &[][..],
        &["--allow-http"][..],
        &[
            "--allow-http",
            "--timeout",
            "1h30m",
            "--attempt-timeout",
            "5s",
        ][..],
        &["--read-only", "--concurrency", "2"][..],
    ] {
        let mut a = args(&[
            "config",
            "show",
            "-o",
            "json",
            "--domain",
            "aws.us.pangea.cloud",
            "--token",
            &env.token,
        ]);
        a.extend(args(extra));
        let out = env.run_raw(a, &[]).await;
        out.expect_code(0);
        let server = out.json()["server"]["value"].as_str().unwrap().to_string();
        assert!(
            server.starts_with("https://authn.aws.us.pangea.cloud "),
            "{extra:?}: {server}"
        );
    }
    let out = env
        .run(&["config", "show", "--domain", "x.example", "--insecure"])
        .await;
    out.expect_code(2);
    let out = env
        .run_raw(
            args(&[
                "config",
                "show",
                "--domain",
                "authn.aws.us.pangea.cloud",
                "--token",
                &env.token,
            ]),
            &[],
        )
        .await;
    out.expect_code(0);
    assert!(
        out.stderr.contains("already starts with `authn.`"),
        "{}",
        out.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_come_from_files_or_stdin_and_are_never_echoed() {
    let env = Env::start(2, 4).await;
    // The service token on standard input.
    let out = env
        .run_fed(
            args(&[
                "sessions",
                "list",
                "--base-url",
                &env.base_url,
                "--service-token-file",
                "-",
            ]),
            &[],
            Some(format!("{}\n", env.token)),
        )
        .await;
    out.expect_code(0);
    assert!(out.stdout.contains("pmt_"));
    // A user token for `token check -` on standard input.
    let user = env
        .users()
        .into_iter()
        .find(|u| !u.sessions.is_empty())
        .unwrap();
    let mut a = args(&["token", "check", "-", "--base-url", &env.base_url]);
    a.extend(args(&["--token", &env.token]));
    let out = env
        .run_fed(
            a,
            &[],
            Some(user.sessions[0].user_token.expose().to_string()),
        )
        .await;
    out.expect_code(0);
    assert!(out.stdout.contains(&user.user_id), "{}", out.stdout);

    // A service token file others can read is refused, naming the fix.
    let file = env.dir.path().join("svc.token");
    std::fs::write(&file, &env.token).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = env
            .run_raw(
                args(&[
                    "sessions",
                    "list",
                    "--base-url",
                    &env.base_url,
                    "--service-token-file",
                    file.to_str().unwrap(),
                ]),
                &[],
            )
            .await;
        out.expect_code(2);
        assert!(out.stderr.contains("chmod 600"), "{}", out.stderr);
    }
    write_private(&file, &env.token);
    let out = env
        .run_raw(
            args(&[
                "sessions",
                "list",
                "--base-url",
                &env.base_url,
                "--service-token-file",
                file.to_str().unwrap(),
            ]),
            &[],
        )
        .await;
    out.expect_code(0);

    // token_env holding the token itself: an error that does not print it.
    std::fs::write(
        env.config_path(),
        format!(
            "[profiles.oops]\ndomain = \"aws.us.pangea.cloud\"\ntoken_env = \"{}\"\n",
            env.token
        ),
    )
    .unwrap();
    let out = env
        .run_raw(args(&["--profile", "oops", "config", "show"]), &[])
        .await;
    out.expect_code(2);
    assert!(out.stderr.contains("looks like a token"), "{}", out.stderr);

    // A token typed where no argument is expected is masked in the usage error
    // (run_raw itself fails the test if any known token appears).
    let stray = user.sessions[0].refresh_token.expose().to_string();
    let out = env.run(&["client", "refresh", &stray]).await;
    out.expect_code(2);
    assert!(out.stderr.contains("ptr_••••••••"), "{}", out.stderr);

    let out = env.run_raw(args(&["--help"]), &[]).await;
    out.expect_code(0);
    assert!(
        out.stdout.contains("visible to other local users"),
        "{}",
        out.stdout
    );
}
