//! Turning an HTTP answer into a typed result or an [`Error`] (spec 2).
//!
//! Public so that what a call does with an answer can be exercised without a network:
//! [`envelope`], then [`is_accepted`], then [`finish`] with [`typed`] or [`empty`].
//! A call first tries [`success`], which reads a plain success in one pass straight into
//! the endpoint type; anything else (an error, a 202, a body that does not fit) goes the
//! envelope's way, which keeps the result as its JSON text and reads it with the same
//! typed decode, so the error says what did not fit. Both read unknown fields alike
//! (skipped), so the one pass never accepts what the envelope's way refuses.

use super::error::{ApiError, ApiStatus, Error};
use super::model::{Envelope, ErrorField, STATUS_ACCEPTED, STATUS_SUCCESS, ValidationErrors};
use super::redact::Redactor;
use super::response::Response;
pub use super::transport::Raw;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// How many bytes of a body a [`Error::Decode`] quotes.
pub const SNIPPET_BYTES: usize = 120;

/// An answer's envelope with its `result` kept as the JSON text the server sent.
pub type RawEnvelope = Envelope<Box<RawValue>>;

/// Reads an endpoint's `result` from its JSON text (`None`: missing or null); the error
/// text says what did not fit.
pub type ResultDecoder<T> = fn(Option<&RawValue>) -> Result<T, String>;

/// A result deserialised into the endpoint type.
pub fn typed<T: DeserializeOwned>(result: Option<&RawValue>) -> Result<T, String> {
    serde_json::from_str(result.map_or("null", RawValue::get)).map_err(|e| reason(&e))
}

/// What a decode error says, without the line and column: they would count from the
/// start of the result, not of the body a snippet shows.
fn reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&at) {
        Some(plain) => plain.to_string(),
        None => text,
    }
}

/// The result of the endpoints that answer `{}`: any object or null is accepted.
pub fn empty(result: Option<&RawValue>) -> Result<(), String> {
    match result.map(|r| kind_of(r.get())) {
        None | Some("null" | "an object") => Ok(()),
        Some(other) => Err(format!("expected an object or null, found {other}")),
    }
}

/// What kind of JSON value a value's text is, from its first byte (the text is one
/// well-formed value, as a [`RawValue`] holds).
fn kind_of(text: &str) -> &'static str {
    match text.as_bytes().first() {
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'"') => "a string",
        Some(b'[') => "an array",
        Some(b'{') => "an object",
        _ => "a number",
    }
}

/// The response of a plain success (2xx other than 202, status `Success`, a result that
/// fits `T`), decoded in one pass; `None` for everything else, which [`envelope`] and
/// [`finish`] then handle. Where both succeed they give the same response.
pub fn success<T: DeserializeOwned>(
    raw: &Raw,
    red: &Redactor,
    attempts: u32,
) -> Option<Response<T>> {
    if raw.status == 202 || !(200..300).contains(&raw.status) || !is_object(&raw.body) {
        return None;
    }
    // One UTF-8 check of the whole body is far cheaper than one per string. A body that
    // fails it goes the envelope's way, which checks the result's text as it keeps it.
    let text = std::str::from_utf8(&raw.body).ok()?;
    let env = serde_json::from_str::<Envelope<T>>(text).ok()?;
    if env.status != STATUS_SUCCESS {
        return None;
    }
    // A null or missing result is left to the endpoint decoder, which decides about it.
    let result = env.result?;
    Some(Response {
        request_id: red.scrub(&env.request_id),
        summary: red.scrub(&env.summary),
        result,
        attempts,
    })
}

/// The `last` cursor of a plain successful list answer, found by a byte search from the
/// end of the body rather than a parse, which on a large page would cost as much as the
/// round trip it is meant to save. A guess for starting the next request early, never a
/// decision: the page itself is still decoded and checked as usual, and a request started
/// on a wrong guess is dropped, costing one request.
pub fn peek_cursor(raw: &Raw) -> Option<String> {
    const KEY: &[u8] = b"\"last\"";
    if raw.status == 202 || !(200..300).contains(&raw.status) || !is_object(&raw.body) {
        return None;
    }
    let body = &raw.body[..];
    let mut end = body.len();
    while let Some(at) = rfind(&body[..end], KEY) {
        end = at;
        // `\"last\"` would be a quote inside a string, not a key.
        if at > 0 && body[at - 1] == b'\\' {
            continue;
        }
        let colon = skip_space(body, at + KEY.len());
        if body.get(colon) != Some(&b':') {
            continue;
        }
        let open = skip_space(body, colon + 1);
        if body.get(open) != Some(&b'"') {
            return None;
        }
        let mut i = open + 1;
        while i < body.len() {
            match body[i] {
                b'\\' => i += 2,
                b'"' => break,
                _ => i += 1,
            }
        }
        let token = body.get(open..=i)?;
        let cursor: String = serde_json::from_slice(token).ok()?;
        return (!cursor.is_empty()).then_some(cursor);
    }
    None
}

/// The start of the last occurrence of `needle` in `hay`.
fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The first index at or after `i` that is not JSON whitespace.
fn skip_space(body: &[u8], mut i: usize) -> usize {
    while matches!(body.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// True when the first byte past leading whitespace opens an object.
fn is_object(body: &[u8]) -> bool {
    body.iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        == Some(&b'{')
}

/// A [`Error::Decode`] for this answer, every string scrubbed.
pub fn malformed(raw: &Raw, request_id: Option<&str>, reason: &str, red: &Redactor) -> Error {
    Error::Decode {
        http_status: raw.status,
        request_id: raw
            .request_id
            .clone()
            .or_else(|| request_id.map(|r| red.scrub(r))),
        reason: red.scrub(reason),
        snippet: red.snippet(&raw.body, SNIPPET_BYTES),
    }
}

/// The envelope of an answer, its result kept as text; anything else is a
/// [`Error::Decode`].
pub fn envelope(raw: &Raw, red: &Redactor) -> Result<RawEnvelope, Error> {
    // serde would also fill the envelope from a six-element array, position by position.
    if !is_object(&raw.body) {
        return Err(malformed(
            raw,
            None,
            "not a Pangea response envelope: the body is not a JSON object",
            red,
        ));
    }
    serde_json::from_slice::<RawEnvelope>(&raw.body).map_err(|e| {
        malformed(
            raw,
            None,
            &format!("not a Pangea response envelope: {e}"),
            red,
        )
    })
}

/// True when the call was queued and must be polled.
pub fn is_accepted(raw: &Raw, env: &RawEnvelope) -> bool {
    raw.status == 202 || env.status == STATUS_ACCEPTED
}

/// The typed response, or the error the envelope reports.
pub fn finish<T>(
    raw: &Raw,
    env: RawEnvelope,
    red: &Redactor,
    decode: ResultDecoder<T>,
    attempts: u32,
) -> Result<Response<T>, Error> {
    let success = env.status == STATUS_SUCCESS;
    if success && !(200..300).contains(&raw.status) {
        return Err(malformed(
            raw,
            Some(&env.request_id),
            &format!("status Success with HTTP {}", raw.status),
            red,
        ));
    }
    if !success {
        return Err(api_error(raw, env, red));
    }
    match decode(env.result.as_deref()) {
        Ok(result) => Ok(Response {
            request_id: red.scrub(&env.request_id),
            summary: red.scrub(&env.summary),
            result,
            attempts,
        }),
        Err(reason) => Err(malformed(
            raw,
            Some(&env.request_id),
            &format!("result does not match the endpoint: {reason}"),
            red,
        )),
    }
}

fn api_error(raw: &Raw, env: RawEnvelope, red: &Redactor) -> Error {
    let kind = ApiStatus::parse(&env.status);
    let errors = match (&kind, env.result) {
        (ApiStatus::ValidationError, Some(result)) => {
            serde_json::from_str::<ValidationErrors>(result.get())
                .map(|v| v.errors.iter().map(|e| scrub_field(e, red)).collect())
                .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let kind = match kind {
        ApiStatus::Other(s) => ApiStatus::Other(red.scrub(&s)),
        k => k,
    };
    Error::Api(Box::new(ApiError {
        http_status: raw.status,
        status: red.scrub(&env.status),
        kind,
        summary: red.scrub(&env.summary),
        request_id: red.scrub(&env.request_id),
        errors,
        retry_after: raw.retry_after,
    }))
}

fn scrub_field(e: &ErrorField, red: &Redactor) -> ErrorField {
    ErrorField {
        code: red.scrub(&e.code),
        detail: red.scrub(&e.detail),
        source: red.scrub(&e.source),
        path: e.path.as_deref().map(|p| red.scrub(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RefreshResult, SessionListResult, TokenInfo};
    use crate::secret::Secret;
    use proptest::prelude::*;

    const TOKEN: &str = "ptu_ayw3wncl4z4nf5pmsb7xzwbw6zc5fqv5";

    fn run(status: u16, body: Vec<u8>) -> Vec<Result<(), Error>> {
        let raw = Raw {
            status,
            request_id: None,
            retry_after: None,
            body,
        };
        let red = Redactor::new([&Secret::new(TOKEN)]);
        let Ok(env) = envelope(&raw, &red) else {
            return vec![envelope(&raw, &red).map(|_| ())];
        };
        vec![
            finish(&raw, env.clone(), &red, typed::<SessionListResult>, 1).map(|_| ()),
            finish(&raw, env.clone(), &red, typed::<RefreshResult>, 1).map(|_| ()),
            finish(&raw, env.clone(), &red, typed::<TokenInfo>, 1).map(|_| ()),
            finish(&raw, env, &red, empty, 1).map(|_| ()),
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic_and_never_leak(
            status in 100u16..600,
            prefix in proptest::collection::vec(any::<u8>(), 0..200),
            suffix in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let mut body = prefix;
            body.extend_from_slice(TOKEN.as_bytes());
            body.extend(suffix);
            for r in run(status, body) {
                if let Err(e) = r {
                    let shown = format!("{e} {e:?}");
                    prop_assert!(!shown.contains(&TOKEN[..8]), "{}", shown);
                }
            }
        }

        #[test]
        fn the_one_pass_read_never_accepts_more_than_the_value_path(
            status in prop_oneof![Just(200u16), Just(202u16), 100u16..600],
            prefix in proptest::collection::vec(any::<u8>(), 0..40),
            at in any::<proptest::sample::Index>(),
            cut in any::<bool>(),
        ) {
            let mut body = list_body("", "");
            let i = at.index(body.len());
            if cut {
                body.truncate(i);
            } else {
                body.splice(i..i, prefix);
            }
            agrees::<SessionListResult>(status, body.clone());
            agrees::<TokenInfo>(status, body.clone());
            agrees::<RefreshResult>(status, body);
        }

        #[test]
        fn envelopes_with_arbitrary_results_never_panic(
            status in prop_oneof![
                Just("Success".to_string()),
                Just("ValidationError".to_string()),
                "[A-Za-z]{0,12}",
            ],
            http in prop_oneof![Just(200u16), Just(400u16), 100u16..600],
            result in prop_oneof![
                Just(serde_json::json!(null)),
                Just(serde_json::json!({"errors": "x"})),
                Just(serde_json::json!({"errors": [{"code": 1}]})),
                Just(serde_json::json!({"sessions": [{"id": 5}], "last": 7})),
                any::<i64>().prop_map(|n| serde_json::json!(n)),
                "\\PC{0,40}".prop_map(|s| serde_json::json!({"refresh_token": s})),
            ],
        ) {
            let body = serde_json::to_vec(&serde_json::json!({
                "request_id": "prq_x", "request_time": "", "response_time": "",
                "status": status, "summary": TOKEN, "result": result,
            })).unwrap();
            for r in run(http, body) {
                if let Err(e) = r {
                    let shown = format!("{e} {e:?}");
                    prop_assert!(!shown.contains(&TOKEN[..8]), "{}", shown);
                }
            }
        }
    }

    /// The envelope's way of reading an answer, as a call takes it after `success`
    /// declines.
    fn slow<T: DeserializeOwned>(raw: &Raw, red: &Redactor) -> Result<Response<T>, Error> {
        envelope(raw, red).and_then(|env| {
            if is_accepted(raw, &env) {
                return Err(Error::Config("accepted".into()));
            }
            finish(raw, env, red, typed::<T>, 1)
        })
    }

    /// `success` agrees with the envelope's way: same response where it answers, and it
    /// declines every body the envelope's way refuses.
    fn agrees<T>(status: u16, body: Vec<u8>)
    where
        T: DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let raw = Raw {
            status,
            request_id: None,
            retry_after: None,
            body,
        };
        let red = Redactor::new([&Secret::new(TOKEN)]);
        match (success::<T>(&raw, &red, 1), slow::<T>(&raw, &red)) {
            (None, _) => {}
            (Some(fast), Ok(slow)) => {
                assert_eq!(fast.result, slow.result);
                assert_eq!(fast.request_id, slow.request_id);
                assert_eq!(fast.summary, slow.summary);
            }
            (Some(fast), Err(e)) => panic!("one pass accepted {fast:?}; envelope's way: {e}"),
        }
    }

    fn list_body(extra_in_result: &str, extra_in_envelope: &str) -> Vec<u8> {
        let fixture = include_str!("../../../tests/fixtures/spec/session_list.response.json");
        let mut v: serde_json::Value = serde_json::from_str(fixture).unwrap();
        v["summary"] = serde_json::Value::String(format!("echo {TOKEN}"));
        let text = serde_json::to_string(&v).unwrap();
        let text = text.replacen(
            "\"result\":{",
            &format!("{extra_in_envelope}\"result\":{{{extra_in_result}"),
            1,
        );
        text.into_bytes()
    }

    #[test]
    fn the_one_pass_read_matches_the_envelopes_way_on_a_real_page() {
        let body = list_body("", "");
        let red = Redactor::new([&Secret::new(TOKEN)]);
        let raw = Raw {
            status: 200,
            request_id: None,
            retry_after: None,
            body: body.clone(),
        };
        let fast = success::<SessionListResult>(&raw, &red, 1).expect("a plain success");
        assert!(!fast.result.sessions.is_empty());
        assert_eq!(fast.summary, "echo [REDACTED]");
        agrees::<SessionListResult>(200, body);
    }

    #[test]
    fn unknown_fields_inside_a_result_are_read_alike_both_ways() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let odd = [
            format!("\"x\":{deep},"),
            "\"x\":1e400,".to_string(),
            "\"x\":\"\\ud800\",".to_string(),
            "\"x\":\"\u{1}\",".to_string(),
        ];
        let red = Redactor::new([]);
        for extra in &odd {
            let raw = Raw {
                status: 200,
                request_id: None,
                retry_after: None,
                body: list_body(extra, ""),
            };
            let (fast, slow) = (
                success::<SessionListResult>(&raw, &red, 1),
                slow::<SessionListResult>(&raw, &red),
            );
            assert_eq!(fast.is_some(), slow.is_ok(), "{extra}: {slow:?}");
            agrees::<SessionListResult>(200, raw.body);
        }
        // Invalid UTF-8 in a skipped string of the result: refused both ways.
        let mut body = list_body("\"x\":\"ab\",", "");
        let at = body.windows(4).position(|w| w == b"\"ab\"").unwrap();
        body[at + 1] = 0xff;
        let raw = Raw {
            status: 200,
            request_id: None,
            retry_after: None,
            body,
        };
        assert!(success::<SessionListResult>(&raw, &red, 1).is_none());
        assert!(slow::<SessionListResult>(&raw, &red).is_err());
    }

    #[test]
    fn envelope_fields_are_skipped_without_checking_them() {
        // Invalid UTF-8 outside the result: the one pass declines the body, the
        // envelope's way skips the field and reads the page.
        let mut body = list_body("", "\"x\":\"ab\",");
        let at = body.windows(4).position(|w| w == b"\"ab\"").unwrap();
        body[at + 1] = 0xff;
        let raw = Raw {
            status: 200,
            request_id: None,
            retry_after: None,
            body,
        };
        let red = Redactor::new([]);
        assert!(success::<SessionListResult>(&raw, &red, 1).is_none());
        let page = slow::<SessionListResult>(&raw, &red).expect("the page");
        assert!(!page.result.sessions.is_empty());
    }

    #[test]
    fn a_result_that_does_not_fit_says_why_without_a_position() {
        let body = list_body("", "");
        let text =
            String::from_utf8(body)
                .unwrap()
                .replacen("\"sessions\":[", "\"sessions\":[7,", 1);
        let raw = Raw {
            status: 200,
            request_id: None,
            retry_after: None,
            body: text.into_bytes(),
        };
        let red = Redactor::new([]);
        assert!(success::<SessionListResult>(&raw, &red, 1).is_none());
        match slow::<SessionListResult>(&raw, &red) {
            Err(Error::Decode { reason, .. }) => assert_eq!(
                reason,
                "result does not match the endpoint: invalid type: integer `7`, expected struct Session"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(empty(None), Ok(()));
        let raw = |text: &str| RawValue::from_string(text.to_string()).unwrap();
        assert_eq!(empty(Some(&raw("{\"a\":1}"))), Ok(()));
        assert_eq!(
            empty(Some(&raw("[1]"))),
            Err("expected an object or null, found an array".to_string())
        );
    }

    #[test]
    fn only_a_plain_success_takes_the_one_pass_read() {
        for status in [202, 204, 400, 500] {
            let raw = Raw {
                status,
                request_id: None,
                retry_after: None,
                body: list_body("", ""),
            };
            let got = success::<SessionListResult>(&raw, &Redactor::new([]), 1);
            assert_eq!(got.is_some(), status == 204, "{status}");
        }
    }

    #[test]
    fn the_cursor_guess_reads_the_result_cursor_only() {
        let raw = |status: u16, body: &str| Raw {
            status,
            request_id: None,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        };
        let page = r#"{"status":"Success","result":{"sessions":[{"profile":{"last":"Nope","x":"\"last\":\"no\""}}],"last" : "Mjoy\u0041","count":4}}"#;
        assert_eq!(peek_cursor(&raw(200, page)).as_deref(), Some("MjoyA"));
        let end = r#"{"result":{"sessions":[],"last":""}}"#;
        assert_eq!(peek_cursor(&raw(200, end)), None);
        assert_eq!(peek_cursor(&raw(200, r#"{"result":{"last":null}}"#)), None);
        assert_eq!(peek_cursor(&raw(500, page)), None);
        assert_eq!(peek_cursor(&raw(202, page)), None);
        assert_eq!(peek_cursor(&raw(200, r#"["last":"x"]"#)), None);
        // the real fixture's cursor
        let body = list_body("", "");
        let want = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["result"]["last"]
            .as_str()
            .map(str::to_string);
        assert_eq!(
            peek_cursor(&raw(200, std::str::from_utf8(&body).unwrap())),
            want
        );
    }

    #[test]
    fn an_array_in_envelope_order_is_not_an_envelope() {
        let body = br#" ["prq_x", "", "", "Success", "", {}]"#.to_vec();
        let results = run(200, body);
        assert!(matches!(
            &results[..],
            [Err(Error::Decode { reason, .. })] if reason.contains("not a JSON object")
        ));
    }

    #[test]
    fn success_needs_a_2xx() {
        let body = serde_json::to_vec(&serde_json::json!({
            "request_id": "prq_x", "request_time": "", "response_time": "",
            "status": "Success", "summary": "", "result": {},
        }))
        .unwrap();
        let results = run(500, body);
        assert!(matches!(
            results[3],
            Err(Error::Decode {
                http_status: 500,
                ..
            })
        ));
    }
}
