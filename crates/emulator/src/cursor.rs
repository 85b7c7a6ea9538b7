//! Keyset cursors: the `last` of a page names the last row's sort key and id, plus a
//! fingerprint of the query it belongs to. Being positional, a cursor stays correct when
//! rows before or after it are deleted between pages.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A value a session is ordered by; time columns are microseconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SortKey {
    /// Time column.
    Time(i64),
    /// Text column.
    Text(String),
}

/// A borrowed [`SortKey`], ordered the same way (variant first, then value), so rows
/// can be compared and sorted without copying their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyRef<'a> {
    /// Time column.
    Time(i64),
    /// Text column.
    Text(&'a str),
}

impl SortKey {
    /// The key, borrowed.
    pub fn borrowed(&self) -> KeyRef<'_> {
        match self {
            SortKey::Time(t) => KeyRef::Time(*t),
            SortKey::Text(s) => KeyRef::Text(s),
        }
    }
}

impl From<KeyRef<'_>> for SortKey {
    fn from(k: KeyRef<'_>) -> Self {
        match k {
            KeyRef::Time(t) => SortKey::Time(t),
            KeyRef::Text(s) => SortKey::Text(s.to_owned()),
        }
    }
}

/// A decoded cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// Fingerprint of the query that produced it.
    pub query: u64,
    /// Sort key of the last row served.
    pub key: SortKey,
    /// Id of the last row served (the tie-break).
    pub id: String,
}

impl Cursor {
    /// The opaque string sent as `last`.
    pub fn encode(&self) -> String {
        let key = match &self.key {
            SortKey::Time(t) => format!("t{t}"),
            SortKey::Text(s) => format!("s{s}"),
        };
        URL_SAFE_NO_PAD.encode(format!("{:016x}\n{}\n{key}", self.query, self.id))
    }

    /// Reads a `last` string; `None` if it is not one of ours.
    pub fn decode(s: &str) -> Option<Self> {
        let raw = URL_SAFE_NO_PAD.decode(s).ok()?;
        let text = String::from_utf8(raw).ok()?;
        let mut parts = text.splitn(3, '\n');
        let query = u64::from_str_radix(parts.next()?, 16).ok()?;
        let id = parts.next()?.to_owned();
        let key = parts.next()?;
        let key = match key.split_at_checked(1)? {
            ("t", t) => SortKey::Time(t.parse().ok()?),
            ("s", s) => SortKey::Text(s.to_owned()),
            _ => return None,
        };
        Some(Self { query, key, id })
    }
}

/// FNV-1a fingerprint of the parts that define a query (not the page size, which a
/// client may change between pages).
pub fn fingerprint(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        for key in [SortKey::Time(-5), SortKey::Text("a\nb|ü".into())] {
            let c = Cursor {
                query: fingerprint(&["x", "y"]),
                key,
                id: "pmt_a".into(),
            };
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        assert_eq!(Cursor::decode("Mjoy"), None);
        assert_eq!(Cursor::decode("!!"), None);
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }
}
