//! The detail view of one session: its fields as labelled lines, and the raw JSON form.

use super::clock;
use crate::authn::model::{Intelligence, Session, Timestamp, TokenInfo};
use crate::tui::command::ListSource;

/// One line of the detail view (values may be server strings; sanitised when drawn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Left column.
    pub label: String,
    /// Right column.
    pub value: String,
    /// A section heading rather than a field.
    pub heading: bool,
}

/// The open detail view.
#[derive(Debug, Clone)]
pub struct DetailView {
    pub(crate) source: ListSource,
    pub(crate) session: Session,
    pub(crate) json: Option<Vec<String>>,
    pub(crate) scroll: usize,
}

impl DetailView {
    pub(crate) fn new(source: ListSource, session: Session) -> Self {
        Self {
            source,
            session,
            json: None,
            scroll: 0,
        }
    }

    /// The session shown.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The list the session came from.
    pub fn source(&self) -> ListSource {
        self.source
    }

    /// The raw JSON lines, when shown.
    pub fn json(&self) -> Option<&[String]> {
        self.json.as_deref()
    }

    /// First line shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// Switches between fields and raw JSON.
    pub(crate) fn toggle_json(&mut self) {
        self.scroll = 0;
        self.json = match self.json {
            Some(_) => None,
            // Session holds no token value; Secret fields would redact themselves anyway.
            None => Some(match serde_json::to_string_pretty(&self.session) {
                Ok(text) => text.lines().map(str::to_string).collect(),
                Err(e) => vec![format!("cannot encode the session: {e}")],
            }),
        };
    }

    /// Number of lines in the current form.
    pub(crate) fn line_count(&self, now: Timestamp) -> usize {
        match &self.json {
            Some(lines) => lines.len(),
            None => fields(&self.session, now).len(),
        }
    }
}

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
        heading: false,
    }
}

fn heading(label: &str) -> Field {
    Field {
        label: label.to_string(),
        value: String::new(),
        heading: true,
    }
}

fn when(t: Timestamp, relative: String) -> String {
    format!("{} ({relative})", clock::absolute(t))
}

fn list(v: &Option<Vec<String>>) -> String {
    match v {
        Some(v) if !v.is_empty() => v.join(", "),
        _ => "—".to_string(),
    }
}

fn flag(v: Option<bool>) -> String {
    match v {
        Some(true) => "yes".to_string(),
        Some(false) => "no".to_string(),
        None => "—".to_string(),
    }
}

/// Every field of a session, its profile map, active token and intelligence block.
pub fn fields(s: &Session, now: Timestamp) -> Vec<Field> {
    let mut out = vec![
        field("id", s.id.clone()),
        field("type", s.kind.clone()),
        field("email", s.email.clone()),
        field("identity", s.identity.clone()),
        field("created", when(s.created_at, clock::ago(s.created_at, now))),
        field("expires", when(s.expire, clock::until(s.expire, now))),
        field("scopes", list(&s.scopes)),
        heading("profile"),
    ];
    if s.profile.is_empty() {
        out.push(field("", "—"));
    }
    out.extend(s.profile.iter().map(|(k, v)| field(k, v.clone())));
    out.push(heading("active token"));
    match &s.active_token {
        Some(t) => token_fields(t, now, &mut out),
        None => out.push(field("", "—")),
    }
    out
}

fn token_fields(t: &TokenInfo, now: Timestamp, out: &mut Vec<Field>) {
    out.push(field("id", t.id.clone()));
    out.push(field("type", t.kind.clone()));
    out.push(field(
        "created",
        when(t.created_at, clock::ago(t.created_at, now)),
    ));
    out.push(field(
        "expires",
        when(t.expire, clock::until(t.expire, now)),
    ));
    out.push(field("enabled", flag(t.enabled)));
    out.push(field("scopes", list(&t.scopes)));
    out.push(heading("intelligence"));
    match &t.intelligence {
        Some(i) => intel_fields(i, out),
        None => out.push(field("", "—")),
    }
}

fn intel_fields(i: &Intelligence, out: &mut Vec<Field>) {
    out.push(field("embargo", flag(i.embargo)));
    out.push(field("breached user", flag(i.user_intel)));
    if let Some(ip) = &i.ip_intel {
        out.push(field(
            "ip",
            format!(
                "bad {} · vpn {} · proxy {}",
                flag(ip.is_bad),
                flag(ip.is_vpn),
                flag(ip.is_proxy)
            ),
        ));
        if let Some(r) = &ip.reputation {
            out.push(field("ip reputation", reputation(r)));
        }
        if let Some(g) = &ip.geolocation {
            let place: Vec<&str> = [&g.city, &g.country, &g.country_code]
                .into_iter()
                .filter_map(|v| v.as_deref())
                .collect();
            out.push(field("location", place.join(", ")));
        }
    }
    if let Some(d) = &i.domain_intel {
        out.push(field("domain", format!("bad {}", flag(d.is_bad))));
        if let Some(r) = &d.reputation {
            out.push(field("domain reputation", reputation(r)));
        }
    }
}

fn reputation(r: &crate::authn::model::Reputation) -> String {
    let verdict = r.verdict.clone().unwrap_or_else(|| "—".to_string());
    match r.score {
        Some(score) => format!("{verdict} (score {score})"),
        None => verdict,
    }
}
