//! Resolution cases: which layer wins for each setting, and what each bad value says.

use super::*;
use crate::config::inputs::{Given, PROFILE_ENV, USER_TOKEN_ENV};
use std::path::Path;

fn file(text: &str) -> ConfigFile {
    file::parse(text, Path::new("c.toml")).unwrap()
}

fn no_env(_: &str) -> Option<String> {
    None
}

fn shown<'a>(s: &'a Settings, name: &str) -> &'a Origin {
    s.origins.iter().find(|o| o.name == name).unwrap()
}

#[test]
fn flags_beat_env_beat_profile_beat_default() {
    let f = file(
        "[profiles.default]\nconcurrency = 3\nread_only = true\npage_size = 20\nauto_reload = \"off\"\n",
    );
    let mut inputs = Inputs {
        concurrency: Some(Given::flag(5)),
        ..Default::default()
    };
    let s = resolve_with(&inputs, None, Some(f.clone()), &no_env).unwrap();
    assert_eq!(s.concurrency, 5);
    assert_eq!(shown(&s, "concurrency").source, Source::Flag);
    assert!(s.read_only);
    assert_eq!(
        shown(&s, "read_only").source,
        Source::Profile("default".into())
    );
    assert_eq!(s.page_size, 20);
    assert_eq!(s.auto_reload, None);

    inputs.concurrency = None;
    let s = resolve_with(&inputs, None, Some(f), &no_env).unwrap();
    assert_eq!(s.concurrency, 3);

    let s = resolve_with(&Inputs::default(), None, None, &no_env).unwrap();
    assert_eq!(s.concurrency, DEFAULT_CONCURRENCY);
    assert_eq!(s.page_size, DEFAULT_PAGE_SIZE);
    assert_eq!(s.auto_reload, Some(DEFAULT_AUTO_RELOAD));
    assert!(!s.has_credentials);
    assert!(s.client.is_none());
}

const PROD: &str = "pts_prodprodprodprodprodprodprodprod";
const AMBIENT: &str = "pts_ambientambientambientambientam";

fn prod_file() -> ConfigFile {
    file(
        "default_profile = \"dev\"\n[profiles.prod]\ndomain = \"aws.us.pangea.cloud\"\ntoken_env = \"PROD_AUTHN_TOKEN\"\n[profiles.dev]\nbase_url = \"http://127.0.0.1:1\"\ntoken_env = \"DEV_TOKEN\"\n",
    )
}

fn prod_env(name: &str) -> Option<String> {
    match name {
        "PROD_AUTHN_TOKEN" => Some(PROD.into()),
        "DEV_TOKEN" => Some("pts_devdevdevdevdevdevdevdevdevdevde".into()),
        _ => None,
    }
}

fn ambient(domain: Option<&str>, token: Option<&str>) -> Inputs {
    Inputs {
        domain: domain.map(|d| Given::env(d.to_string(), DOMAIN_ENV)),
        token: token.map(|t| Given::env(Secret::new(t), TOKEN_ENV)),
        ..Default::default()
    }
}

#[test]
fn an_explicit_profile_keeps_its_pair_whatever_the_environment_says() {
    let mut inputs = ambient(Some("http://127.0.0.1:18751"), Some(AMBIENT));
    inputs.profile = Some(Given::flag("prod".into()));
    let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
    let c = s.client_config().unwrap();
    assert_eq!(c.base_url, "https://authn.aws.us.pangea.cloud");
    assert_eq!(c.token.expose(), PROD);
    assert_eq!(s.notices.len(), 2, "{:?}", s.notices);
    assert!(s.notices[0].contains("PANGEA_DOMAIN is set but not used"));
    assert!(s.notices[1].contains("PANGEA_AUTHN_TOKEN"));
    assert!(s.notices.iter().all(|n| n.contains("`prod` was chosen")));
    // AUTHTOP_PROFILE is as explicit as --profile.
    inputs.profile = Some(Given::env("prod".into(), PROFILE_ENV));
    let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
    assert_eq!(s.client_config().unwrap().token.expose(), PROD);
}

#[test]
fn the_ambient_pair_beats_a_default_profile_and_says_so() {
    let inputs = ambient(Some("dev.example.com"), Some(AMBIENT));
    let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
    let c = s.client_config().unwrap();
    assert_eq!(c.base_url, "https://authn.dev.example.com");
    assert_eq!(c.token.expose(), AMBIENT);
    assert_eq!(s.notices.len(), 1);
    assert!(s.notices[0].contains("instead of default profile `dev`"));
}

#[test]
fn half_an_ambient_pair_is_never_mixed_with_another_layer() {
    // Only the domain is ambient: the default profile's pair is used whole.
    let inputs = ambient(Some("http://127.0.0.1:18751"), None);
    let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
    let c = s.client_config().unwrap();
    assert_eq!(c.base_url, "http://127.0.0.1:1");
    assert!(c.token.expose().starts_with("pts_dev"));
    assert!(s.notices[0].contains("PANGEA_DOMAIN is set but not used"));
    // Only the token is ambient and no profile names a server: an error, not a guess.
    let inputs = ambient(None, Some(AMBIENT));
    let s = resolve_with(&inputs, None, None, &no_env).unwrap();
    let e = s.client_config().unwrap_err().to_string();
    assert!(e.contains("PANGEA_DOMAIN is not"), "{e}");
    // A server flag never borrows the ambient or profile token.
    let mut inputs = ambient(None, Some(AMBIENT));
    inputs.base_url = Some(Given::flag("http://127.0.0.1:2".into()));
    let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
    let e = s.client_config().unwrap_err().to_string();
    assert!(e.contains("service token is not"), "{e}");
    assert!(s.notices[0].contains("PANGEA_AUTHN_TOKEN is set but not used"));
}

#[test]
fn flags_give_the_whole_pair_and_the_token_is_never_shown() {
    let mut inputs = ambient(Some("other.example.com"), Some(AMBIENT));
    inputs.domain = Some(Given::flag("aws.us.pangea.cloud".into()));
    inputs.token = Some(Given::flag(Secret::new(PROD)));
    let s = resolve_with(&inputs, None, Some(prod_file()), &prod_env).unwrap();
    assert_eq!(
        s.client_config().unwrap().base_url,
        "https://authn.aws.us.pangea.cloud"
    );
    let o = shown(&s, "token");
    assert_eq!(o.source, Source::Flag);
    assert_eq!(o.shown, "pts_••••••••");
    let dbg = format!("{s:?}");
    assert!(!dbg.contains("prodprod"), "{dbg}");
}

#[test]
fn a_token_in_token_env_is_an_error_that_does_not_print_it() {
    let f = file(
        "[profiles.a]\ndomain = \"x.io\"\ntoken_env = \"pts_abcdefghijklmnopqrstuvwxyz234567\"\n",
    );
    let inputs = Inputs {
        profile: Some(Given::flag("a".into())),
        ..Default::default()
    };
    let e = resolve_with(&inputs, None, Some(f), &no_env)
        .unwrap_err()
        .to_string();
    assert!(e.contains("looks like a token"), "{e}");
    assert!(!e.contains("abcdefgh"), "{e}");
}

#[test]
fn a_domain_always_means_https_authn_and_a_doubled_prefix_is_named() {
    let inputs = Inputs {
        domain: Some(Given::flag("authn.aws.us.pangea.cloud".into())),
        token: Some(Given::flag(Secret::new(PROD))),
        allow_http: Some(Given::flag(true)),
        ..Default::default()
    };
    let s = resolve_with(&inputs, None, None, &no_env).unwrap();
    assert_eq!(
        s.client_config().unwrap().base_url,
        "https://authn.authn.aws.us.pangea.cloud"
    );
    assert!(s.notices[0].contains("already starts with `authn.`"));
    let inputs = Inputs {
        domain: Some(Given::flag("http://10.0.0.1".into())),
        token: Some(Given::flag(Secret::new(PROD))),
        ..Default::default()
    };
    let s = resolve_with(&inputs, None, None, &no_env).unwrap();
    assert!(
        s.client_config()
            .unwrap_err()
            .to_string()
            .contains("--base-url")
    );
}

#[test]
fn an_unknown_profile_lists_the_known_ones() {
    let f = file("[profiles.a]\n[profiles.b]\n");
    let inputs = Inputs {
        profile: Some(Given::flag("c".into())),
        ..Default::default()
    };
    let msg = resolve_with(&inputs, Some("x.toml".into()), Some(f), &no_env)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("no profile `c`"), "{msg}");
    assert!(msg.contains("a, b"), "{msg}");
}

#[test]
fn default_profile_is_honoured_and_keys_merge_over_the_shared_table() {
    let f = file(
        "default_profile = \"b\"\n[keys]\nquit = [\"q\"]\nhelp = [\"?\"]\n[profiles.b]\nconcurrency = 2\n[profiles.b.keys]\nquit = [\"x\"]\n",
    );
    let s = resolve_with(&Inputs::default(), None, Some(f), &no_env).unwrap();
    assert_eq!(s.profile, "b");
    assert_eq!(s.concurrency, 2);
    assert_eq!(s.key_overrides["quit"], vec!["x".to_string()]);
    assert_eq!(s.key_overrides["help"], vec!["?".to_string()]);
}

fn pair_file(dir: &Path) -> PathBuf {
    let path = dir.join("t.json");
    crate::config::token_file::write_atomic(
        &path,
        &crate::config::token_file::TokenPair {
            user_token: Secret::new("ptu_fileuserfileuserfileuserfileus"),
            refresh_token: Secret::new("ptr_filerefrfilerefrfilerefrfilere"),
        },
    )
    .unwrap();
    path
}

#[test]
fn the_token_file_beats_the_environment_and_both_tokens_come_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = pair_file(dir.path());
    let inputs = Inputs {
        token_file: Some(Given::flag(path.clone())),
        user_token: Some(Given::env(
            Secret::new("ptu_stalestalestalestalestalestales"),
            USER_TOKEN_ENV,
        )),
        ..Default::default()
    };
    let s = resolve_with(&inputs, None, None, &no_env).unwrap();
    assert_eq!(
        s.user_token.unwrap().expose(),
        "ptu_fileuserfileuserfileuserfileus"
    );
    assert_eq!(
        s.refresh_token.unwrap().expose(),
        "ptr_filerefrfilerefrfilerefrfilere"
    );
    assert_eq!(s.token_file, Some(path.clone()));
    assert!(s.notices[0].contains("AUTHTOP_USER_TOKEN is set but not used"));
    // A flag token and a token file together are refused, not mixed.
    let inputs = Inputs {
        token_file: Some(Given::flag(path)),
        user_token: Some(Given::flag(Secret::new(
            "ptu_flagflagflagflagflagflagflagfl",
        ))),
        ..Default::default()
    };
    assert!(resolve_with(&inputs, None, None, &no_env).is_err());
}

#[cfg(unix)]
#[test]
fn a_token_file_others_can_read_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = pair_file(dir.path());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let inputs = Inputs {
        token_file: Some(Given::flag(path)),
        ..Default::default()
    };
    let s = resolve_with(&inputs, None, None, &no_env).unwrap();
    assert!(s.user_token.is_none());
    let problem = s.user_token_problem.unwrap();
    assert!(problem.contains("chmod 600"), "{problem}");
}

#[test]
fn durations_parse_and_reject_nonsense() {
    assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
    assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
    assert!(parse_positive("soon").is_err());
    assert!(parse_positive("-5s").is_err());
    assert_eq!(parse_interval("off").unwrap(), None);
}

#[test]
fn zero_concurrency_is_refused() {
    let inputs = Inputs {
        concurrency: Some(Given::flag(0)),
        ..Default::default()
    };
    assert!(resolve_with(&inputs, None, None, &no_env).is_err());
}

#[test]
fn the_walk_window_is_taken_flag_then_profile_then_default_and_bounded() {
    let f = file("[profiles.default]\nwalk_window = 4\n[profiles.wide]\nwalk_window = 65\n");
    let s = resolve_with(&Inputs::default(), None, None, &no_env).unwrap();
    assert_eq!(s.walk_window, DEFAULT_WALK_WINDOW);
    let s = resolve_with(&Inputs::default(), None, Some(f.clone()), &no_env).unwrap();
    assert_eq!(s.walk_window, 4);
    assert_eq!(
        shown(&s, "walk_window").source,
        Source::Profile("default".into())
    );
    let flag = Inputs {
        walk_window: Some(Given::flag(16)),
        ..Default::default()
    };
    let s = resolve_with(&flag, None, Some(f.clone()), &no_env).unwrap();
    assert_eq!(s.walk_window, 16);
    let wide = Inputs {
        profile: Some(Given::flag("wide".into())),
        ..Default::default()
    };
    let e = resolve_with(&wide, None, Some(f), &no_env).unwrap_err();
    assert!(e.to_string().contains("walk_window"), "{e}");
    assert!(e.to_string().contains("1 to 64"), "{e}");
}

#[test]
fn the_keys_the_docs_name_are_taken_flag_then_profile_then_default() {
    let f = file(
        "[profiles.default]\ntimeout = \"45s\"\nattempt_timeout = 5\naudit_log = \"/var/log/authtop.jsonl\"\nauto_reload = 45\n[profiles.fast]\nauto_reload = \"250ms\"\n",
    );
    let s = resolve_with(&Inputs::default(), None, Some(f.clone()), &no_env).unwrap();
    assert_eq!(s.timeout, Duration::from_secs(45));
    assert_eq!(s.attempt_timeout, Duration::from_secs(5));
    assert_eq!(s.audit_log, PathBuf::from("/var/log/authtop.jsonl"));
    assert_eq!(s.auto_reload, Some(Duration::from_secs(45)));
    assert_eq!(
        shown(&s, "timeout").source,
        Source::Profile("default".into())
    );
    let inputs = Inputs {
        timeout: Some(Given::flag(Duration::from_secs(9))),
        audit_log: Some(Given::flag(PathBuf::from("/tmp/a.jsonl"))),
        ..Default::default()
    };
    let s = resolve_with(&inputs, None, Some(f.clone()), &no_env).unwrap();
    assert_eq!(s.timeout, Duration::from_secs(9));
    assert_eq!(s.audit_log, PathBuf::from("/tmp/a.jsonl"));
    let inputs = Inputs {
        profile: Some(Given::flag("fast".into())),
        ..Default::default()
    };
    let s = resolve_with(&inputs, None, Some(f), &no_env).unwrap();
    assert_eq!(s.auto_reload, Some(Duration::from_millis(250)));
    assert_eq!(shown(&s, "auto_reload").shown, "250ms");
    let bad = file("[profiles.default]\ntimeout = \"soon\"\n");
    let e = resolve_with(&Inputs::default(), None, Some(bad), &no_env).unwrap_err();
    assert!(e.to_string().contains("timeout"), "{e}");
}
