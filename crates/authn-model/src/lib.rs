//! Typed requests and results of the AuthN session endpoints (spec sections 3 to 5): the
//! one vocabulary the client (`pangea-authn`) and the emulator speak, so the two cannot
//! drift apart on the wire. Models only: no HTTP, no I/O.
//!
//! One file because it is the whole wire vocabulary, read beside the spec.
//!
//! Absent optionals are omitted on the wire, never sent as `null`; unknown response
//! fields are tolerated. Token values are [`Secret`]s: request types opt in to sending
//! them with `serialize_with`, everything else serialises them redacted.
#![forbid(unsafe_code)]

pub mod secret;

pub use secret::Secret;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// An instant as the API writes it (RFC 3339, UTC, any number of fraction digits).
pub type Timestamp = jiff::Timestamp;

/// Most fraction digits a [`Timestamp`] holds (nanoseconds).
const MAX_FRACTION_DIGITS: usize = 9;

/// Parses an API timestamp: RFC 3339 with any offset and any number of fraction digits
/// (spec 4.5); digits beyond nanoseconds are dropped rather than refused.
pub fn parse_timestamp(text: &str) -> Result<Timestamp, jiff::Error> {
    if let Some(t) = utc(text) {
        return Ok(t);
    }
    let Some(sep) = text.find(['.', ',']) else {
        return text.parse();
    };
    let digits = text[sep + 1..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    if digits <= MAX_FRACTION_DIGITS {
        return text.parse();
    }
    let keep = sep + 1 + MAX_FRACTION_DIGITS;
    format!("{}{}", &text[..keep], &text[sep + 1 + digits..]).parse()
}

/// The form the API writes every time in, `YYYY-MM-DDTHH:MM:SS[.f…]Z` with up to nine
/// fraction digits, read digit by digit; `None` for any other text, which the general
/// parser then reads or refuses. A session carries four times, so this is most of
/// what reading one costs beyond its strings.
fn utc(text: &str) -> Option<Timestamp> {
    let b = text.as_bytes();
    let shape = b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b.last() == Some(&b'Z');
    if !shape {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<i32> {
        b[from..to].iter().try_fold(0i32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i32::from(d - b'0'))
        })
    };
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', digits @ ..] if (1..=MAX_FRACTION_DIGITS).contains(&digits.len()) => {
            let n = num(20, b.len() - 1)?;
            let scale = 10i32.pow(u32::try_from(MAX_FRACTION_DIGITS - digits.len()).ok()?);
            n * scale
        }
        _ => return None,
    };
    let (second, minute, hour) = (num(17, 19)?, num(14, 16)?, num(11, 13)?);
    // A leap second (60) is left to the general parser.
    if second > 59 {
        return None;
    }
    let date = jiff::civil::Date::new(
        i16::try_from(num(0, 4)?).ok()?,
        i8::try_from(num(5, 7)?).ok()?,
        i8::try_from(num(8, 10)?).ok()?,
    )
    .ok()?;
    let time = jiff::civil::Time::new(
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        nanos,
    )
    .ok()?;
    jiff::tz::Offset::UTC
        .to_timestamp(date.to_datetime(time))
        .ok()
}

/// serde `deserialize_with` for timestamp fields, through [`parse_timestamp`]: reads the
/// string where it lies in the text when it can, without a copy.
pub fn deserialize_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = Timestamp;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Timestamp, E> {
            parse_timestamp(v).map_err(E::custom)
        }
    }
    d.deserialize_str(Text)
}

/// A user's profile plus login metadata: string keys to string values.
pub type Profile = BTreeMap<String, String>;

/// One login session as the list endpoints return it (spec 4.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Session id (`pmt_…`), what invalidate takes.
    pub id: String,
    /// Record type, `session` in practice.
    #[serde(rename = "type")]
    pub kind: String,
    /// Seconds remaining at response time (informational; compute from `expire`).
    pub life: i64,
    /// When the session (its refresh token) ends.
    #[serde(deserialize_with = "deserialize_timestamp")]
    pub expire: Timestamp,
    /// The owner (`pui_…`).
    #[serde(default)]
    pub identity: String,
    /// The owner's email.
    #[serde(default)]
    pub email: String,
    /// Scopes granted to the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Profile and login metadata (`Login-Time`, `User-Agent`, names).
    #[serde(default)]
    pub profile: Profile,
    /// Login time.
    #[serde(deserialize_with = "deserialize_timestamp")]
    pub created_at: Timestamp,
    /// The session's current active (user) token, without its value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_token: Option<TokenInfo>,
}

/// Token metadata without the value (spec 4.2): `active_token` and the token-check result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// Token id (`pmt_…`).
    pub id: String,
    /// Token type (`user` for active tokens).
    #[serde(rename = "type")]
    pub kind: String,
    /// Seconds remaining at response time.
    pub life: i64,
    /// Expiry.
    #[serde(deserialize_with = "deserialize_timestamp")]
    pub expire: Timestamp,
    /// Whether the token is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Owner identity (`pui_…`).
    #[serde(default)]
    pub identity: String,
    /// Owner email.
    #[serde(default)]
    pub email: String,
    /// Scopes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Profile map.
    #[serde(default)]
    pub profile: Profile,
    /// Creation time.
    #[serde(deserialize_with = "deserialize_timestamp")]
    pub created_at: Timestamp,
    /// Intelligence block, present only with intel add-ons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intelligence: Option<Intelligence>,
    /// OAuth audience.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Vec<String>>,
    /// Service account id (`psa_…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Token claims.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claims: Option<serde_json::Value>,
}

/// Token metadata with its secret value (spec 4.3), as refresh returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginToken {
    /// The token value.
    pub token: Secret,
    /// Everything else about the token.
    #[serde(flatten)]
    pub info: TokenInfo,
}

/// Risk signals about a login (spec 4.4). Sent complete or not at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Intelligence {
    /// Login from an embargoed country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embargo: Option<bool>,
    /// IP reputation and location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_intel: Option<IpIntel>,
    /// Email domain reputation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_intel: Option<DomainIntel>,
    /// Breached-user signal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_intel: Option<bool>,
}

/// IP intelligence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct IpIntel {
    /// Known-bad address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_bad: Option<bool>,
    /// VPN exit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_vpn: Option<bool>,
    /// Proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_proxy: Option<bool>,
    /// Reputation verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reputation: Option<Reputation>,
    /// Where the address is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geolocation: Option<Geolocation>,
}

/// Domain intelligence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DomainIntel {
    /// Known-bad domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_bad: Option<bool>,
    /// Reputation verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reputation: Option<Reputation>,
}

/// A reputation verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Reputation {
    /// Categories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Vec<String>>,
    /// Score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    /// `malicious`, `suspicious`, `unknown` or `benign`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<String>,
}

/// A geolocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Geolocation {
    /// Country name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Latitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Longitude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

/// The list endpoints' `filter` (spec 5.1): `field` or `field__op` to a string, strings or a bool.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Filter(pub BTreeMap<String, serde_json::Value>);

impl Filter {
    /// True when no condition is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Ascending.
    Asc,
    /// Descending.
    #[default]
    Desc,
}

impl Order {
    /// The other direction.
    #[must_use]
    pub fn flip(self) -> Self {
        match self {
            Order::Asc => Order::Desc,
            Order::Desc => Order::Asc,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Order::Asc => "asc",
            Order::Desc => "desc",
        }
    }
}

/// A column the server can order by (spec 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OrderBy {
    /// Session id.
    Id,
    /// Login time.
    #[default]
    CreatedAt,
    /// Record type.
    Type,
    /// Owner identity.
    Identity,
    /// Owner email.
    Email,
    /// Session expiry.
    Expire,
    /// Active token id.
    ActiveTokenId,
}

impl OrderBy {
    /// Every column, in the order `s` cycles through them.
    pub const ALL: [OrderBy; 7] = [
        OrderBy::CreatedAt,
        OrderBy::Expire,
        OrderBy::Email,
        OrderBy::Identity,
        OrderBy::Id,
        OrderBy::Type,
        OrderBy::ActiveTokenId,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderBy::Id => "id",
            OrderBy::CreatedAt => "created_at",
            OrderBy::Type => "type",
            OrderBy::Identity => "identity",
            OrderBy::Email => "email",
            OrderBy::Expire => "expire",
            OrderBy::ActiveTokenId => "active_token_id",
        }
    }

    /// The next column in [`OrderBy::ALL`], wrapping.
    #[must_use]
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|o| *o == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

impl fmt::Display for OrderBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderBy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .or(match s {
                "created" => Some(OrderBy::CreatedAt),
                "user" => Some(OrderBy::Identity),
                "token" => Some(OrderBy::ActiveTokenId),
                _ => None,
            })
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|o| o.as_str()).collect();
                format!(
                    "unknown order-by field `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Body of `/v2/session/list`, and the list part of `/v2/client/session/list`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SessionListRequest {
    /// Conditions, ANDed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    /// Cursor from the previous page's `last`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// Direction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// Column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<OrderBy>,
    /// Page size (at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
}

/// Body of `/v2/client/session/list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSessionListRequest {
    /// The user's active token.
    #[serde(serialize_with = "secret::expose")]
    pub token: Secret,
    /// Filter, cursor, order and size.
    #[serde(flatten)]
    pub list: SessionListRequest,
}

/// Body of `/v2/session/invalidate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInvalidateRequest {
    /// The session to end.
    pub session_id: String,
    /// Marks the invalidation as user-requested (OAS only; meaning undocumented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_initiated: Option<bool>,
}

/// Body of `/v2/session/logout`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionLogoutRequest {
    /// The user whose every session ends.
    pub user_id: String,
}

/// Body of `/v2/client/session/invalidate`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSessionInvalidateRequest {
    /// The user's active token.
    #[serde(serialize_with = "secret::expose")]
    pub token: Secret,
    /// One of that user's sessions.
    pub session_id: String,
}

/// Body of `/v2/client/session/logout` and `/v2/client/token/check`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRequest {
    /// The token.
    #[serde(serialize_with = "secret::expose")]
    pub token: Secret,
}

/// Body of `/v2/client/session/refresh`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientSessionRefreshRequest {
    /// The session's refresh token.
    #[serde(serialize_with = "secret::expose")]
    pub refresh_token: Secret,
    /// The (possibly expired) active token of the same session.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "secret::expose_opt"
    )]
    pub user_token: Option<Secret>,
}

/// Result of both list endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionListResult {
    /// This page.
    pub sessions: Vec<Session>,
    /// Cursor for the next page; missing or empty on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// All sessions matched (service list only; semantics undocumented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

/// A list result whose sessions are kept as the JSON text the server sent (already
/// scrubbed of the call's tokens), for output that passes them through unparsed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RawSessionList {
    /// This page, one JSON object text per session.
    pub sessions: Vec<Box<serde_json::value::RawValue>>,
    /// Cursor for the next page; missing or empty on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<String>,
    /// All sessions matched (service list only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
}

/// What a page walk needs from a list result, typed or raw.
pub trait ListPage: serde::de::DeserializeOwned + Send + 'static {
    /// The cursor of the next page as sent (may be empty).
    fn cursor(&self) -> Option<&str>;
    /// True when the page has no sessions.
    fn is_empty(&self) -> bool;
    /// The id and login time of the page's last session and of the sessions just before
    /// it with the same login time, last first; empty when the last cannot be read. Only
    /// the page's tail is read: a split walk cuts a slice at its last login time.
    fn tail_keys(&self) -> Vec<(String, Timestamp)>;
    /// Drops the sessions whose id is in `ids`.
    fn drop_ids(&mut self, ids: &std::collections::HashSet<String>);
}

/// The two fields of a session a partitioned walk reads from a page kept as text.
#[derive(Deserialize)]
struct RawKey {
    id: String,
    created_at: Timestamp,
}

fn raw_key(raw: &serde_json::value::RawValue) -> Option<RawKey> {
    serde_json::from_str(raw.get()).ok()
}

impl ListPage for SessionListResult {
    fn cursor(&self) -> Option<&str> {
        self.last.as_deref()
    }
    fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
    fn tail_keys(&self) -> Vec<(String, Timestamp)> {
        let Some(at) = self.sessions.last().map(|s| s.created_at) else {
            return Vec::new();
        };
        self.sessions
            .iter()
            .rev()
            .take_while(|s| s.created_at == at)
            .map(|s| (s.id.clone(), s.created_at))
            .collect()
    }
    fn drop_ids(&mut self, ids: &std::collections::HashSet<String>) {
        self.sessions.retain(|s| !ids.contains(&s.id));
    }
}

impl ListPage for RawSessionList {
    fn cursor(&self) -> Option<&str> {
        self.last.as_deref()
    }
    fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }
    fn tail_keys(&self) -> Vec<(String, Timestamp)> {
        let mut keys = self.sessions.iter().rev().map(|s| raw_key(s));
        let Some(Some(last)) = keys.next() else {
            return Vec::new();
        };
        let at = last.created_at;
        std::iter::once(last)
            .chain(keys.map_while(|k| k.filter(|k| k.created_at == at)))
            .map(|k| (k.id, k.created_at))
            .collect()
    }
    fn drop_ids(&mut self, ids: &std::collections::HashSet<String>) {
        self.sessions
            .retain(|s| raw_key(s).is_none_or(|k| !ids.contains(&k.id)));
    }
}

/// Result of refresh.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefreshResult {
    /// The refresh token (value and metadata).
    pub refresh_token: LoginToken,
    /// The new active token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_token: Option<LoginToken>,
}

/// Result of a call answered with HTTP 202.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceptedResult {
    /// How long the result is kept.
    pub ttl_mins: i64,
    /// Polls so far.
    pub retry_counter: i64,
    /// Full URL of the poll endpoint.
    pub location: String,
}

/// One validation failure (spec 2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorField {
    /// One of the OAS codes, e.g. `DoesNotMatchPattern`.
    pub code: String,
    /// Human text.
    pub detail: String,
    /// JSON pointer into the request body.
    pub source: String,
    /// JSON pointer into the schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// `result` of a `ValidationError` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationErrors {
    /// The failures, at least one.
    pub errors: Vec<ErrorField>,
}

/// The response envelope every call answers with (spec 2.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// `prq_…`.
    pub request_id: String,
    /// When the request arrived.
    pub request_time: String,
    /// When the response was produced.
    pub response_time: String,
    /// Machine-readable outcome (`Success`, `ValidationError` …).
    pub status: String,
    /// Human text; never parsed.
    pub summary: String,
    /// Endpoint result, error details, or null.
    pub result: Option<T>,
}

/// The `status` string of a successful call.
pub const STATUS_SUCCESS: &str = "Success";
/// The `status` string of a queued call.
pub const STATUS_ACCEPTED: &str = "Accepted";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_take_any_fraction_length_and_offset() {
        let ns = |s: &str| parse_timestamp(s).map(Timestamp::as_nanosecond);
        let base = ns("2025-06-02T09:30:00Z").unwrap();
        assert_eq!(ns("2025-06-02T09:30:00.5Z").unwrap(), base + 500_000_000);
        assert_eq!(
            ns("2025-06-02T09:30:00.123456789Z").unwrap(),
            base + 123_456_789
        );
        assert_eq!(
            ns("2025-06-02T09:30:00.123456789987654Z").unwrap(),
            base + 123_456_789
        );
        assert_eq!(
            ns("2025-06-02T15:00:00.1234567891+05:30").unwrap(),
            base + 123_456_789
        );
        assert!(parse_timestamp("2025-06-02T09:30:00.1234567891").is_err());
        assert!(parse_timestamp("2025-06-02T09:30:00.Z").is_err());
        assert!(parse_timestamp("2025-13-45T09:30:00Z").is_err());
    }

    #[test]
    fn the_api_form_reads_as_the_general_parser_reads_it() {
        let mut texts: Vec<String> = [
            "2025-06-02T09:30:00Z",
            "2025-06-02T09:30:00.5Z",
            "2024-02-29T23:59:59.999999999Z",
            "2025-02-29T00:00:00Z",
            "2025-04-31T00:00:00Z",
            "2025-06-02T24:00:00Z",
            "2025-06-02T09:60:00Z",
            "2016-12-31T23:59:60Z",
            "2025-06-02T09:30:00.Z",
            "2025-06-02t09:30:00z",
            "2025-06-02T09:30:00+00:00",
            "+2025-06-02T09:30:00Z",
            "2025-6-02T09:30:00.00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999Z",
        ]
        .map(String::from)
        .to_vec();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let micros =
                i64::try_from(x % 400_000_000_000_000_000).unwrap() - 62_000_000_000_000_000;
            if let Ok(t) = Timestamp::from_microsecond(micros / 1000 * 1000 + micros % 7) {
                texts.push(t.to_string());
                texts.push(format!("{t:.6}"));
            }
        }
        for text in &texts {
            let general = text.parse::<Timestamp>().ok();
            if let Some(fast) = utc(text) {
                assert_eq!(Some(fast), general, "{text}");
            }
            assert_eq!(parse_timestamp(text).ok(), general, "{text}");
        }
    }
}
