//! The detail view of one session: its fields as labelled lines, and the raw JSON form.

use crate::authn::model::{Intelligence, Session, Timestamp, TokenInfo};
use crate::clock;
use crate::sanitize;
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
    /// What the value means for risk, for its colour.
    pub tone: Tone,
}

/// How worrying a value is: the detail view colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tone {
    /// Nothing to say.
    #[default]
    Plain,
    /// Known good.
    Good,
    /// Worth a look (VPN, proxy, a suspicious verdict).
    Warn,
    /// Bad (a malicious verdict, an embargoed location, a breached user).
    Danger,
    /// The server sent nothing.
    Missing,
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

    /// The lines of the current form as drawn `width` cells wide: long values wrap under
    /// their value column, long JSON lines under their own indentation. Clean text.
    pub fn lines(&self, now: Timestamp, width: usize) -> Vec<Field> {
        if let Some(lines) = &self.json {
            lines.iter().flat_map(|l| json_line(l, width)).collect()
        } else {
            let value_width = width.saturating_sub(LABEL).max(1);
            let mut out = Vec::new();
            for f in fields(&self.session, now) {
                if f.heading {
                    out.push(heading(&sanitize::clean(&f.label)));
                    continue;
                }
                let label = sanitize::fit(&f.label, LABEL - 1);
                for (i, piece) in wrap(&f.value, value_width).into_iter().enumerate() {
                    let label = if i == 0 { label.clone() } else { String::new() };
                    out.push(toned(&label, piece, f.tone));
                }
            }
            out
        }
    }
}

/// Width of the label column in the fields form.
pub const LABEL: usize = 18;

/// One JSON line wrapped to `width`, continuation lines indented two past the line's own
/// indentation (unless that would leave too little room).
fn json_line(line: &str, width: usize) -> Vec<Field> {
    let body = line.trim_start_matches(' ');
    let indent = line.len() - body.len();
    let (indent, cont) = if (indent + 2) * 2 <= width {
        (indent, indent + 2)
    } else {
        (0, 0)
    };
    let text = if indent == 0 { line } else { body };
    wrap(text, width - cont)
        .into_iter()
        .enumerate()
        .map(|(i, piece)| {
            let pad = if i == 0 { indent } else { cont };
            field("", format!("{}{piece}", " ".repeat(pad)))
        })
        .collect()
}

/// Clean text broken into lines of at most `width` cells: at spaces where it can, inside
/// a word where the word alone is too wide. Always at least one line.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    fn end(lines: &mut Vec<String>, line: &mut String, w: &mut usize) {
        lines.push(line.trim_end_matches(' ').to_string());
        line.clear();
        *w = 0;
    }
    let text = sanitize::clean(text);
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut w = 0;
    for word in text.split_inclusive(' ') {
        let bare = sanitize::width(word.trim_end_matches(' '));
        if w > 0 && w + bare > width {
            end(&mut lines, &mut line, &mut w);
        }
        if bare > width {
            for c in word.chars() {
                let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                if w > 0 && w + cw > width {
                    end(&mut lines, &mut line, &mut w);
                }
                line.push(c);
                w += cw;
            }
        } else {
            line.push_str(word);
            w += sanitize::width(word);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        end(&mut lines, &mut line, &mut w);
    }
    lines
}

fn field(label: &str, value: impl Into<String>) -> Field {
    Field {
        label: label.to_string(),
        value: value.into(),
        heading: false,
        tone: Tone::Plain,
    }
}

fn heading(label: &str) -> Field {
    Field {
        label: label.to_string(),
        value: String::new(),
        heading: true,
        tone: Tone::Plain,
    }
}

/// A section heading, saying `none` in itself when the section is empty.
fn section(label: &str, present: bool) -> Field {
    if present {
        heading(label)
    } else {
        heading(&format!("{label}: none"))
    }
}

fn when(t: Timestamp, relative: String) -> String {
    format!("{} ({relative})", clock::absolute(t))
}

fn list(v: Option<&[String]>) -> String {
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
        field("scopes", list(s.scopes.as_deref())),
    ];
    out.push(section("profile", !s.profile.is_empty()));
    out.extend(s.profile.iter().map(|(k, v)| field(k, v.clone())));
    out.push(section("active token", s.active_token.is_some()));
    if let Some(t) = &s.active_token {
        token_fields(t, now, &mut out);
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
    out.push(field("scopes", list(t.scopes.as_deref())));
    out.extend(intelligence_fields(t.intelligence.as_ref()));
}

fn toned(label: &str, value: impl Into<String>, tone: Tone) -> Field {
    Field {
        tone,
        ..field(label, value)
    }
}

/// A yes/no signal spelled out: `yes` in `bad` tone, `no` good, absent missing.
fn signal(label: &str, v: Option<bool>, yes: &str, bad: Tone) -> Field {
    match v {
        Some(true) => toned(label, format!("yes — {yes}"), bad),
        Some(false) => toned(label, "no", Tone::Good),
        None => toned(label, strings_not_sent(), Tone::Missing),
    }
}

fn strings_not_sent() -> &'static str {
    "not sent"
}

/// The intelligence section of a token: location, IP verdict, VPN and proxy, embargo,
/// domain and breached user, spelled out and toned; one line saying the server provided
/// none when it is absent (which is not the same as "no risk").
pub fn intelligence_fields(intel: Option<&Intelligence>) -> Vec<Field> {
    let Some(i) = intel else {
        return vec![heading("intelligence: not provided by the server")];
    };
    let mut out = vec![heading("intelligence")];
    let ip = i.ip_intel.as_ref();
    let place = ip.and_then(|ip| ip.geolocation.as_ref()).map(|g| {
        let mut parts: Vec<&str> = [&g.city, &g.country]
            .into_iter()
            .filter_map(|v| v.as_deref())
            .collect();
        let code = g.country_code.as_deref().map(|c| format!("({c})"));
        if let Some(c) = &code {
            parts.push(c);
        }
        parts.join(", ").replace(", (", " (")
    });
    out.push(match place {
        Some(p) if !p.is_empty() => field("location", p),
        _ => toned("location", strings_not_sent(), Tone::Missing),
    });
    match ip {
        None => out.push(toned("ip", strings_not_sent(), Tone::Missing)),
        Some(ip) => {
            let verdict = ip
                .reputation
                .as_ref()
                .map_or_else(|| strings_not_sent().to_string(), reputation);
            let tone = match ip
                .reputation
                .as_ref()
                .and_then(|r| r.verdict.as_deref())
                .and_then(crate::query::Verdict::parse)
            {
                Some(crate::query::Verdict::Malicious) => Tone::Danger,
                Some(crate::query::Verdict::Suspicious) => Tone::Warn,
                Some(crate::query::Verdict::Benign) => Tone::Good,
                Some(crate::query::Verdict::Unknown) => Tone::Plain,
                None => Tone::Missing,
            };
            out.push(toned("ip verdict", verdict, tone));
            out.push(signal(
                "ip known bad",
                ip.is_bad,
                "listed as bad",
                Tone::Danger,
            ));
            out.push(signal("vpn", ip.is_vpn, "through a VPN", Tone::Warn));
            out.push(signal("proxy", ip.is_proxy, "through a proxy", Tone::Warn));
        }
    }
    out.push(signal(
        "embargo",
        i.embargo,
        "from an embargoed location",
        Tone::Danger,
    ));
    match &i.domain_intel {
        None => out.push(toned("domain", strings_not_sent(), Tone::Missing)),
        Some(d) => {
            let rep = d
                .reputation
                .as_ref()
                .map_or_else(|| strings_not_sent().to_string(), reputation);
            let (text, tone) = match d.is_bad {
                Some(true) => (format!("bad — {rep}"), Tone::Danger),
                Some(false) => (rep, Tone::Good),
                None => (rep, Tone::Plain),
            };
            out.push(toned("domain", text, tone));
        }
    }
    out.push(signal(
        "breached user",
        i.user_intel,
        "credentials seen in a breach",
        Tone::Danger,
    ));
    out
}

fn reputation(r: &crate::authn::model::Reputation) -> String {
    let verdict = r.verdict.clone().unwrap_or_else(|| "—".to_string());
    match r.score {
        Some(score) => format!("{verdict} (score {score})"),
        None => verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_splits_long_words_and_never_exceeds_the_width() {
        let ua = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        let lines = wrap(ua, 30);
        assert_eq!(lines.join(" "), ua);
        assert!(lines.len() > 2, "{lines:?}");
        let long = "x".repeat(25);
        assert_eq!(
            wrap(&long, 10),
            ["x".repeat(10), "x".repeat(10), "x".repeat(5)]
        );
        for (text, width) in [
            (ua, 30),
            ("例え例え例え 山田太郎@例え.jp", 5),
            ("evil\u{1b}[31m text\u{202E}", 4),
        ] {
            for l in wrap(text, width) {
                assert!(sanitize::width(&l) <= width, "{l:?} wider than {width}");
                assert!(!l.chars().any(sanitize::is_unsafe), "{l:?}");
            }
        }
        assert_eq!(wrap("", 10), [""]);
    }

    #[test]
    fn json_lines_wrap_under_their_indentation() {
        let line = format!("    \"User-Agent\": \"{}\",", "word ".repeat(12).trim_end());
        let out = json_line(&line, 30);
        assert!(out.len() > 1);
        assert!(out[0].value.starts_with("    \"User-Agent\""));
        for f in &out[1..] {
            assert!(f.value.starts_with("      w"), "{:?}", f.value);
        }
        assert!(out.iter().all(|f| sanitize::width(&f.value) <= 30));
    }
}
