//! The closing line of a session list on a terminal: how many, or that there are none.

use crate::output::print_quietly;

pub use crate::number::thousands_usize as thousands;

/// The words for `rows` sessions listed; `more` when further pages exist.
pub fn line(rows: usize, more: bool) -> String {
    match (rows, more) {
        (0, _) => "No sessions match.".to_string(),
        (1, false) => "1 session".to_string(),
        (n, false) => format!("{} sessions", thousands(n)),
        (n, true) => format!("{} sessions on this page; more follow", thousands(n)),
    }
}

/// Prints [`line`] on stdout, which the caller has found to be a terminal.
pub fn print(rows: usize, more: bool) {
    print_quietly(&format!("{}\n", line(rows, more)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_words() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(line(0, false), "No sessions match.");
        assert_eq!(line(1, false), "1 session");
        assert_eq!(line(50, true), "50 sessions on this page; more follow");
    }
}
