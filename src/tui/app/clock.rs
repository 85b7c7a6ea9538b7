//! Time arithmetic and the short relative times the screens show.

use crate::authn::model::Timestamp;

/// `ts` moved by `ms` milliseconds (saturating at the representable range).
pub fn shift(ts: Timestamp, ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ts.as_millisecond().saturating_add(ms)).unwrap_or(ts)
}

/// Milliseconds from `from` to `to` (negative when `to` is earlier).
pub fn millis(from: Timestamp, to: Timestamp) -> i64 {
    to.as_millisecond().saturating_sub(from.as_millisecond())
}

/// A duration in at most two units: `45s`, `12m`, `3h 5m`, `4d 2h`.
pub fn short(secs: i64) -> String {
    let s = secs.unsigned_abs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {}s", s / 60, s % 60)
            .trim_end_matches(" 0s")
            .to_string(),
        3600..86_400 => format!("{}h {}m", s / 3600, (s % 3600) / 60)
            .trim_end_matches(" 0m")
            .to_string(),
        _ => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600)
            .trim_end_matches(" 0h")
            .to_string(),
    }
}

/// How long ago `t` was: `3h 5m ago` (or `in 2m` for a time still ahead).
pub fn ago(t: Timestamp, now: Timestamp) -> String {
    let secs = millis(t, now) / 1000;
    if secs < 0 {
        format!("in {}", short(secs))
    } else {
        format!("{} ago", short(secs))
    }
}

/// How long until `t`: `in 4d 2h`, or `expired` once it has passed.
pub fn until(t: Timestamp, now: Timestamp) -> String {
    let secs = millis(now, t) / 1000;
    if secs <= 0 {
        "expired".to_string()
    } else {
        format!("in {}", short(secs))
    }
}

/// An instant as RFC 3339 to the second.
pub fn absolute(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_two_units_at_most() {
        assert_eq!(short(45), "45s");
        assert_eq!(short(120), "2m");
        assert_eq!(short(125), "2m 5s");
        assert_eq!(short(3 * 3600 + 300), "3h 5m");
        assert_eq!(short(4 * 86_400 + 7200 + 59), "4d 2h");
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        assert_eq!(until(shift(now, -1000), now), "expired");
        assert_eq!(ago(shift(now, -90_000), now), "1m 30s ago");
    }
}
