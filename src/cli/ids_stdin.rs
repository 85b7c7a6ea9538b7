//! `sessions invalidate -`: session ids from standard input.

use super::exit::CliError;
use std::io::{BufRead, IsTerminal};

/// The ids in `input`, one per line; blank lines and `#` comments are skipped. No id at
/// all is a usage error, so an empty pipe never turns into a silent no-op.
pub fn read(input: impl BufRead) -> Result<Vec<String>, CliError> {
    let mut ids = Vec::new();
    for line in input.lines() {
        let line = line.map_err(|e| {
            CliError::usage(format!(
                "reading session ids from standard input: {e} (nothing was sent)"
            ))
        })?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        ids.push(line.to_string());
    }
    if ids.is_empty() {
        return Err(CliError::usage(
            "no session ids on standard input (nothing was sent)".to_string(),
        ));
    }
    Ok(ids)
}

/// `ids` with a lone `-` replaced by the ids read from standard input.
pub fn expand(ids: Vec<String>) -> Result<Vec<String>, CliError> {
    if ids.iter().any(|id| id == "-") {
        if ids.len() > 1 {
            return Err(CliError::usage(
                "`-` reads every session id from standard input: give no other ids with it"
                    .to_string(),
            ));
        }
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            crate::output::diag("authtop: reading session ids, one a line; end with Ctrl-D");
        }
        return read(stdin.lock());
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let ids = read("pmt_a\n\n  # old ones\npmt_b  \r\n".as_bytes()).unwrap();
        assert_eq!(ids, ["pmt_a", "pmt_b"]);
        assert_eq!(
            read("\n# none\n".as_bytes()).unwrap_err().exit,
            super::super::Exit::Usage
        );
    }
}
