//! The one duration syntax of every flag and config value.
//!
//! jiff's friendly format (`30s`, `1h30m`, `2 minutes`, `7d`, `250ms`), where a day is
//! 24 hours, plus a bare number meaning seconds. Weeks and longer are refused: they are
//! calendar units with no fixed length.

use std::time::Duration;

/// Parses a duration of zero or more.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let bad = |why: String| format!("`{t}` is not a duration like 30s, 1h30m or 250ms: {why}");
    if t.is_empty() {
        return Err(bad("it is empty".into()));
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = t.parse().map_err(|_| bad("too large".into()))?;
        return Ok(Duration::from_secs(secs));
    }
    let span: jiff::Span = t.parse().map_err(|e: jiff::Error| bad(e.to_string()))?;
    if span.get_weeks() != 0 || span.get_months() != 0 || span.get_years() != 0 {
        return Err(bad(
            "weeks, months and years have no fixed length; use days".into(),
        ));
    }
    let signed = span
        .to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map_err(|e| bad(e.to_string()))?;
    Duration::try_from(signed).map_err(|_| format!("`{t}` must not be negative"))
}

/// Parses a duration greater than zero.
pub fn parse_positive(text: &str) -> Result<Duration, String> {
    match parse_duration(text)? {
        d if d.is_zero() => Err(format!("`{}` must be more than zero", text.trim())),
        d => Ok(d),
    }
}

/// Parses an interval where `off` or zero means "never".
pub fn parse_interval(text: &str) -> Result<Option<Duration>, String> {
    if text.trim().eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    parse_duration(text).map(|d| (!d.is_zero()).then_some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_syntax_for_every_duration() {
        let ok = [
            ("30s", 30_000),
            ("2m", 120_000),
            ("1h30m", 5_400_000),
            ("1h 30m", 5_400_000),
            ("250ms", 250),
            ("0ms", 0),
            ("7d", 7 * 86_400_000),
            ("48h", 48 * 3_600_000),
            ("90", 90_000),
            ("2 minutes", 120_000),
        ];
        for (text, ms) in ok {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_millis(ms)),
                "{text}"
            );
        }
        for bad in ["soon", "", "-5s", "2w", "1 month", "ms"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert!(parse_positive("0s").is_err());
        assert_eq!(parse_positive("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_interval("off"), Ok(None));
        assert_eq!(parse_interval("0"), Ok(None));
        assert_eq!(parse_interval("1m"), Ok(Some(Duration::from_secs(60))));
    }
}
