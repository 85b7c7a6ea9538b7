//! Config files from `tests/it/configs/`, read by the real binary as a user's file would be.
//!
//! Every file in `valid/` loads: `authtop config show` exits 0 (for the profile a
//! `# profile: NAME` line names, else the default one). Every file in `invalid/` is refused
//! (for that profile, likewise) with exit 2 and a message holding each `# error: TEXT`
//! line of the file. A new case is a
//! new file; the first comment line says what it is about.

use crate::harness::cli::{Env, config_fixture, configs_dir};

/// The fixture names in `configs/<kind>/`, sorted, as `<kind>/<file>.toml`.
fn fixtures(kind: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(configs_dir().join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| format!("{kind}/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    names.sort();
    names
}

/// The values of the `# TAG: VALUE` comment lines of fixture `name`.
fn tagged(name: &str, tag: &str) -> Vec<String> {
    let prefix = format!("# {tag}:");
    config_fixture(name)
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|v| v.trim().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_valid_config_file_loads() {
    let env = Env::start(1, 1).await;
    let names = fixtures("valid");
    assert!(names.len() >= 3, "{names:?}");
    for name in names {
        env.use_config(&name);
        let mut args = vec!["config", "show", "-o", "json"];
        let profile = tagged(&name, "profile");
        if let Some(p) = profile.first() {
            args.extend(["--profile", p.as_str()]);
        }
        let out = env.run(&args).await;
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        // Loaded means shown: the document names where each value came from.
        assert!(out.json().is_object(), "{name}: {}", out.stdout);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_invalid_config_file_is_refused_with_a_message_naming_the_cause() {
    let env = Env::start(1, 1).await;
    let names = fixtures("invalid");
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        let wanted = tagged(&name, "error");
        assert!(!wanted.is_empty(), "{name} has no `# error:` line");
        env.use_config(&name);
        let mut args = vec!["config", "show"];
        let profile = tagged(&name, "profile");
        if let Some(p) = profile.first() {
            args.extend(["--profile", p.as_str()]);
        }
        let out = env.run(&args).await;
        assert_eq!(
            out.code, 2,
            "{name}: stdout {} stderr {}",
            out.stdout, out.stderr
        );
        for text in wanted {
            assert!(
                out.stderr.contains(&text),
                "{name}: wanted {text:?} in {}",
                out.stderr
            );
        }
    }
}
