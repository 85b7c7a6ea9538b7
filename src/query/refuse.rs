//! Words the language cannot mean, refused rather than guessed: a near miss of a field
//! or local term, `field:value`, boolean words, and local terms that contradict each
//! other or name no country. Each would otherwise run as a bare email search or a
//! filter that can never match, which a script would take for "nothing found".

use super::error::{QueryError, shown};
use super::fields::{self, FIELDS, ValueKind, profile_name};
use super::lexer::{Spanned, Term};
use super::local::{LocalTerm, TextTest};
use std::ops::Range;

/// ISO 3166-1 alpha-2 codes, officially assigned.
const COUNTRY_CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ \
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK \
DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW \
GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB \
LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC \
NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC \
SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ \
UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Whether `code` (any case) is an assigned ISO 3166-1 alpha-2 code.
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2
        && COUNTRY_CODES
            .split(' ')
            .any(|c| c.eq_ignore_ascii_case(code))
}

/// Words that read as logic in other query languages.
const LOGIC_WORDS: [&str; 5] = ["OR", "AND", "NOT", "||", "&&"];

/// Refuses a bare word that cannot mean an email search: `OR`, `email:acme`, `vnp`.
pub(crate) fn bare_word(input: &str, spanned: &Spanned) -> Result<(), QueryError> {
    let Term::Bare { items } = &spanned.term else {
        return Ok(());
    };
    let [item] = &items[..] else {
        return Ok(());
    };
    let typed = &input[item.span.clone()];
    // A quoted word is always a word to search for.
    if typed.starts_with('"') {
        return Ok(());
    }
    let span = item.span.clone();
    let quote_hint = format!("to search emails for it, quote it: \"{}\"", shown(typed));
    if let Some(word) = LOGIC_WORDS.iter().find(|w| **w == typed) {
        let how = if *word == "OR" || *word == "||" {
            "to match any of several values use one list, e.g. email=a@x.io,b@x.io or country=FR,DE"
        } else if *word == "NOT" {
            "the API has no negative conditions except !profile.Name?"
        } else {
            "terms separated by spaces must all hold already: leave it out"
        };
        return Err(QueryError::new(
            span,
            format!("`{word}` is not an operator: every term must hold; {how}; {quote_hint}"),
        ));
    }
    if let Some(colon) = typed.find(':') {
        let key = &typed[..colon];
        if let Some(name) = field_named(key) {
            let value = shown(&typed[colon + 1..]);
            let at = span.start + colon;
            return Err(QueryError::new(
                at..at + 1,
                format!(
                    "`:` is not an operator: write {name}={value} (equals) or {name}~{value} (contains)"
                ),
            ));
        }
    }
    if let Some(near) = near_miss(typed) {
        return Err(QueryError::new(
            span,
            format!(
                "`{}` is not a term; did you mean `{near}`? {quote_hint}",
                shown(typed)
            ),
        ));
    }
    Ok(())
}

/// The field `key` names or nearly names (a typo), as it should be written.
fn field_named(key: &str) -> Option<String> {
    if key.is_empty() {
        return None;
    }
    if let Some(info) = fields::lookup(key) {
        return Some(info.name.to_string());
    }
    if profile_name(key).is_some() {
        // Shown as typed, but never a raw control character.
        return Some(shown(key));
    }
    // A short key is as likely a word as a typo (`a:b`).
    (key.chars().count() >= 3)
        .then(|| fields::suggest(key))
        .flatten()
        .map(ToString::to_string)
}

/// The local term a bare word is a typo of. Only the words that are terms on their own
/// (`vpn`, `proxy`, `embargo`, `breached`) count: a field name needs an operator, so a
/// bare `gmail` is the email fragment it looks like, not a typo of `email`. Short words
/// and words with characters no term has (`@`, `.`, digits) are never typos.
fn near_miss(word: &str) -> Option<&'static str> {
    if word.chars().count() < 3 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if fields::lookup(word).is_some() {
        return None;
    }
    let bare_terms = FIELDS
        .iter()
        .filter(|f| f.kind == ValueKind::Flag)
        .flat_map(super::fields::FieldInfo::names);
    fields::closest(word, bare_terms)
}

/// Refuses a value the term cannot match: a two-letter country that no country has.
pub(crate) fn local_value(term: &LocalTerm, span: &Range<usize>) -> Result<(), QueryError> {
    if let LocalTerm::Country(TextTest::Equals(values)) = term
        && let Some(bad) = values.iter().find(|v| {
            v.len() == 2 && v.chars().all(|c| c.is_ascii_alphabetic()) && !is_country_code(v)
        })
    {
        return Err(QueryError::new(
            span.clone(),
            format!(
                "unknown country code `{}` in `country`: expected an ISO 3166 code such as FR, DE or US, or a country name",
                shown(bad)
            ),
        ));
    }
    Ok(())
}

/// Refuses a local term that contradicts an earlier one, so the query could match nothing.
pub(crate) fn local_conflict(
    earlier: &[LocalTerm],
    term: &LocalTerm,
    span: &Range<usize>,
) -> Result<(), QueryError> {
    let clash = earlier.iter().find(|e| match (*e, term) {
        (LocalTerm::Flag(a, x), LocalTerm::Flag(b, y)) => a == b && x != y,
        (LocalTerm::Risk(a), LocalTerm::Risk(b)) => !a.iter().any(|v| b.contains(v)),
        (LocalTerm::Country(TextTest::Equals(a)), LocalTerm::Country(TextTest::Equals(b)))
        | (LocalTerm::City(TextTest::Equals(a)), LocalTerm::City(TextTest::Equals(b))) => !a
            .iter()
            .any(|x| b.iter().any(|y| x.eq_ignore_ascii_case(y))),
        _ => false,
    });
    match clash {
        None => Ok(()),
        Some(e) => Err(QueryError::new(
            span.clone(),
            format!(
                "`{term}` contradicts the earlier `{e}`: every term must hold, so nothing could match; keep one"
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_known_and_unknown() {
        assert!(is_country_code("FR") && is_country_code("de") && is_country_code("ZW"));
        assert!(!is_country_code("XX") && !is_country_code("UK") && !is_country_code("FRA"));
    }

    #[test]
    fn near_misses_are_typos_of_names_not_email_fragments() {
        assert_eq!(near_miss("vnp"), Some("vpn"));
        assert_eq!(near_miss("porxy"), Some("proxy"));
        assert_eq!(near_miss("breahced"), Some("breached"));
        for word in [
            "acme", "alice", "vpn", "email", "gmail", "mail", "bob", "io", "a.b", "x1y", "proxies",
        ] {
            assert_eq!(near_miss(word), None, "{word}");
        }
    }

    #[test]
    fn each_mistake_is_refused_with_how_to_write_it() {
        let now = crate::authn::model::Timestamp::UNIX_EPOCH;
        let cases: &[(&str, &str, &str)] = &[
            ("vnp", "vnp", "did you mean `vpn`?"),
            ("email:acme", ":", "write email=acme (equals) or email~acme"),
            ("emial:acme", ":", "write email=acme"),
            ("email~a OR email~b", "OR", "`OR` is not an operator"),
            (
                "vpn=true vpn=false",
                "vpn=false",
                "contradicts the earlier `vpn`",
            ),
            ("vpn !x", "!x", "`!` only negates"),
            (
                "country=XX",
                "country=XX",
                "unknown country code `XX` in `country`",
            ),
            (
                "country=FR country=DE",
                "country=DE",
                "contradicts the earlier `country=FR`",
            ),
            ("risk=malicious risk=benign", "risk=benign", "contradicts"),
        ];
        for (q, under, says) in cases {
            let e = super::super::compile_query(q, now).unwrap_err();
            assert_eq!(&q[e.span.clone()], *under, "{q}: {}", e.message);
            assert!(e.message.contains(says), "{q}: {}", e.message);
        }
        for q in [
            "\"vnp\"",
            "gmail",
            "\"OR\"",
            "or",
            "a:b",
            "country=FR,XX country=FR",
            "country=France",
            "vpn vpn=true",
            "risk=malicious,benign risk=benign",
        ] {
            let r = super::super::compile_query(q, now);
            if q == "country=FR,XX country=FR" {
                assert!(r.is_err(), "{q}");
            } else {
                assert!(r.is_ok(), "{q}: {r:?}");
            }
        }
    }
}
