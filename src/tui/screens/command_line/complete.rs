//! Tab completion: query field names and operators from the query catalogue, and the
//! command line's commands and profile names. Pure.

use crate::query::FIELDS;

/// What completing a word gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// Nothing starts that way.
    None,
    /// The word becomes this (one match, or the longest shared start of several).
    Extend(String),
    /// Several matches and no longer shared start: list them.
    Choices(Vec<String>),
}

/// Completes `word` from `candidates` (case-insensitive prefix).
pub fn among<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Completion {
    let lower = word.to_ascii_lowercase();
    let mut found: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.to_ascii_lowercase().starts_with(&lower))
        .map(str::to_string)
        .collect();
    found.sort();
    found.dedup();
    match found.len() {
        0 => Completion::None,
        1 => Completion::Extend(found.remove(0)),
        _ => {
            let shared = shared_prefix(&found);
            if shared.chars().count() > word.chars().count() {
                Completion::Extend(shared)
            } else {
                Completion::Choices(found)
            }
        }
    }
}

fn shared_prefix(words: &[String]) -> String {
    let Some(first) = words.first() else {
        return String::new();
    };
    let mut len = first.len();
    for w in &words[1..] {
        len = first
            .char_indices()
            .zip(w.chars())
            .take_while(|((_, a), b)| a == b)
            .map(|((i, a), _)| i + a.len_utf8())
            .last()
            .unwrap_or(0)
            .min(len);
    }
    first[..len].to_string()
}

/// Completes the last word of a query: a field name (with its aliases) while no operator
/// is typed, then that field's operators once the whole name is there.
pub fn query_word(word: &str) -> Completion {
    if word.contains(['=', '~', '<', '>', '?']) {
        return Completion::None;
    }
    // `-email…` negates; the dash stays in front.
    let (neg, bare) = match word.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", word),
    };
    if let Some(field) = FIELDS.iter().find(|f| f.name.eq_ignore_ascii_case(bare))
        && !bare.is_empty()
    {
        let ops: Vec<String> = field
            .ops
            .iter()
            .map(|op| format!("{neg}{}{}", field.name, op.syntax()))
            .collect();
        return match ops.len() {
            0 => Completion::None,
            1 => Completion::Extend(ops[0].clone()),
            _ => Completion::Choices(ops),
        };
    }
    let names = FIELDS.iter().flat_map(crate::query::FieldInfo::names);
    match among(bare, names) {
        Completion::Extend(w) => Completion::Extend(format!("{neg}{w}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_match_extends_several_list_or_share_a_start() {
        assert_eq!(
            among("pro", ["profile", "project", "zeta"]),
            Completion::Choices(vec!["profile".into(), "project".into()])
        );
        assert_eq!(
            among("z", ["profile", "zeta"]),
            Completion::Extend("zeta".into())
        );
        assert_eq!(
            among("prof", ["profile", "profiles"]),
            Completion::Extend("profile".into())
        );
        assert_eq!(among("x", ["profile"]), Completion::None);
    }
}
