//! Which scopes are privileged, and a session's scopes with the privileged ones first.
//!
//! A scope is privileged when it lets its holder change things or everything, rather
//! than read: during an incident these are the sessions to end first, so the tables
//! show them first and whole. The list is by word inside the scope's name, case
//! ignored, because servers name scopes freely (`admin`, `org:admin`, `sessions:write`):
//!
//! * administration (`admin`, `owner`, `root`, `superuser`, `sudo`): rank 2, drawn in
//!   the admin colour;
//! * changing data (`write`, `delete`, `manage`) and wildcards (`*`, `sessions:*`),
//!   which grant every action of their resource, writing included: rank 1;
//! * anything else (`read`, `openid`, `billing:read`): rank 0.

/// Words that make a scope an administration scope.
const ADMIN: [&str; 5] = ["admin", "owner", "root", "superuser", "sudo"];

/// Words that make a scope a scope that changes data.
const WRITE: [&str; 3] = ["write", "delete", "manage"];

/// How privileged a scope is: 2 administration, 1 changes data (or a wildcard), 0 else.
pub fn rank(scope: &str) -> u8 {
    let s = scope.to_ascii_lowercase();
    if ADMIN.iter().any(|w| s.contains(w)) {
        2
    } else {
        u8::from(WRITE.iter().any(|w| s.contains(w)) || s.ends_with('*'))
    }
}

/// True for a scope of rank 1 or 2.
pub fn is_privileged(scope: &str) -> bool {
    rank(scope) > 0
}

/// The scopes, most privileged first, each rank in the order the server sent.
pub fn privileged_first(scopes: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = scopes.iter().map(String::as_str).collect();
    // A stable sort: within a rank the server's order stays.
    v.sort_by_key(|s| std::cmp::Reverse(rank(s)));
    v
}

/// The scopes as they fit in `max` cells (measured by `width`, made safe by the
/// caller): every scope when they all fit (`admin,write,read`); else as many as fit
/// whole, privileged first, then `+N` for the rest (`admin,+3`). A scope is never cut:
/// what does not fit whole is counted in `+N`. Empty when not even `+N` fits.
pub fn fit(scopes: &[String], max: usize, width: impl Fn(&str) -> usize) -> String {
    let ordered = privileged_first(scopes);
    let all = ordered.join(",");
    if width(&all) <= max {
        return all;
    }
    let mut shown: Vec<&str> = Vec::new();
    for s in &ordered {
        let rest = ordered.len() - shown.len() - 1;
        let mut try_: Vec<&str> = shown.clone();
        try_.push(s);
        let text = if rest > 0 {
            format!("{},+{rest}", try_.join(","))
        } else {
            try_.join(",")
        };
        if width(&text) > max {
            break;
        }
        shown = try_;
    }
    let rest = ordered.len() - shown.len();
    let text = match (shown.is_empty(), rest) {
        (_, 0) => shown.join(","),
        (true, n) => format!("+{n}"),
        (false, n) => format!("{},+{n}", shown.join(",")),
    };
    if width(&text) <= max {
        text
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_string()).collect()
    }

    fn w(s: &str) -> usize {
        s.chars().count()
    }

    #[test]
    fn privileged_scopes_come_first_and_are_never_cut() {
        let s = v(&["read", "billing:read", "write", "admin", "sessions:*"]);
        assert_eq!(
            privileged_first(&s),
            ["admin", "write", "sessions:*", "read", "billing:read"]
        );
        assert_eq!(fit(&s, 80, w), "admin,write,sessions:*,read,billing:read");
        assert_eq!(fit(&s, 12, w), "admin,+4");
        assert_eq!(fit(&s, 14, w), "admin,write,+3");
        assert_eq!(fit(&s, 7, w), "+5");
        assert_eq!(fit(&s, 1, w), "");
        assert_eq!(fit(&v(&["read", "openid"]), 8, w), "read,+1");
        assert_eq!(fit(&v(&["billing:read", "openid"]), 8, w), "+2");
        assert_eq!(fit(&v(&["admin"]), 5, w), "admin");
    }

    #[test]
    fn ranks() {
        assert_eq!(rank("Org:Admin"), 2);
        assert_eq!(rank("sessions:write"), 1);
        assert_eq!(rank("sessions:*"), 1);
        assert_eq!(rank("read"), 0);
    }
}
