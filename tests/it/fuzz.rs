//! Property tests of the decoding every call runs on an answer (`authn::decode`): arbitrary
//! bytes, arbitrary JSON, envelopes with arbitrary values in every position, and mutated
//! spec fixtures. Nothing may panic; every outcome is a result or a classified error that
//! carries no token and nothing unsafe once cleaned for a terminal.
//!
//! 500 cases per property by default; `PROPTEST_CASES=200000` for a long run (see
//! docs/reliability.md).

use authtop::authn::decode::{self, Raw, SNIPPET_BYTES};
use authtop::authn::model::{RefreshResult, SessionListResult, TokenInfo};
use authtop::authn::redact::{REDACTED, Redactor};
use authtop::authn::{Error, Secret};
use authtop::sanitize;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use std::sync::OnceLock;

const SERVICE: &str = "pts_rutd5xfk2uj4fl3fcmceh26ecb7opuoj";
const USER: &str = "ptu_ayw3wncl4z4nf5pmsb7xzwbw6zc5fqv5";
const REFRESH: &str = "ptr_qjjksb5mrmddagqz2h3aafkgbs6agqef";
const TOKENS: [&str; 3] = [SERVICE, USER, REFRESH];

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

fn redactor() -> Redactor {
    let secrets: Vec<Secret> = TOKENS.iter().map(|t| Secret::new(*t)).collect();
    Redactor::new(&secrets)
}

/// What a user could be shown: no token value and nothing unsafe for a terminal once
/// cleaned. (A server may send a near-copy of a token, which is not the token; pieces of
/// real tokens at a snippet's cut are checked in [`check_error`].)
fn assert_shows_nothing_secret(text: &str) -> Result<(), TestCaseError> {
    for t in TOKENS {
        prop_assert!(!text.contains(t), "token in {:?}", text);
    }
    prop_assert!(!sanitize::clean(text).chars().any(sanitize::is_unsafe));
    Ok(())
}

fn check_error(e: &Error, status: u16, cut: bool) -> Result<(), TestCaseError> {
    assert_shows_nothing_secret(&e.to_string())?;
    assert_shows_nothing_secret(&format!("{e:?}"))?;
    match e {
        Error::Decode {
            http_status,
            snippet,
            ..
        } => {
            prop_assert_eq!(*http_status, status);
            prop_assert!(snippet.len() <= SNIPPET_BYTES + REDACTED.len());
            // A cut through a token must not leave its start behind.
            for t in TOKENS.iter().filter(|_| cut) {
                for k in 5..=t.len() {
                    prop_assert!(
                        !snippet.ends_with(&t[..k]),
                        "fragment at the cut: {:?}",
                        snippet
                    );
                }
            }
        }
        Error::Api(a) => prop_assert_eq!(a.http_status, status),
        other => prop_assert!(false, "decoding produced {:?}", other),
    }
    Ok(())
}

/// Runs an answer through the same steps a call does, for each kind of endpoint result,
/// and checks every outcome.
fn check(status: u16, header_id: Option<&str>, body: Vec<u8>) -> Result<(), TestCaseError> {
    let raw = Raw {
        status,
        request_id: header_id.map(str::to_string),
        retry_after: None,
        body,
    };
    let red = redactor();
    // Whether a snippet of this body is cut short (else it may end as the body ends).
    let cut = red.scrub(&String::from_utf8_lossy(&raw.body)).len() > SNIPPET_BYTES;
    let env = match decode::envelope(&raw, &red) {
        Ok(env) => env,
        Err(e) => {
            prop_assert!(matches!(e, Error::Decode { .. }), "{:?}", e);
            return check_error(&e, status, cut);
        }
    };
    if decode::is_accepted(&raw, &env) {
        // Queued: the client polls; nothing else is decoded from this answer.
        return Ok(());
    }
    let success = env.status == "Success";
    let outcomes: [Result<String, Error>; 4] = [
        finish(&raw, &env, &red, decode::typed::<SessionListResult>),
        finish(&raw, &env, &red, decode::typed::<RefreshResult>),
        finish(&raw, &env, &red, decode::typed::<TokenInfo>),
        finish(&raw, &env, &red, decode::empty),
    ];
    for outcome in outcomes {
        match outcome {
            Ok(shown) => {
                prop_assert!(success && (200..300).contains(&status));
                for t in TOKENS {
                    prop_assert!(!shown.contains(t), "token in {:?}", shown);
                }
            }
            Err(e) => {
                check_error(&e, status, cut)?;
                if !success {
                    prop_assert!(matches!(e, Error::Api(_)), "{:?}", e);
                } else if !(200..300).contains(&status) {
                    prop_assert!(
                        matches!(&e, Error::Decode { reason, .. } if reason.contains("status Success with HTTP")),
                        "{:?}",
                        e
                    );
                }
            }
        }
    }
    Ok(())
}

/// One decoder's outcome; on success, the identifying strings a caller shows.
fn finish<T>(
    raw: &Raw,
    env: &decode::RawEnvelope,
    red: &Redactor,
    decoder: decode::ResultDecoder<T>,
) -> Result<String, Error> {
    decode::finish(raw, env.clone(), red, decoder, 1)
        .map(|r| format!("{} {}", r.request_id, r.summary))
}

// ---------------------------------------------------------------- strategies

fn http_status() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), Just(202), Just(400), Just(500), 100u16..600]
}

fn header_id() -> impl Strategy<Value = Option<String>> {
    prop_oneof![Just(None), Just(Some("prq_hdr".to_string()))]
}

/// Strings a server might send: ordinary text, controls and escapes, token echoes.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "\\PC{0,24}",
        1 => any::<String>(),
        1 => "[\\x00-\\x1f\\x7f-\\x9f\\u{202a}-\\u{202e}]{0,6}",
        1 => prop::sample::select(TOKENS.to_vec()).prop_map(str::to_string),
        1 => ("\\PC{0,6}", prop::sample::select(TOKENS.to_vec()), "\\PC{0,6}")
            .prop_map(|(a, t, b)| format!("{a}{t}{b}")),
        1 => prop::sample::select(vec![
            "2025-06-02T09:30:00Z", "2025-06-02T09:30:00.123456789123Z",
            "2025-06-02T09:30:00+05:30", "2025-13-45T09:30:00Z", "2025-06-02T09:30:00",
        ]).prop_map(str::to_string),
    ]
}

const KEYS: &[&str] = &[
    "request_id",
    "request_time",
    "response_time",
    "status",
    "summary",
    "result",
    "sessions",
    "last",
    "count",
    "id",
    "type",
    "life",
    "expire",
    "identity",
    "email",
    "scopes",
    "profile",
    "created_at",
    "active_token",
    "refresh_token",
    "token",
    "enabled",
    "errors",
    "code",
    "detail",
    "source",
    "path",
    "intelligence",
    "ttl_mins",
    "location",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => text(),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// One edit of a well-formed answer: a node replaced by an arbitrary value, or removed.
#[derive(Debug, Clone)]
enum Edit {
    Replace(Index, Value),
    Remove(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<Index>(), json_value()).prop_map(|(i, v)| Edit::Replace(i, v)),
        1 => any::<Index>().prop_map(Edit::Remove),
    ]
}

/// JSON pointers to every node below the root.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    let children: Vec<(String, &Value)> = match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, c)| (k.replace('~', "~0").replace('/', "~1"), c))
            .collect(),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, c)| (i.to_string(), c))
            .collect(),
        _ => Vec::new(),
    };
    for (k, c) in children {
        let p = format!("{at}/{k}");
        out.push(p.clone());
        pointers(c, p, out);
    }
}

fn apply_edit(doc: &mut Value, e: &Edit) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let i = match e {
        Edit::Replace(i, _) | Edit::Remove(i) => i,
    };
    if all.is_empty() {
        return;
    }
    let target = &all[i.index(all.len())];
    match e {
        Edit::Replace(_, v) => *doc.pointer_mut(target).unwrap() = v.clone(),
        Edit::Remove(_) => {
            let (parent, key) = target.rsplit_once('/').unwrap();
            let key = key.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent).unwrap() {
                Value::Object(m) => {
                    m.remove(&key);
                }
                Value::Array(a) => {
                    a.remove(key.parse::<usize>().unwrap());
                }
                _ => unreachable!("a parent is a container"),
            }
        }
    }
}

/// The spec's response fixtures, parsed: well-formed answers of every endpoint.
fn answers() -> &'static [Value] {
    static ALL: OnceLock<Vec<Value>> = OnceLock::new();
    ALL.get_or_init(|| {
        fixture_files()
            .iter()
            .filter(|(name, _)| name.ends_with(".response.json"))
            .map(|(_, body)| serde_json::from_slice(body).unwrap())
            .collect()
    })
}

/// Every spec fixture: file name and bytes.
fn fixture_files() -> &'static [(String, Vec<u8>)] {
    static ALL: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    ALL.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read(&p).unwrap())
            })
            .collect();
        files.sort();
        files
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, u8),
    Truncate(Index),
    Insert(Index, Vec<u8>),
    Delete(Index, usize),
    Duplicate(Index, usize),
    Token(Index, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Mutation::Flip(i, x)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (any::<Index>(), prop_oneof![
            prop::collection::vec(any::<u8>(), 1..8),
            prop::sample::select(vec![&b"{"[..], b"}", b"[", b"]", b"\"", b",", b":", b"null", b"\\u", b"\\ud800", b"1e999", b"-"])
                .prop_map(<[u8]>::to_vec),
        ]).prop_map(|(i, b)| Mutation::Insert(i, b)),
        1 => (any::<Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => (any::<Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        1 => (any::<Index>(), 0usize..3).prop_map(|(i, t)| Mutation::Token(i, t)),
    ]
}

fn apply(body: &mut Vec<u8>, m: &Mutation) {
    let at = |i: &Index, body: &Vec<u8>| {
        if body.is_empty() {
            0
        } else {
            i.index(body.len() + 1)
        }
    };
    match m {
        Mutation::Flip(i, x) if !body.is_empty() => {
            let k = i.index(body.len());
            body[k] ^= x;
        }
        Mutation::Flip(..) => {}
        Mutation::Truncate(i) => body.truncate(at(i, body)),
        Mutation::Insert(i, b) => {
            let k = at(i, body);
            body.splice(k..k, b.iter().copied());
        }
        Mutation::Delete(i, n) => {
            let k = at(i, body);
            body.drain(k..(k + n).min(body.len()));
        }
        Mutation::Duplicate(i, n) => {
            let k = at(i, body);
            let piece = body[k..(k + n).min(body.len())].to_vec();
            body.splice(k..k, piece);
        }
        Mutation::Token(i, t) => {
            let k = at(i, body);
            body.splice(k..k, TOKENS[*t].bytes());
        }
    }
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: Some(crate::harness::regressions()),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes(
        status in http_status(),
        id in header_id(),
        mut body in prop::collection::vec(any::<u8>(), 0..512),
        token in prop::option::of((any::<Index>(), 0usize..3)),
    ) {
        if let Some((i, t)) = token {
            let k = i.index(body.len() + 1);
            body.splice(k..k, TOKENS[t].bytes());
        }
        check(status, id.as_deref(), body)?;
    }

    #[test]
    fn arbitrary_json(status in http_status(), id in header_id(), v in json_value()) {
        check(status, id.as_deref(), serde_json::to_vec(&v).unwrap())?;
    }

    #[test]
    fn envelopes_with_arbitrary_values_everywhere(
        status in http_status(),
        id in header_id(),
        which in any::<Index>(),
        edits in prop::collection::vec(edit(), 0..4),
    ) {
        let all = answers();
        let mut doc = all[which.index(all.len())].clone();
        for e in &edits {
            apply_edit(&mut doc, e);
        }
        check(status, id.as_deref(), serde_json::to_vec(&doc).unwrap())?;
    }

    #[test]
    fn mutated_spec_fixtures(
        status in http_status(),
        id in header_id(),
        which in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        let all = fixture_files();
        let mut body = all[which.index(all.len())].1.clone();
        for m in &mutations {
            apply(&mut body, m);
        }
        check(status, id.as_deref(), body)?;
    }
}

/// The edits reach every outcome, so the property above does not pass on answers that
/// all fail the same way.
#[test]
fn edited_answers_reach_success_api_errors_and_decode_errors() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let red = redactor();
    let (mut ok, mut api, mut bad) = (0, 0, 0);
    let all = answers();
    for n in 0..400 {
        let mut doc = all[n % all.len()].clone();
        let edits = prop::collection::vec(edit(), 0..4)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        for e in &edits {
            apply_edit(&mut doc, e);
        }
        let raw = Raw {
            status: 200,
            request_id: None,
            retry_after: None,
            body: serde_json::to_vec(&doc).unwrap(),
        };
        let Ok(env) = decode::envelope(&raw, &red) else {
            bad += 1;
            continue;
        };
        let outcomes = [
            decode::finish(
                &raw,
                env.clone(),
                &red,
                decode::typed::<SessionListResult>,
                1,
            )
            .map(|_| ()),
            decode::finish(&raw, env.clone(), &red, decode::typed::<RefreshResult>, 1).map(|_| ()),
            decode::finish(&raw, env.clone(), &red, decode::typed::<TokenInfo>, 1).map(|_| ()),
            decode::finish(&raw, env, &red, decode::empty, 1).map(|_| ()),
        ];
        if outcomes.iter().any(Result::is_ok) {
            ok += 1;
        } else if outcomes.iter().any(|o| matches!(o, Err(Error::Api(_)))) {
            api += 1;
        } else {
            bad += 1;
        }
    }
    assert!(
        ok >= 40 && api >= 20 && bad >= 40,
        "ok {ok}, api {api}, decode {bad}"
    );
}
