//! Targets checked before anything is sent: a session id must look like one (`pmt_` and
//! 32 base32 letters), a user id like one (`pui_…`), and a token value is refused
//! without ever being repeated, so it cannot reach the wire as an id, the screen or the
//! audit log.

/// The letters after a Pangea id's prefix.
const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Prefixes of token values (spec §7): never an id.
const TOKEN_PREFIXES: &[&str] = &["pts_", "ptu_", "ptr_", "pcl_", "pti_"];

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A session (`pmt_…`).
    Session,
    /// A user (`pui_…`).
    User,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Session => "pmt",
            Kind::User => "pui",
        }
    }

    /// How people call it.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Session => "session id",
            Kind::User => "user id",
        }
    }
}

/// Where an id came from, for the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The n-th id argument (1-based).
    Argument(usize),
    /// Line n of a file or standard input (1-based).
    Line {
        /// Where the lines came from (`standard input`, a path).
        source: String,
        /// 1-based.
        line: usize,
    },
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Argument(n) => write!(f, "argument {n}"),
            Origin::Line { source, line } => write!(f, "line {line} of {source}"),
        }
    }
}

/// An id refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadId {
    /// A token value where an id belongs; the value itself is never repeated.
    #[error(
        "{origin} is a token value ({prefix}…), not a {noun}: nothing was sent, and the value was written nowhere"
    )]
    Token {
        /// Where.
        origin: Origin,
        /// Its first letters (the prefix only).
        prefix: String,
        /// What was expected.
        noun: &'static str,
    },
    /// A header line of a CSV or a list.
    #[error(
        "{origin} is a header (`{text}`), not a {noun}: remove it, or pass the ids alone (nothing was sent)"
    )]
    Header {
        /// Where.
        origin: Origin,
        /// The header as read.
        text: String,
        /// What was expected.
        noun: &'static str,
    },
    /// Anything else that is not an id of the right kind.
    #[error("{origin} (`{text}`) is not a {noun} ({shape}): nothing was sent")]
    Shape {
        /// Where.
        origin: Origin,
        /// The text as read (cleaned for the terminal, shortened).
        text: String,
        /// What was expected.
        noun: &'static str,
        /// The shape expected, in words.
        shape: &'static str,
    },
}

/// Whether `s` is `<prefix>_` and 32 base32 letters.
fn pangea_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('_'))
        .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| ALPHABET.contains(&b)))
}

/// Whether `s` looks like a token value: a token prefix, or a JWT (three base64url parts).
pub fn is_token(s: &str) -> bool {
    if TOKEN_PREFIXES.iter().any(|p| s.starts_with(p)) {
        return true;
    }
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            p.len() >= 4
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        })
}

/// Words a header line is made of.
fn is_header(s: &str) -> bool {
    let words: Vec<&str> = s
        .split([',', '\t', ';'])
        .map(|w| w.trim().trim_matches('"'))
        .collect();
    words.iter().any(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "id" | "ids"
                | "session"
                | "sessions"
                | "session_id"
                | "session id"
                | "user"
                | "users"
                | "user_id"
                | "user id"
                | "identity"
                | "target"
        )
    })
}

/// Checks one id of `kind`; the error names `origin` and never repeats a token value.
pub fn check(text: &str, kind: Kind, origin: Origin) -> Result<String, BadId> {
    let noun = kind.noun();
    if is_token(text) {
        let prefix = text
            .find('_')
            .filter(|_| TOKEN_PREFIXES.iter().any(|p| text.starts_with(p)))
            .map_or_else(|| "a JWT".to_string(), |at| text[..=at].to_string());
        return Err(BadId::Token {
            origin,
            prefix,
            noun,
        });
    }
    if pangea_id(text, kind.prefix()) {
        return Ok(text.to_string());
    }
    if is_header(text) {
        return Err(BadId::Header {
            origin,
            text: shown(text),
            noun,
        });
    }
    let shape = match kind {
        Kind::Session => "`pmt_` and 32 letters a-z, 2-7",
        Kind::User => "`pui_` and 32 letters a-z, 2-7",
    };
    Err(BadId::Shape {
        origin,
        text: shown(text),
        noun,
        shape,
    })
}

/// `text` made safe to print and at most 60 characters.
fn shown(text: &str) -> String {
    let clean = crate::sanitize::clean(text);
    let mut s: String = clean.chars().take(60).collect();
    if clean.chars().count() > 60 {
        s.push('…');
    }
    s
}

/// Checks ids given as arguments, in order; duplicates are kept once.
pub fn check_all(ids: &[String], kind: Kind) -> Result<Vec<String>, BadId> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let id = check(id.trim(), kind, Origin::Argument(i + 1))?;
        if seen.insert(id.clone()) {
            out.push(id);
        }
    }
    Ok(out)
}

/// Ids one a line from `text` (named `source` in errors): blank lines and `#` comments
/// (whole lines, or after an id) are skipped; every other line must be an id of `kind`.
pub fn parse_lines(text: &str, kind: Kind, source: &str) -> Result<Vec<String>, BadId> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = match line.find('#') {
            Some(at) => &line[..at],
            None => line,
        }
        .trim();
        if line.is_empty() {
            continue;
        }
        let origin = Origin::Line {
            source: source.to_string(),
            line: n + 1,
        };
        let id = check(line, kind, origin)?;
        if seen.insert(id.clone()) {
            out.push(id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "pmt_abcdefghijklmnopqrstuvwxyz234567";
    const U: &str = "pui_abcdefghijklmnopqrstuvwxyz234567";

    #[test]
    fn ids_of_the_right_kind_pass_and_others_name_their_place() {
        assert_eq!(check(S, Kind::Session, Origin::Argument(1)).unwrap(), S);
        assert_eq!(check(U, Kind::User, Origin::Argument(1)).unwrap(), U);
        let e = check(U, Kind::Session, Origin::Argument(2)).unwrap_err();
        assert!(e.to_string().starts_with("argument 2 (`pui_"), "{e}");
        let e = check("not-a-user", Kind::User, Origin::Argument(1)).unwrap_err();
        assert!(matches!(e, BadId::Shape { .. }), "{e}");
    }

    #[test]
    fn a_token_is_refused_without_being_repeated() {
        let token = "ptu_abcdefghijklmnopqrstuvwxyz234567";
        let e = check(token, Kind::Session, Origin::Argument(1)).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("token value (ptu_…)"), "{text}");
        assert!(!text.contains(&token[4..]), "{text}");
        let jwt = "eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl";
        let e = check(jwt, Kind::User, Origin::Argument(1)).unwrap_err();
        assert!(!e.to_string().contains(jwt), "{e}");
        let e = check("pts_x", Kind::User, Origin::Argument(1)).unwrap_err();
        assert!(matches!(e, BadId::Token { .. }));
    }

    #[test]
    fn lines_skip_blanks_and_comments_and_refuse_a_header_by_name() {
        let text = format!("\n# exported\n{S}   # old laptop\n\n{S}\n");
        assert_eq!(
            parse_lines(&text, Kind::Session, "standard input").unwrap(),
            [S]
        );
        let e = parse_lines(&format!("id\n{S}\n"), Kind::Session, "standard input").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1 of standard input is a header (`id`), not a session id: remove it, or pass the ids alone (nothing was sent)"
        );
        let e = parse_lines("session_id,email\n", Kind::Session, "f.csv").unwrap_err();
        assert!(matches!(e, BadId::Header { .. }), "{e}");
    }
}
