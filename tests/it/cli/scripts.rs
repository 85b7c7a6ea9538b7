//! The CLI as a script uses it, against the emulator with the real binary: formats that
//! pipe cleanly, query words refused rather than guessed, config and token files that
//! fail loudly, and messages a person can act on.

use crate::harness::cli::Env;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_words_it_cannot_mean_are_usage_errors_and_nothing_is_sent() {
    let env = Env::start(3, 12).await;
    let before = env.emu.request_count();
    let cases: &[(&[&str], &str)] = &[
        (&["vnp"], "did you mean `vpn`?"),
        (
            &["email:acme"],
            "write email=acme (equals) or email~acme (contains)",
        ),
        (&["email~a", "OR", "email~b"], "`OR` is not an operator"),
        (
            &["vpn=true", "vpn=false"],
            "`vpn=false` contradicts the earlier `vpn`",
        ),
        (&["country=XX"], "unknown country code `XX` in `country`"),
    ];
    for (words, says) in cases {
        for command in [&["sessions", "list"][..], &["sessions", "users"][..]] {
            let mut args = command.to_vec();
            args.extend_from_slice(words);
            let out = env.run(&args).await;
            out.expect_code(2);
            assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
            assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        }
    }
    let out = env
        .run(&["sessions", "invalidate", "--query", "email:acme"])
        .await;
    out.expect_code(2);
    assert!(
        out.stderr.contains("`:` is not an operator"),
        "{}",
        out.stderr
    );
    assert_eq!(
        env.emu.request_count(),
        before,
        "a refused query sent a request"
    );
    // Quoted, the same words are searched for.
    env.run(&["sessions", "list", "\"vnp\"", "\"OR\""])
        .await
        .expect_code(0);
}
