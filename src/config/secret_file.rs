//! Reading a file that holds a secret, checked as ssh checks a private key: the file
//! and every folder above it belong to the user (or root) and nobody else can write
//! them, the file is private, and it is read with a size bound. Each refusal names the
//! real problem (a folder, a symlink loop, another owner) and the fix.

use crate::authn::Secret;
use std::io::Read;
use std::path::Path;

/// The most a token file is read: a service token is tens of bytes and a token pair a
/// few hundred, so anything larger is the wrong file, not a token.
pub const MAX_TOKEN_FILE: u64 = 16 * 1024;

/// What went wrong looking at `path`, worded for a person.
fn io_problem(path: &Path, e: &std::io::Error) -> String {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::ELOOP) {
        return format!(
            "{} is a symlink loop (it leads back to itself): point it at the token file",
            path.display()
        );
    }
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("{} does not exist", path.display()),
        std::io::ErrorKind::PermissionDenied => {
            format!("{} cannot be read: permission denied", path.display())
        }
        _ => format!("{}: {e}", path.display()),
    }
}

/// Fails unless the file is private and it and its folders are safe from other users:
/// owned by the user (or root), not writable by group or others (a folder with the
/// sticky bit, such as /tmp, is safe), and the file has no group or other access.
pub fn check_private(path: &Path) -> Result<(), String> {
    // The target's metadata: a symlink's own mode says nothing.
    let meta = std::fs::metadata(path).map_err(|e| io_problem(path, &e))?;
    if meta.is_dir() {
        return Err(format!(
            "{} is a folder, not a token file: give the file inside it",
            path.display()
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let me = rustix::process::geteuid().as_raw();
        let ours = |uid: u32| uid == me || uid == 0;
        if !ours(meta.uid()) {
            return Err(format!(
                "{} belongs to another user (uid {}); a token file must be yours: copy it to a file you own, mode 600",
                path.display(),
                meta.uid()
            ));
        }
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} is accessible by other users (mode {:03o}); a token file must be private: run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
        // A pipe (`--service-token-file <(pass show …)`) lives in no folder.
        if !meta.is_file() {
            return Ok(());
        }
        // Whoever can write a folder above the file can swap the file for their own.
        let real = std::fs::canonicalize(path).map_err(|e| io_problem(path, &e))?;
        for dir in real.ancestors().skip(1) {
            let m = std::fs::metadata(dir).map_err(|e| io_problem(dir, &e))?;
            let mode = m.permissions().mode();
            if !ours(m.uid()) {
                return Err(format!(
                    "the folder {} holding the token file belongs to another user (uid {}): keep token files in a folder of your own",
                    dir.display(),
                    m.uid()
                ));
            }
            if mode & 0o022 != 0 && mode & 0o1000 == 0 {
                return Err(format!(
                    "the folder {} holding the token file is writable by other users (mode {:03o}), who could replace the file: run `chmod go-w {}`",
                    dir.display(),
                    mode & 0o777,
                    dir.display()
                ));
            }
        }
    }
    Ok(())
}

/// The text of a secret file, read only after [`check_private`] and at most
/// [`MAX_TOKEN_FILE`] bytes.
pub fn read_private(path: &Path) -> Result<String, String> {
    check_private(path)?;
    let file = std::fs::File::open(path).map_err(|e| io_problem(path, &e))?;
    bounded(file, &path.display().to_string())
}

/// Reads at most [`MAX_TOKEN_FILE`] bytes of UTF-8 from `input`; more is an error.
fn bounded(input: impl Read, what: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    input
        .take(MAX_TOKEN_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{what}: {e}"))?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(format!(
            "{what} is larger than {} KiB: that is not a token",
            MAX_TOKEN_FILE / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{what} is not text: that is not a token"))
}

/// The one line of a token, trimmed; empty or several lines is an error.
fn one_line(text: &str, what: &str) -> Result<Secret, String> {
    let token = text.trim();
    if token.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if token.lines().count() > 1 {
        return Err(format!(
            "{what} holds more than one line: give the token alone on one line"
        ));
    }
    Ok(Secret::new(token))
}

/// Reads a service token from a private file: one line, surrounding whitespace dropped.
pub fn read_token(path: &Path) -> Result<Secret, String> {
    let text = read_private(path)?;
    one_line(&text, &path.display().to_string())
}

/// Reads a service token from standard input: one line, trimmed, bounded in size.
pub fn read_token_from(input: impl Read) -> Result<Secret, String> {
    let text = bounded(input, "standard input")?;
    if text.trim().is_empty() {
        return Err("standard input held no token".into());
    }
    one_line(&text, "standard input")
}

/// True when `text` looks like a token value rather than the name of a variable: a
/// Pangea prefix such as `pts_`, or anything a variable name cannot hold.
pub fn looks_like_a_token(text: &str) -> bool {
    let b = text.as_bytes();
    let pangea = b.len() > 12
        && b[0] == b'p'
        && b[1].is_ascii_lowercase()
        && b[2].is_ascii_lowercase()
        && b[3] == b'_';
    let var_name = !text.is_empty()
        && !b[0].is_ascii_digit()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    pangea || !var_name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_variable_names_are_told_apart() {
        assert!(looks_like_a_token("pts_abcdefghijklmnopqrstuvwxyz"));
        assert!(looks_like_a_token("abc.def-ghi"));
        assert!(!looks_like_a_token("PROD_AUTHN_TOKEN"));
        assert!(!looks_like_a_token("pts_token"));
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_read_is_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svc.token");
        std::fs::write(&path, "pts_secretsecretsecretsecret\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let msg = read_token(&path).unwrap_err();
        assert!(msg.contains("chmod 600"), "{msg}");
        assert!(!msg.contains("secretsecret"), "{msg}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            read_token(&path).unwrap().expose(),
            "pts_secretsecretsecretsecret"
        );
    }

    #[cfg(unix)]
    #[test]
    fn each_refusal_names_the_real_problem() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let msg = read_token(dir.path()).unwrap_err();
        assert!(msg.contains("is a folder"), "{msg}");
        let looped = dir.path().join("loop");
        std::os::unix::fs::symlink(&looped, &looped).unwrap();
        let msg = read_token(&looped).unwrap_err();
        assert!(msg.contains("symlink loop"), "{msg}");
        let msg = read_token(&dir.path().join("absent")).unwrap_err();
        assert!(msg.contains("does not exist"), "{msg}");
        // A private file in a folder anyone can write is refused, naming the folder.
        let open = dir.path().join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
        let file = open.join("t");
        std::fs::write(&file, "pts_a\n").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let msg = read_token(&file).unwrap_err();
        assert!(
            msg.contains("writable by other users") && msg.contains("chmod go-w"),
            "{msg}"
        );
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert_eq!(read_token(&file).unwrap().expose(), "pts_a");
        std::fs::write(&file, "pts_a\npts_b\n").unwrap();
        assert!(
            read_token(&file)
                .unwrap_err()
                .contains("more than one line")
        );
        let msg = read_token_from(&b"pts_a\nsecond\n"[..]).unwrap_err();
        assert!(msg.contains("more than one line"), "{msg}");
        let big = vec![b'a'; 20_000];
        assert!(
            read_token_from(&big[..])
                .unwrap_err()
                .contains("larger than 16 KiB")
        );
    }
}
