//! Time values: RFC 3339 datetimes, plain dates and `now±duration`.

use crate::authn::model::Timestamp;
use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

/// The accepted forms, for error messages.
pub(crate) const FORMS: &str = "expected 2025-06-01T12:00:00Z (RFC 3339, any offset), 2025-06-01 (midnight UTC), now, or now-2h / now+30m / now-1h30m (units s m h d w)";

/// The instant `text` names, or why it names none.
pub(crate) fn parse(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    if let Some(rest) = text.strip_prefix("now") {
        return relative(rest, now);
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    if is_plain_date(text) {
        return text
            .parse::<Date>()
            .ok()
            .and_then(|d| {
                TimeZone::UTC
                    .to_timestamp(d.to_datetime(Time::midnight()))
                    .ok()
            })
            .ok_or_else(|| format!("no such date; {FORMS}"));
    }
    if text.parse::<DateTime>().is_ok() {
        return Err("missing time zone: add Z for UTC or an offset like +02:00".into());
    }
    Err(FORMS.into())
}

/// `YYYY-MM-DD` in shape (the calendar check comes after).
fn is_plain_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// `now` shifted by `rest`, which is empty or a sign followed by amounts with units.
fn relative(rest: &str, now: Timestamp) -> Result<Timestamp, String> {
    let sign = match rest.chars().next() {
        None => return Ok(now),
        Some('+') => 1,
        Some('-') => -1,
        Some(_) => return Err(format!("after `now` expected + or -; {FORMS}")),
    };
    let amounts = &rest[1..];
    if amounts.is_empty() {
        return Err(format!(
            "missing duration after `now{}`; {FORMS}",
            &rest[..1]
        ));
    }
    let too_far = || "time out of range".to_string();
    let mut total: i64 = 0;
    let mut number: Option<i64> = None;
    for c in amounts.chars() {
        if let Some(digit) = c.to_digit(10) {
            let n = number.unwrap_or(0);
            number = Some(
                n.checked_mul(10)
                    .and_then(|n| n.checked_add(i64::from(digit)))
                    .ok_or_else(too_far)?,
            );
            continue;
        }
        let unit: i64 = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(format!("unknown unit `{}`; {FORMS}", c.escape_debug())),
        };
        let n = number
            .take()
            .ok_or_else(|| format!("missing number before `{c}`; {FORMS}"))?;
        total = n
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(too_far)?;
    }
    if number.is_some() {
        return Err(format!("missing unit after the last number; {FORMS}"));
    }
    now.checked_add(SignedDuration::from_secs(sign * total))
        .map_err(|_| too_far())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2025-06-10T12:00:00Z".parse().unwrap()
    }

    fn ok(text: &str) -> String {
        parse(text, now()).unwrap().to_string()
    }

    #[test]
    fn absolute_forms() {
        assert_eq!(ok("2025-06-01T00:00:00Z"), "2025-06-01T00:00:00Z");
        assert_eq!(ok("2025-06-01T02:00:00+02:00"), "2025-06-01T00:00:00Z");
        assert_eq!(ok("2025-06-01T00:00:00.250Z"), "2025-06-01T00:00:00.25Z");
        assert_eq!(ok("2025-06-01"), "2025-06-01T00:00:00Z");
        assert_eq!(ok("2024-02-29"), "2024-02-29T00:00:00Z");
    }

    #[test]
    fn relative_forms() {
        assert_eq!(ok("now"), "2025-06-10T12:00:00Z");
        assert_eq!(ok("now-2h"), "2025-06-10T10:00:00Z");
        assert_eq!(ok("now+30m"), "2025-06-10T12:30:00Z");
        assert_eq!(ok("now-1d"), "2025-06-09T12:00:00Z");
        assert_eq!(ok("now-1w"), "2025-06-03T12:00:00Z");
        assert_eq!(ok("now-90s"), "2025-06-10T11:58:30Z");
        assert_eq!(ok("now-1h30m"), "2025-06-10T10:30:00Z");
        assert_eq!(ok("now+1d2h3m4s"), "2025-06-11T14:03:04Z");
    }

    #[test]
    fn bad_forms_say_why() {
        let err = |t: &str| parse(t, now()).unwrap_err();
        assert!(err("2025-02-30").starts_with("no such date"));
        assert!(err("2025-06-01T00:00:00").starts_with("missing time zone"));
        assert!(err("yesterday").contains("RFC 3339"));
        assert!(err("now-").starts_with("missing duration"));
        assert!(err("now*2h").starts_with("after `now`"));
        assert!(err("now-2").starts_with("missing unit"));
        assert!(err("now-2y").starts_with("unknown unit `y`"));
        assert!(err("now-h").starts_with("missing number"));
        assert_eq!(err("now-99999999999999999999s"), "time out of range");
        assert_eq!(err("now+9999999999w"), "time out of range");
        assert_eq!(err("now+999999999999999w"), "time out of range");
    }
}
