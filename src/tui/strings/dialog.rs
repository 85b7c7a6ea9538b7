//! The confirmation dialogs' titles, lines and buttons, and the own-session warning.

use super::status::marked_under;
use super::words::{num, plural};

/// The one warning every destructive dialog shows when it touches authtop's own session.
pub const OWN_WARNING: &str =
    "This touches the session of authtop's own user token (★ you): it signs authtop's user out.";

/// `d`: title, lines and button.
pub fn invalidate_dialog(session_id: &str, email: &str, user_id: &str) -> Wording {
    Wording {
        title: "Invalidate session".into(),
        lines: vec![
            format!("session   {session_id}"),
            format!("user      {email} ({user_id})"),
            "The session ends now; its tokens stop working.".into(),
        ],
        confirm: "Invalidate".into(),
    }
}

/// `L`: the server's total (or why it is unknown), the rows on the page shown (None from
/// the Users tab, where no page is in view), marks dropped.
pub fn logout_user_dialog(
    email: &str,
    user_id: &str,
    total: Result<u64, &str>,
    on_page: Option<usize>,
    marked: usize,
) -> Wording {
    let scope = match (total, on_page) {
        (Ok(n), Some(p)) => format!(
            "Every session of this user ends: {} in all, {} on this page.",
            crate::number::thousands(n),
            num(p)
        ),
        (Ok(n), None) => format!(
            "Every session of this user ends: {} in all.",
            crate::number::thousands(n)
        ),
        (Err(cause), Some(p)) => format!(
            "Every session of this user ends: the total is unknown (counting failed: {cause}); {p} on this page."
        ),
        (Err(cause), None) => format!(
            "Every session of this user ends: the total is unknown (counting failed: {cause})."
        ),
    };
    let mut lines = vec![format!("user      {email} ({user_id})"), scope];
    if marked > 0 {
        lines.push(format!(
            "{} of your marked rows belong to this user; their marks are dropped.",
            num(marked)
        ));
    }
    Wording {
        title: "Log out user everywhere".into(),
        lines,
        confirm: "Log out".into(),
    }
}

/// `D`: how many, under which query, how many are on other pages.
pub fn marked_dialog(n: usize, query: &str, hidden: usize) -> Wording {
    let query = match marked_under(query) {
        q if query.trim().is_empty() => q,
        q => format!("the {q}"),
    };
    Wording {
        title: format!("Invalidate {} marked session{}", num(n), plural(n)),
        lines: vec![
            format!(
                "{} marked session{} will end (marked under {query}).",
                num(n),
                plural(n)
            ),
            if hidden == 0 {
                "All of them are on this page.".to_string()
            } else {
                format!(
                    "{} of them are on other pages of this query (M lists them).",
                    num(hidden)
                )
            },
        ],
        confirm: format!("Invalidate {}", num(n)),
    }
}

/// `X`: where, the query, the walk's counts and time, a sample of `(id, email)`.
pub fn query_dialog(
    place: &str,
    query: &str,
    n: usize,
    users: usize,
    walked: &str,
    sample: &[(String, String)],
) -> Wording {
    let mut lines = vec![
        format!("on        {place}"),
        format!("query     {query}"),
        format!(
            "{} session{} of {} user{} match `{query}` on {place}, walked {walked} UTC.",
            num(n),
            plural(n),
            num(users),
            plural(users)
        ),
        "Exactly these end; logins after the walk are not touched.".to_string(),
    ];
    for (id, email) in sample {
        lines.push(format!("  {id}  {email}"));
    }
    if n > sample.len() {
        lines.push(format!("  … and {} more", num(n - sample.len())));
    }
    Wording {
        title: format!("Invalidate {} matching session{}", num(n), plural(n)),
        lines,
        confirm: format!("Invalidate {}", num(n)),
    }
}

/// `O`: whose session, which token.
pub fn logout_self_dialog(who: Option<(&str, &str)>, mask: Option<&str>) -> Wording {
    let who = who.map_or_else(
        || "the configured user".to_string(),
        |(email, id)| format!("{email} ({id})"),
    );
    Wording {
        title: "Log out this session".into(),
        lines: vec![
            format!("the session of {who}"),
            format!("user token {}", mask.unwrap_or("••••••••")),
            "The token cannot be refreshed afterwards.".into(),
        ],
        confirm: "Log out".into(),
    }
}

/// A dialog's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// Title.
    pub title: String,
    /// The scope, one line each (may hold server strings; sanitised when drawn).
    pub lines: Vec<String>,
    /// Label of the confirm button.
    pub confirm: String,
}
