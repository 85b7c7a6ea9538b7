//! Sessions and tokens written straight from the store to JSON, without building
//! intermediate model values, so a 1000-row page costs little more than its bytes.

use super::records::{SECOND, SessionRec, User};
use serde::ser::{Serialize, SerializeMap, Serializer};

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

/// The user's profile plus the session's login metadata.
struct ProfileView<'a> {
    user: &'a User,
    rec: &'a SessionRec,
}

impl Serialize for ProfileView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.user.profile.len() + 2))?;
        for (k, v) in &self.user.profile {
            m.serialize_entry(k, v)?;
        }
        m.serialize_entry("Login-Time", &Stamp(self.rec.created_at))?;
        m.serialize_entry("User-Agent", self.rec.user_agent)?;
        m.end()
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

impl Serialize for TokenView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = self.value {
            m.serialize_entry("token", v)?;
        }
        m.serialize_entry("id", self.id)?;
        m.serialize_entry("type", self.kind)?;
        m.serialize_entry("life", &((self.expire - self.now) / SECOND))?;
        m.serialize_entry("expire", &Stamp(self.expire))?;
        if self.full {
            m.serialize_entry("enabled", &self.user.enabled)?;
        }
        m.serialize_entry("identity", &self.user.id)?;
        m.serialize_entry("email", &self.user.email)?;
        m.serialize_entry("scopes", &self.rec.scopes)?;
        m.serialize_entry(
            "profile",
            &ProfileView {
                user: self.user,
                rec: self.rec,
            },
        )?;
        m.serialize_entry("created_at", &Stamp(self.created))?;
        // Lists carry it too: an investigation reads it from every row.
        if let Some(intel) = &self.rec.intelligence {
            m.serialize_entry("intelligence", intel)?;
        }
        m.end()
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

impl Serialize for SessionView<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (user, rec) = (self.user, self.rec);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("id", &*rec.id)?;
        m.serialize_entry("type", "session")?;
        m.serialize_entry("life", &((rec.expire - self.now) / SECOND))?;
        m.serialize_entry("expire", &Stamp(rec.expire))?;
        m.serialize_entry("identity", &user.id)?;
        m.serialize_entry("email", &user.email)?;
        m.serialize_entry("scopes", &rec.scopes)?;
        m.serialize_entry("profile", &ProfileView { user, rec })?;
        m.serialize_entry("created_at", &Stamp(rec.created_at))?;
        if let Some(active) = TokenView::active(user, rec, self.now) {
            m.serialize_entry("active_token", &active)?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
