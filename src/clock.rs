//! Time arithmetic and the relative times the TUI and the CLI show ("9m ago", "in 2d").
//! One formatter for both, so a time reads the same on the screen and in a script's output.

pub use crate::authn::human::{rounded, short};
use crate::authn::model::Timestamp;

/// `ts` moved by `ms` milliseconds (saturating at the representable range).
pub fn shift(ts: Timestamp, ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ts.as_millisecond().saturating_add(ms)).unwrap_or(ts)
}

/// Milliseconds from `from` to `to` (negative when `to` is earlier).
pub fn millis(from: Timestamp, to: Timestamp) -> i64 {
    to.as_millisecond().saturating_sub(from.as_millisecond())
}

/// A duration in one unit, rounded to the nearest: `45s`, `9m`, `3h`, `2d`, `4y`; at most
/// five cells, so a table column sized for it never cuts it.
pub fn coarse(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let round = |unit: u64| (s + unit / 2) / unit;
    if s < 60 {
        format!("{s}s")
    } else if round(60) < 60 {
        format!("{}m", round(60))
    } else if round(3600) < 24 {
        format!("{}h", round(3600))
    } else if round(86_400) < 365 {
        format!("{}d", round(86_400))
    } else if round(31_536_000) < 1000 {
        format!("{}y", round(31_536_000))
    } else {
        ">999y".to_string()
    }
}

/// How long ago `t` was: `3h 5m ago` (or `in 2m` for a time still ahead).
pub fn ago(t: Timestamp, now: Timestamp) -> String {
    ago_in(t, now, short)
}

/// [`ago`] in one unit, for table cells and CLI columns: `9m ago`, `in 2d`, `now`.
///
/// Rounding rule: to the nearest unit ([`coarse`]), so 1h40m ago reads `2h ago` and
/// 59m40s ago reads `1h ago`; under a minute, whole seconds.
pub fn ago_coarse(t: Timestamp, now: Timestamp) -> String {
    ago_in(t, now, coarse)
}

fn ago_in(t: Timestamp, now: Timestamp, unit: fn(i64) -> String) -> String {
    let secs = millis(t, now) / 1000;
    match secs {
        0 => "now".to_string(),
        ..0 => format!("in {}", unit(secs)),
        _ => format!("{} ago", unit(secs)),
    }
}

/// How long until `t`: `in 4d 2h`, or `expired` once it has passed.
pub fn until(t: Timestamp, now: Timestamp) -> String {
    until_in(t, now, short)
}

/// [`until`] in one unit, for table cells: `in 23h`, `in 45s`, `now`, `expired`.
pub fn until_coarse(t: Timestamp, now: Timestamp) -> String {
    until_in(t, now, coarse)
}

fn until_in(t: Timestamp, now: Timestamp, unit: fn(i64) -> String) -> String {
    let ms = millis(now, t);
    match ms / 1000 {
        _ if ms <= 0 => "expired".to_string(),
        0 => "now".to_string(),
        secs => format!("in {}", unit(secs)),
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
    fn waits_print_rounded() {
        use std::time::Duration;
        assert_eq!(rounded(Duration::from_nanos(4_995_646_577)), "5s");
        assert_eq!(rounded(Duration::from_millis(4_540)), "4.5s");
        assert_eq!(rounded(Duration::from_millis(986)), "986ms");
        assert_eq!(rounded(Duration::from_millis(30_400)), "30s");
        assert_eq!(rounded(Duration::from_secs(150)), "2m 30s");
    }

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

    #[test]
    fn coarse_times_use_one_rounded_unit_and_fit_nine_cells() {
        let now: Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let ago = |secs: i64| ago_coarse(shift(now, -secs * 1000), now);
        let until = |secs: i64| until_coarse(shift(now, secs * 1000), now);
        assert_eq!(ago(8 * 60 + 57), "9m ago");
        assert_eq!(ago(47 * 60 + 20), "47m ago");
        assert_eq!(
            ago(59 * 60 + 40),
            "1h ago",
            "rounding carries into the next unit"
        );
        assert_eq!(ago(3 * 3600 + 100), "3h ago");
        assert_eq!(
            ago(3600 + 40 * 60),
            "2h ago",
            "1h40m rounds to the nearest hour"
        );
        assert_eq!(ago(3600 + 20 * 60), "1h ago");
        assert_eq!(ago(2 * 86_400 + 3600), "2d ago");
        assert_eq!(ago(0), "now");
        assert_eq!(ago(-30), "in 30s", "a creation time ahead of the clock");
        assert_eq!(until(23 * 3600 + 2 * 60), "in 23h");
        assert_eq!(until(6 * 86_400 + 3600), "in 6d");
        assert_eq!(until(53 * 60 + 10), "in 53m");
        assert_eq!(until(45), "in 45s");
        assert_eq!(until(-1), "expired");
        assert_eq!(until_coarse(shift(now, 400), now), "now");
        let far = Timestamp::MAX;
        let past = Timestamp::MIN;
        for s in [
            until_coarse(far, past),
            ago_coarse(past, far),
            ago_coarse(shift(now, -400 * 86_400_000), now),
        ] {
            assert!(s.chars().count() <= 9, "{s}");
        }
    }
}
