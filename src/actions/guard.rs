//! The blast radius of a bulk action: a blank query never means "everything", and `--max`
//! bounds the count. A query that matches every session is refused by its count, not its
//! text (`results::Snapshot::matches_everything`).

/// A bulk action refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The query is empty or only spaces (an unset variable, most often).
    #[error(
        "the query is blank, and a blank query never means every session (nothing was sent); to act on every session of the project, pass --all"
    )]
    BlankQuery,
    /// More targets than the caller allowed.
    #[error(
        "{matched} sessions match, more than --max {max} allows (nothing was sent); narrow the query or raise --max"
    )]
    TooMany {
        /// Targets found.
        matched: usize,
        /// The bound.
        max: usize,
    },
}

/// Refuses more than `max` targets.
pub fn max(matched: usize, max: Option<usize>) -> Result<(), Refused> {
    match max {
        Some(max) if matched > max => Err(Refused::TooMany { matched, max }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_refuses_only_above_the_bound() {
        assert_eq!(max(5, Some(5)), Ok(()));
        assert_eq!(max(6, None), Ok(()));
        assert_eq!(
            max(6, Some(5)),
            Err(Refused::TooMany { matched: 6, max: 5 })
        );
        assert!(Refused::BlankQuery.to_string().contains("--all"));
    }
}
