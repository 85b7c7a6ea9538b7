//! Sessions and tokens written straight from the store to JSON text, without building
//! intermediate model values or going through a serializer, so a 1000-row page costs
//! little more than copying its bytes: a string that needs no escape (nearly all of
//! them) is checked a word at a time and copied whole.

use super::records::{SECOND, SESSION_TYPE, SessionRec, User};
use serde::ser::{Serialize, Serializer};
use std::fmt::Write as _;

/// A time (microseconds since the epoch) as RFC 3339 UTC with microseconds and a `Z`,
/// as the API writes times.
pub struct Stamp(pub i64);

/// Bytes in `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
const STAMP_LEN: usize = 27;

impl Stamp {
    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`. Written by hand because every listed session
    /// carries four of these and a general formatter dominated the cost of a page.
    pub fn text(&self) -> String {
        let mut buf = [0; STAMP_LEN];
        self.write(&mut buf)
            .map_or_else(|| self.formatted(), str::to_owned)
    }

    /// Year, month, day, hour, minute, second and microsecond (UTC).
    fn fields(&self) -> [i64; 7] {
        let secs = self.0.div_euclid(SECOND);
        let micros = self.0.rem_euclid(SECOND);
        let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        [
            year,
            month,
            day,
            sod / 3600,
            sod % 3600 / 60,
            sod % 60,
            micros,
        ]
    }

    /// The text through the general formatter (any year).
    fn formatted(&self) -> String {
        let [year, month, day, h, m, s, micros] = self.fields();
        format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{micros:06}Z")
    }

    /// The text written digit by digit into `buf`, with no allocation (a 1000-row page
    /// writes 4000 stamps); `None` for years outside 0000-9999, which need a sign or a
    /// fifth digit.
    fn write<'b>(&self, buf: &'b mut [u8; STAMP_LEN]) -> Option<&'b str> {
        let [year, month, day, h, m, s, micros] = self.fields();
        if !(0..=9999).contains(&year) {
            return None;
        }
        let mut at = 0;
        let mut put = |value: i64, width: u32, sep: Option<u8>| {
            let mut v = value;
            for i in (0..width as usize).rev() {
                buf[at + i] = b'0' + u8::try_from(v % 10).unwrap_or(0);
                v /= 10;
            }
            at += width as usize;
            if let Some(c) = sep {
                buf[at] = c;
                at += 1;
            }
        };
        put(year, 4, Some(b'-'));
        put(month, 2, Some(b'-'));
        put(day, 2, Some(b'T'));
        put(h, 2, Some(b':'));
        put(m, 2, Some(b':'));
        put(s, 2, Some(b'.'));
        put(micros, 6, Some(b'Z'));
        std::str::from_utf8(buf).ok()
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0; STAMP_LEN];
        match self.write(&mut buf) {
            Some(text) => s.serialize_str(text),
            None => s.serialize_str(&self.formatted()),
        }
    }
}

/// JSON text being written: the one writer of every session and token the store
/// answers with.
pub struct Json(Vec<u8>);

impl Json {
    /// An empty text with room for `bytes`.
    pub fn with_capacity(bytes: usize) -> Self {
        Json(Vec::with_capacity(bytes))
    }

    /// The text written.
    pub fn into_string(self) -> String {
        // Only `str`s and serde_json's output were written, so the bytes are UTF-8.
        String::from_utf8(self.0).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())
    }

    /// JSON punctuation or a value's text, as is.
    pub fn raw(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }

    /// A JSON string.
    pub fn str(&mut self, s: &str) {
        // Every byte is looked at, without an early exit, so the check runs a word at a
        // time; only a string holding a quote, a backslash or a control is escaped.
        #[expect(
            clippy::needless_bitwise_bool,
            reason = "a lazy `&&` would branch on every byte and stop the check running a word at a time"
        )]
        let plain = s
            .bytes()
            .fold(true, |ok, b| ok & (b >= 0x20) & (b != b'"') & (b != b'\\'));
        if plain {
            self.0.push(b'"');
            self.0.extend_from_slice(s.as_bytes());
            self.0.push(b'"');
        } else {
            // serde_json escapes exactly as JSON requires; writing to a Vec cannot fail.
            let _ = serde_json::to_writer(&mut self.0, s);
        }
    }

    /// `"key":`, the key written as a string.
    pub fn key(&mut self, key: &str) {
        self.str(key);
        self.0.push(b':');
    }

    /// `,` before every member or element but the first.
    fn comma(&mut self, first: &mut bool) {
        if !std::mem::take(first) {
            self.0.push(b',');
        }
    }

    /// An integer.
    pub fn int(&mut self, n: i64) {
        let mut buf = String::new();
        let _ = write!(buf, "{n}");
        self.raw(&buf);
    }

    /// A time as the API writes it.
    pub fn stamp(&mut self, us: i64) {
        let mut buf = [0; STAMP_LEN];
        match Stamp(us).write(&mut buf) {
            Some(text) => {
                self.0.push(b'"');
                self.0.extend_from_slice(text.as_bytes());
                self.0.push(b'"');
            }
            None => self.str(&Stamp(us).formatted()),
        }
    }

    /// Any value serde can write (the intelligence block).
    pub fn value<T: Serialize + ?Sized>(&mut self, v: &T) {
        let _ = serde_json::to_writer(&mut self.0, v);
    }

    /// An array of strings.
    fn strs(&mut self, items: &[String]) {
        self.0.push(b'[');
        let mut first = true;
        for item in items {
            self.comma(&mut first);
            self.str(item);
        }
        self.0.push(b']');
    }

    /// The user's profile plus the session's login metadata.
    fn profile(&mut self, user: &User, rec: &SessionRec) {
        self.0.push(b'{');
        for (k, v) in &user.profile {
            self.key(k);
            self.str(v);
            self.0.push(b',');
        }
        self.key("Login-Time");
        self.stamp(rec.created_at);
        self.0.push(b',');
        self.key("User-Agent");
        self.str(rec.user_agent);
        self.0.push(b'}');
    }
}

/// Token metadata of a session's active or refresh token (spec 4.2), with the value
/// when `value` is set (spec 4.3).
pub struct TokenView<'a> {
    /// Owner.
    pub user: &'a User,
    /// The session the token belongs to.
    pub rec: &'a SessionRec,
    /// `user` or `session`.
    pub kind: &'a str,
    /// Token id.
    pub id: &'a str,
    /// Issue time.
    pub created: i64,
    /// Expiry.
    pub expire: i64,
    /// Response time.
    pub now: i64,
    /// The secret value, for refresh results only.
    pub value: Option<&'a str>,
    /// Whether to add `enabled` (token check and refresh results).
    pub full: bool,
}

impl<'a> TokenView<'a> {
    /// The session's active token, if it has a second or more left.
    pub fn active(user: &'a User, rec: &'a SessionRec, now: i64) -> Option<Self> {
        let a = &rec.active;
        (a.expire - now >= SECOND).then_some(Self {
            user,
            rec,
            kind: "user",
            id: &a.id,
            created: a.created_at,
            expire: a.expire,
            now,
            value: None,
            full: false,
        })
    }

    /// The session's refresh token, reported as the session itself.
    pub fn refresh(user: &'a User, rec: &'a SessionRec, now: i64) -> Self {
        Self {
            user,
            rec,
            kind: "session",
            id: &rec.id,
            created: rec.created_at,
            expire: rec.expire,
            now,
            value: None,
            full: true,
        }
    }
}

impl TokenView<'_> {
    /// The token as JSON.
    pub fn write(&self, out: &mut Json) {
        out.raw("{");
        if let Some(v) = self.value {
            out.key("token");
            out.str(v);
            out.raw(",");
        }
        out.key("id");
        out.str(self.id);
        out.raw(",");
        out.key("type");
        out.str(self.kind);
        out.raw(",");
        out.key("life");
        out.int((self.expire - self.now) / SECOND);
        out.raw(",");
        out.key("expire");
        out.stamp(self.expire);
        out.raw(",");
        if self.full {
            out.key("enabled");
            out.raw(if self.user.enabled { "true" } else { "false" });
            out.raw(",");
        }
        out.key("identity");
        out.str(&self.user.id);
        out.raw(",");
        out.key("email");
        out.str(&self.user.email);
        out.raw(",");
        out.key("scopes");
        out.strs(&self.rec.scopes);
        out.raw(",");
        out.key("profile");
        out.profile(self.user, self.rec);
        out.raw(",");
        out.key("created_at");
        out.stamp(self.created);
        // Lists carry it too: an investigation reads it from every row.
        if let Some(intel) = &self.rec.intelligence {
            out.raw(",");
            out.key("intelligence");
            out.value(intel);
        }
        out.raw("}");
    }

    /// The token as a JSON text of its own (token check).
    pub fn json(&self) -> String {
        let mut out = Json::with_capacity(1024);
        self.write(&mut out);
        out.into_string()
    }
}

/// A session as the list endpoints return it (spec 4.1).
pub struct SessionView<'a> {
    /// Owner.
    pub user: &'a User,
    /// The session.
    pub rec: &'a SessionRec,
    /// Response time.
    pub now: i64,
}

impl SessionView<'_> {
    /// The session as JSON.
    pub fn write(&self, out: &mut Json) {
        let (user, rec) = (self.user, self.rec);
        out.raw("{");
        out.key("id");
        out.str(&rec.id);
        out.raw(",");
        out.key("type");
        out.str(SESSION_TYPE);
        out.raw(",");
        out.key("life");
        out.int((rec.expire - self.now) / SECOND);
        out.raw(",");
        out.key("expire");
        out.stamp(rec.expire);
        out.raw(",");
        out.key("identity");
        out.str(&user.id);
        out.raw(",");
        out.key("email");
        out.str(&user.email);
        out.raw(",");
        out.key("scopes");
        out.strs(&rec.scopes);
        out.raw(",");
        out.key("profile");
        out.profile(user, rec);
        out.raw(",");
        out.key("created_at");
        out.stamp(rec.created_at);
        if let Some(active) = TokenView::active(user, rec, self.now) {
            out.raw(",");
            out.key("active_token");
            active.write(out);
        }
        out.raw("}");
    }
}

/// A list page's result: its sessions, the cursor, and for the service list the count.
pub fn list_page(sessions: &[SessionView<'_>], last: &str, count: Option<usize>) -> String {
    // About 1.5 KB a session: sized once, the text is never copied while it grows.
    let mut out = Json::with_capacity(sessions.len() * 1600 + 256);
    out.raw("{");
    out.key("sessions");
    out.raw("[");
    let mut first = true;
    for s in sessions {
        out.comma(&mut first);
        s.write(&mut out);
    }
    out.raw("],");
    out.key("last");
    out.str(last);
    if let Some(count) = count {
        out.raw(",");
        out.key("count");
        out.int(i64::try_from(count).unwrap_or(i64::MAX));
    }
    out.raw("}");
    out.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::intel::{Intel, Verdict};
    use crate::records::Active;
    use pangea_authn_model::{Session, SessionListResult};

    /// A page written by hand reads back, through the client's models, as the records
    /// say: every string exact (quotes, backslashes, controls, non-ASCII), every number
    /// and time in place.
    #[test]
    fn a_written_page_reads_back_as_the_records_say() {
        let now = 1_780_000_000_000_000;
        let mut profile = pangea_authn_model::Profile::new();
        profile.insert("first_name".into(), "美咲 \"Mi\" \\ \u{1b}[2J".into());
        profile.insert("dépt".into(), "R&D\n\t".into());
        let user = User {
            id: "pui_x".into(),
            email: "a\"b@exemple.fr".into(),
            username: "ab".into(),
            enabled: true,
            profile,
        };
        let rec = |intelligence, active_expire| SessionRec {
            id: "pmt_s".into(),
            user: 0,
            created_at: now - 90 * SECOND,
            expire: now + 3_600 * SECOND,
            user_agent: "Mozilla/5.0 (X11; Linux x86_64)",
            scopes: vec!["read".into(), "wri\"te".into()],
            intelligence,
            refresh: "ptr_x".into(),
            active: Active {
                id: "pmt_a".into(),
                value: "ptu_x".into(),
                created_at: now - 60 * SECOND,
                expire: active_expire,
            },
        };
        let intel = Intel {
            place: 3,
            vpn: true,
            proxy: false,
            verdict: Verdict::Suspicious,
            score: 70,
            breached: false,
        };
        let recs = [rec(Some(intel), now + 600 * SECOND), rec(None, now)];
        let views: Vec<SessionView<'_>> = recs
            .iter()
            .map(|rec| SessionView {
                user: &user,
                rec,
                now,
            })
            .collect();
        let text = list_page(&views, "cur\"sor", Some(12));
        let page: SessionListResult = serde_json::from_str(&text).expect(&text);
        assert_eq!(page.last.as_deref(), Some("cur\"sor"));
        assert_eq!(page.count, Some(12));
        let [with, without]: [Session; 2] = page.sessions.try_into().expect("two sessions");
        assert_eq!(with.email, user.email);
        assert_eq!(with.life, 3_600);
        assert_eq!(with.created_at, crate::records::ts(now - 90 * SECOND));
        assert_eq!(with.scopes.as_deref(), Some(&recs[0].scopes[..]));
        for (k, v) in &user.profile {
            assert_eq!(with.profile.get(k), Some(v), "{k}");
        }
        assert_eq!(with.profile["User-Agent"], recs[0].user_agent);
        let active = with.active_token.expect("an active token");
        assert_eq!((active.id.as_str(), active.life), ("pmt_a", 600));
        assert_eq!(active.profile, with.profile);
        let vpn = active
            .intelligence
            .and_then(|i| i.ip_intel)
            .and_then(|ip| ip.is_vpn);
        assert_eq!(vpn, Some(true));
        assert!(
            without.active_token.is_none(),
            "an expired active token is left out"
        );
        let client = list_page(&views[..0], "", None);
        assert_eq!(client, r#"{"sessions":[],"last":""}"#);
    }

    #[test]
    fn stamps_match_a_general_formatter() {
        let mut rng = fastrand::Rng::with_seed(5);
        for us in [0, -1, 951_782_400_000_000, 4_102_444_799_999_999]
            .into_iter()
            .chain((0..2000).map(|_| rng.i64(-2_000_000_000_000_000..5_000_000_000_000_000)))
        {
            let want = format!("{:.6}", super::super::records::ts(us));
            assert_eq!(Stamp(us).text(), want, "{us}");
            assert_eq!(Stamp(us).formatted(), want, "{us}");
        }
    }
}
