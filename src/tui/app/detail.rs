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
        match &self.json {
            Some(lines) => lines.iter().flat_map(|l| json_line(l, width)).collect(),
            None => {
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
                        out.push(field(&label, piece));
                    }
                }
                out
            }
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
    }
}

fn heading(label: &str) -> Field {
    Field {
        label: label.to_string(),
        value: String::new(),
        heading: true,
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
    out.push(field("scopes", list(&t.scopes)));
    out.push(section("intelligence", t.intelligence.is_some()));
    if let Some(i) = &t.intelligence {
        intel_fields(i, out);
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
