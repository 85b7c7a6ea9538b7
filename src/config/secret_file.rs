//! Reading a file that holds a secret: refused when other users could read it, as ssh does.

use crate::authn::Secret;
use std::path::Path;

/// Fails when group or others have any access to the file, naming the fix.
pub fn check_private(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The target's mode: a symlink's own mode says nothing.
        let mode = std::fs::metadata(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "{} is accessible by other users (mode {:03o}); a token file must be private: run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Reads a service token from a private file; surrounding whitespace is dropped.
pub fn read_token(path: &Path) -> Result<Secret, String> {
    check_private(path)?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!("{} is empty", path.display()));
    }
    Ok(Secret::new(token))
}

/// Reads a service token from standard input (the first line, trimmed).
pub fn read_token_from(mut input: impl std::io::Read) -> Result<Secret, String> {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| format!("standard input: {e}"))?;
    let token = text.lines().next().unwrap_or_default().trim();
    if token.is_empty() {
        return Err("standard input held no token".into());
    }
    Ok(Secret::new(token))
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
}
