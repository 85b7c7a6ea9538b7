//! The catalogue of filterable fields: names, aliases, wire keys and allowed operators.
//!
//! One table serves the compiler, the help screens and shell completion, so they
//! can never disagree about what a field accepts.

use std::sync::LazyLock;

/// A filter operator, as typed and as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// `field=value`: exact match (for `scope`, "all of these are present").
    Eq,
    /// `field=a,b`: equals one of the list (`__in`).
    In,
    /// `field~text`: includes each substring (`__contains`).
    Contains,
    /// `field>time` (`__gt`).
    Gt,
    /// `field>=time` (`__gte`).
    Gte,
    /// `field<time` (`__lt`).
    Lt,
    /// `field<=time` (`__lte`).
    Lte,
    /// `profile.Name?`: the profile key is set (`__exists`).
    Exists,
}

impl Op {
    /// Every operator, in the order help lists them.
    pub const ALL: [Op; 8] = [
        Op::Eq,
        Op::In,
        Op::Contains,
        Op::Gt,
        Op::Gte,
        Op::Lt,
        Op::Lte,
        Op::Exists,
    ];

    /// How the operator is typed in a query.
    pub fn syntax(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::In => "=a,b",
            Op::Contains => "~",
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::Lt => "<",
            Op::Lte => "<=",
            Op::Exists => "?",
        }
    }

    /// The suffix appended to the wire key (empty for `=`).
    pub fn suffix(self) -> &'static str {
        match self {
            Op::Eq => "",
            Op::In => "__in",
            Op::Contains => "__contains",
            Op::Gt => "__gt",
            Op::Gte => "__gte",
            Op::Lt => "__lt",
            Op::Lte => "__lte",
            Op::Exists => "__exists",
        }
    }

    /// The operator named by a wire suffix without its `__` (`in`, `gte` …).
    pub fn from_suffix(name: &str) -> Option<Op> {
        Op::ALL
            .into_iter()
            .find(|op| *op != Op::Eq && op.suffix().get(2..) == Some(name))
    }
}

/// What a field's values are, which decides how a value is checked and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    /// A string.
    Text,
    /// A timestamp, sent as RFC 3339 UTC.
    Time,
    /// `true` or `false`, sent as a JSON bool.
    Bool,
    /// A list of scopes that must all be present.
    Scopes,
    /// A profile entry, `profile.Name`.
    Profile,
    /// A yes/no property of a login: the bare name means `=true`.
    Flag,
    /// A reputation verdict: `malicious`, `suspicious`, `unknown` or `benign`.
    Verdict,
}

/// Who decides a term: the server's filter, or authtop on every row of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Sent in the `filter` object.
    Server,
    /// Checked locally on each session the server returns (the API cannot filter it).
    Local,
}

/// One filterable field as the help screen and the compiler see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The name shown in help (`profile.Name` stands for every profile key).
    pub name: &'static str,
    /// Other accepted names, the wire name among them.
    pub aliases: &'static [&'static str],
    /// The key sent to the server, before any operator suffix.
    pub wire: &'static str,
    /// The operators the API accepts on this field (spec 5.1).
    pub ops: &'static [Op],
    /// What the values are.
    pub kind: ValueKind,
    /// Whether the server filters it or authtop checks it.
    pub side: Side,
    /// One line for help screens.
    pub help: &'static str,
}

impl FieldInfo {
    /// Whether `name` (case-insensitive) names this field.
    pub fn is_named(&self, name: &str) -> bool {
        self.names().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// The name, then the aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }

    /// The accepted operators as typed, e.g. `=, =a,b, ~`.
    pub fn ops_syntax(&self) -> String {
        let ops: Vec<&str> = self.ops.iter().map(|op| op.syntax()).collect();
        ops.join(" ")
    }
}

const TEXT_OPS: &[Op] = &[Op::Eq, Op::In, Op::Contains];
const TIME_OPS: &[Op] = &[Op::Eq, Op::Gt, Op::Gte, Op::Lt, Op::Lte];
const LOCAL_TEXT_OPS: &[Op] = &[Op::Eq, Op::In, Op::Contains];

/// The profile pseudo-field; its wire key is `profile_<Name>`.
pub const PROFILE: FieldInfo = FieldInfo {
    name: "profile.Name",
    aliases: &["profile_Name"],
    wire: "profile_",
    ops: &[Op::Eq, Op::Contains, Op::Exists],
    kind: ValueKind::Profile,
    side: Side::Server,
    help: "profile entry; profile.Name? set, !profile.Name? unset",
};

/// Every filterable field (spec 5.1), in help order.
pub const FIELDS: &[FieldInfo] = &[
    FieldInfo {
        name: "email",
        aliases: &[],
        wire: "email",
        ops: TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Server,
        help: "the owner's email; a bare word means email~word",
    },
    FieldInfo {
        name: "identity",
        aliases: &["user"],
        wire: "identity",
        ops: TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Server,
        help: "the owner's user id (pui_…)",
    },
    FieldInfo {
        name: "id",
        aliases: &[],
        wire: "id",
        ops: TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Server,
        help: "the session id (pmt_…)",
    },
    FieldInfo {
        name: "type",
        aliases: &[],
        wire: "type",
        ops: TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Server,
        help: "the record type (session)",
    },
    FieldInfo {
        name: "username",
        aliases: &[],
        wire: "username",
        ops: TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Server,
        help: "the owner's username",
    },
    FieldInfo {
        name: "token",
        aliases: &["active_token_id"],
        wire: "active_token_id",
        ops: TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Server,
        help: "the id of the session's active token (pmt_…)",
    },
    FieldInfo {
        name: "created",
        aliases: &["created_at"],
        wire: "created_at",
        ops: TIME_OPS,
        kind: ValueKind::Time,
        side: Side::Server,
        help: "login time",
    },
    FieldInfo {
        name: "expire",
        aliases: &["expires"],
        wire: "expire",
        ops: TIME_OPS,
        kind: ValueKind::Time,
        side: Side::Server,
        help: "when the session ends",
    },
    FieldInfo {
        name: "scope",
        aliases: &["scopes"],
        wire: "scopes",
        ops: &[Op::Eq],
        kind: ValueKind::Scopes,
        side: Side::Server,
        help: "scopes; scope=a,b means all listed are present",
    },
    FieldInfo {
        name: "enabled",
        aliases: &[],
        wire: "enabled",
        ops: &[Op::Eq],
        kind: ValueKind::Bool,
        side: Side::Server,
        help: "whether the session is enabled: true or false",
    },
    PROFILE,
    FieldInfo {
        name: "country",
        aliases: &[],
        wire: "country",
        ops: LOCAL_TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Local,
        help: "login country: ISO code or name (country=FR,DE)",
    },
    FieldInfo {
        name: "city",
        aliases: &[],
        wire: "city",
        ops: LOCAL_TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Local,
        help: "login city (city~Paris)",
    },
    FieldInfo {
        name: "vpn",
        aliases: &[],
        wire: "vpn",
        ops: &[Op::Eq],
        kind: ValueKind::Flag,
        side: Side::Local,
        help: "logged in through a VPN (vpn, vpn=false)",
    },
    FieldInfo {
        name: "proxy",
        aliases: &[],
        wire: "proxy",
        ops: &[Op::Eq],
        kind: ValueKind::Flag,
        side: Side::Local,
        help: "logged in through a proxy",
    },
    FieldInfo {
        name: "embargo",
        aliases: &["embargoed"],
        wire: "embargo",
        ops: &[Op::Eq],
        kind: ValueKind::Flag,
        side: Side::Local,
        help: "logged in from an embargoed country",
    },
    FieldInfo {
        name: "breached",
        aliases: &[],
        wire: "breached",
        ops: &[Op::Eq],
        kind: ValueKind::Flag,
        side: Side::Local,
        help: "the user is known to be breached",
    },
    FieldInfo {
        name: "risk",
        aliases: &["verdict"],
        wire: "risk",
        ops: &[Op::Eq, Op::In],
        kind: ValueKind::Verdict,
        side: Side::Local,
        help: "IP verdict: malicious suspicious unknown benign",
    },
    FieldInfo {
        name: "device",
        aliases: &[],
        wire: "device",
        ops: LOCAL_TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Local,
        help: "browser and OS (device~Firefox, device~iOS)",
    },
    FieldInfo {
        name: "ua",
        aliases: &["user_agent"],
        wire: "ua",
        ops: LOCAL_TEXT_OPS,
        kind: ValueKind::Text,
        side: Side::Local,
        help: "the raw User-Agent (ua~curl)",
    },
];

/// The field named `name` (case-insensitive), not counting `profile.Name`.
pub fn lookup(name: &str) -> Option<&'static FieldInfo> {
    FIELDS
        .iter()
        .filter(|f| f.kind != ValueKind::Profile)
        .find(|f| f.is_named(name))
}

/// The `Name` of `profile.Name` or `profile_Name`, not yet checked.
pub(crate) fn profile_name(key: &str) -> Option<&str> {
    key.get(..8)
        .filter(|p| p.eq_ignore_ascii_case("profile.") || p.eq_ignore_ascii_case("profile_"))
        .and_then(|_| key.get(8..))
}

/// The accepted field name closest to `name`, if it is close enough to be a typo.
pub fn suggest(name: &str) -> Option<&'static str> {
    closest(name, FIELDS.iter().flat_map(FieldInfo::names))
}

/// The candidate closest to `name` (case-insensitive), if it is close enough to be a
/// typo: the same measure as [`suggest`], for other name lists.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 2);
    candidates
        .into_iter()
        .map(|candidate| (distance(&name, &candidate.to_ascii_lowercase()), candidate))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance in characters, with adjacent swaps counting once.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows of the Damerau (optimal string alignment) table: two back, one back, current.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

static HELP: LazyLock<String> = LazyLock::new(|| {
    let mut out = String::from(
        "Filter: terms separated by spaces, all must hold.\n\
         \n\
         \x20 field=value      equals            field=a,b   equals one of\n\
         \x20 field~text       contains (a,b: contains each)\n\
         \x20 field>time       also >= < <= on created and expire\n\
         \x20 profile.Name?    profile entry is set (!profile.Name? not set)\n\
         \x20 word             same as email~word\n\
         \x20 \"a b\"            quote values with spaces, commas or operators; \\\" and \\\\ escape\n\
         \n\
         Times: 2025-06-01T12:00:00Z (RFC 3339, any offset), 2025-06-01 (midnight UTC),\n\
         \x20 now, now-2h, now+30m, now-1h30m (units s m h d w)\n\
         \n\
         Fields:\n",
    );
    let width = FIELDS
        .iter()
        .map(|f| f.names().collect::<Vec<_>>().join(", ").len())
        .max()
        .unwrap_or(0);
    let line = |f: &FieldInfo| {
        let names = f.names().collect::<Vec<_>>().join(", ");
        let ops = if f.kind == ValueKind::Flag {
            "(bare) =".to_string()
        } else {
            f.ops_syntax()
        };
        format!("  {names:<width$}  {ops:<18}  {}\n", f.help)
    };
    for f in FIELDS.iter().filter(|f| f.side == Side::Server) {
        out.push_str(&line(f));
    }
    out.push_str(
        "\nLocal fields: the API cannot filter these, so authtop sends the rest of the query\n\
         and checks them on every matching session (a list means any of; text is\n\
         case-insensitive; a bare vpn, proxy, embargo or breached means =true):\n",
    );
    for f in FIELDS.iter().filter(|f| f.side == Side::Local) {
        out.push_str(&line(f));
    }
    out.push_str(&format!(
        "  {:<width$}  {:<18}  {}\n",
        "profile.Other-Name", "= ~ ?", "profile keys with - _ or digits (profile.User-Agent~curl)"
    ));
    out.push_str(
        "\nExample: acme created>now-1d scope=admin\n\
         Example: created>now-1h country=FR,DE vpn device~Firefox profile.User-Agent~curl\n\
         Wire keys as shown by --explain (created_at__gt=\"…\") are accepted too.\n",
    );
    out
});

/// The query language's help, for `--help` and the TUI help screen.
pub fn help_text() -> &'static str {
    &HELP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits_and_swaps() {
        assert_eq!(distance("email", "email"), 0);
        assert_eq!(distance("emial", "email"), 1);
        assert_eq!(distance("emal", "email"), 1);
        assert_eq!(distance("", "id"), 2);
        assert_eq!(distance("créé", "cree"), 2);
    }

    #[test]
    fn suggestions_catch_typos_only() {
        assert_eq!(suggest("emial"), Some("email"));
        assert_eq!(suggest("Emial"), Some("email"));
        assert_eq!(suggest("creatd"), Some("created"));
        assert_eq!(suggest("scoep"), Some("scope"));
        assert_eq!(suggest("expiers"), Some("expires"));
        assert_eq!(suggest("colour"), None);
        assert_eq!(suggest("zz"), None);
    }

    #[test]
    fn every_field_and_alias_is_found() {
        for f in FIELDS.iter().filter(|f| f.kind != ValueKind::Profile) {
            for name in f.names() {
                assert_eq!(lookup(name), Some(f), "{name}");
                assert_eq!(lookup(&name.to_uppercase()), Some(f), "{name}");
            }
        }
        assert_eq!(lookup("profile.Name"), None);
        assert_eq!(lookup("nope"), None);
    }

    #[test]
    fn suffixes_round_trip() {
        for op in Op::ALL.into_iter().filter(|op| *op != Op::Eq) {
            assert_eq!(Op::from_suffix(&op.suffix()[2..]), Some(op));
        }
        assert_eq!(Op::from_suffix(""), None);
        assert_eq!(Op::from_suffix("eq"), None);
    }

    #[test]
    fn help_lists_every_field_name() {
        let help = help_text();
        for f in FIELDS {
            for name in f.names() {
                assert!(help.contains(name), "{name} missing from help");
            }
        }
    }
}
