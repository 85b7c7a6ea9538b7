//! Every shell block of the README (and `docs/`) marked ```` ```sh runnable ```` runs, in
//! order, against a real `authtop emulator` and passes: the examples a user copies are true.
//!
//! Each block runs under `bash -euo pipefail` with a timeout, in a private folder that is
//! also `HOME`, with `authtop` first on `PATH`, the config and state folders inside it, and:
//! `URL` the emulator's base URL, `tokens.json` its tokens file, `svc.token` its service
//! token and `me.json` a seeded user's token pair (both mode 0600), and a default profile
//! pointing at the emulator, so the examples written for a configured project run unchanged.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The marker: a fenced block whose info string is exactly this.
const MARKER: &str = "sh runnable";

/// One runnable block: where it starts and its text.
struct Block {
    file: String,
    line: usize,
    text: String,
}

/// The runnable blocks of `text`, with the 1-based line of their opening fence.
fn blocks(file: &str, text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start();
        match &mut open {
            None if fence.starts_with("```") => {
                let info = fence.trim_start_matches('`').trim();
                // Any other fenced block is skipped whole, so its body is never taken for a fence.
                open = Some((
                    i + 1,
                    if info == MARKER {
                        String::new()
                    } else {
                        "\0".into()
                    },
                ));
            }
            Some((start, body)) if fence.starts_with("```") => {
                if body != "\0" {
                    out.push(Block {
                        file: file.to_string(),
                        line: *start,
                        text: std::mem::take(body),
                    });
                }
                open = None;
            }
            Some((_, body)) if body != "\0" => {
                body.push_str(line);
                body.push('\n');
            }
            _ => {}
        }
    }
    assert!(open.is_none(), "{file}: a code block is never closed");
    out
}

/// Kills the emulator this test started (by its own child handle) when the test ends.
struct Emulator(Child);

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "collects, rewrites and runs the documented blocks in one pass so a failure names its block"
)]
fn every_runnable_shell_block_of_the_docs_runs_against_the_emulator() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    for f in &files {
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        all.extend(blocks(&name, &std::fs::read_to_string(f).unwrap()));
    }
    assert!(
        all.iter().filter(|b| b.file == "README.md").count() >= 4,
        "the README's quick start and CLI examples are marked runnable"
    );

    let bin = PathBuf::from(assert_cmd::cargo::cargo_bin!("authtop"));
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let tokens = home.join("tokens.json");
    let mut child = Command::new(&bin)
        .args(["emulator", "--port", "0", "--tokens-out"])
        .arg(&tokens)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let _emulator = Emulator(child);
    // The emulator prints its banner after the tokens file is written: wait on the banner.
    let mut banner = String::new();
    for line in BufReader::new(stdout).lines().take(6) {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.starts_with("tokens file:") {
            break;
        }
    }
    assert!(
        banner.contains("(tokens of 10 of 60 users)"),
        "the banner says how many users the tokens file holds: {banner}"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&tokens).unwrap()).unwrap();
    assert_eq!(
        (doc["users_held"].as_u64(), doc["users_total"].as_u64()),
        (Some(10), Some(60))
    );
    let url = doc["base_url"].as_str().unwrap().to_owned();
    private(
        &home.join("svc.token"),
        doc["service_token"].as_str().unwrap(),
    );
    let first = &doc["users"][0]["sessions"][0];
    private(
        &home.join("me.json"),
        &serde_json::json!({
            "user_token": first["user_token"],
            "refresh_token": first["refresh_token"],
        })
        .to_string(),
    );
    let config = home.join(".config/authtop/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "[profiles.default]\nbase_url = \"{url}\"\ntoken_file = \"{}\"\n",
            home.join("svc.token").display()
        ),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );

    for b in &all {
        let mut cmd = Command::new("bash");
        for (k, _) in std::env::vars() {
            if k.starts_with("AUTHTOP_") || k.starts_with("PANGEA_") || k == "NO_COLOR" {
                cmd.env_remove(k);
            }
        }
        cmd.current_dir(home)
            .env("HOME", home)
            .env("PATH", &path)
            .env("URL", &url)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("AUTHTOP_STATE_DIR", home.join("state"))
            .args(["-euo", "pipefail", "-c", &b.text]);
        let out = assert_cmd::Command::from_std(cmd)
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{} line {}: the block failed ({:?})\n--- block\n{}--- stdout\n{}--- stderr\n{}",
            b.file,
            b.line,
            out.status,
            b.text,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
    }
}
