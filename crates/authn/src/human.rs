//! Durations as a person reads them, for the waits and limits errors mention. The
//! terminal fronts show times with the same words, so they use these too.

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

/// A wait or a limit as a person reads it: `850ms`, `5s`, `4.5s`, `2m 30s`. Under ten
/// seconds to a tenth, above to the second, never `4.995646577s`.
pub fn rounded(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        return format!("{ms}ms");
    }
    if ms < 10_000 {
        let tenths = (ms + 50) / 100;
        return if tenths.is_multiple_of(10) {
            format!("{}s", tenths / 10)
        } else {
            format!("{}.{}s", tenths / 10, tenths % 10)
        };
    }
    short(i64::try_from((ms + 500) / 1000).unwrap_or(i64::MAX))
}
