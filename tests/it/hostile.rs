//! Every kind of malformed or hostile answer, one table row each, served byte for byte by
//! a scripted server on 127.0.0.1 to a real client call. Each row names the outcome a user
//! would see: a decode error (with HTTP status and request id), an API error, a transport
//! error, or a successful call with a specific result. Every error is also checked for
//! token values and for control characters surviving `sanitize::clean`.

use crate::harness::client::fast_config;
use crate::harness::server::{self, Reply, Server, envelope, fixture};
use authtop::authn::model::*;
use authtop::authn::{
    ApiStatus, Client, ClientConfig, Error, ListScope, PageError, Response, Secret, TransportKind,
};
use authtop::sanitize;
use futures::StreamExt;
use serde_json::{Value, json};
use std::time::Duration;

const SERVICE: &str = "pts_rutd5xfk2uj4fl3fcmceh26ecb7opuoj";
const USER: &str = "ptu_ayw3wncl4z4nf5pmsb7xzwbw6zc5fqv5";
const REFRESH: &str = "ptr_qjjksb5mrmddagqz2h3aafkgbs6agqef";
const SESSION: &str = "pmt_gp3mwjhq7524xpre56xgfqdwxmgry2vw";

/// Request ids of the spec fixtures the rows start from.
const LIST_ID: &str = "prq_kfeyn4eygc62vtk34naerfgh5bg2uf52";
const REFRESH_ID: &str = "prq_hasm7fr2jjxtqqqjqtqocxtd4xh2ijwn";
const CHECK_ID: &str = "prq_wozz5oa67dobdpdzrnrbzxye2avro2lk";
const ACCEPTED_ID: &str = "prq_sn7scgthhigiygbowanvde3girmaenos";
/// The `x-request-id` header the rows that send one use.
const HDR_ID: &str = "prq_hdr";

/// Which real call a row makes.
#[derive(Clone, Copy, Debug)]
enum Op {
    List,
    ClientList,
    Refresh,
    Check,
    Invalidate,
    ClientInvalidate,
    Walk,
}

/// What a successful call produced.
enum Done {
    List(Response<SessionListResult>),
    Refresh(Box<Response<RefreshResult>>),
    Check(Box<Response<TokenInfo>>),
    Unit(Response<()>),
    Walk(Vec<Result<Response<SessionListResult>, PageError>>),
}

/// The outcome a row expects.
enum Expect {
    /// `Error::Decode` with this HTTP status, request id and a reason containing the text.
    Decode {
        http: u16,
        request_id: Option<&'static str>,
        reason: &'static str,
    },
    /// `Error::Api` of this kind.
    Api {
        kind: ApiStatus,
        http: u16,
        request_id: &'static str,
        summary: &'static str,
    },
    /// `Error::Transport` of this kind after this many attempts.
    Transport(TransportKind, u32),
    /// Success; the function asserts the observable result.
    Ok(fn(&Done)),
}

struct Row {
    name: &'static str,
    op: Op,
    /// Served in order, the last one for every later request.
    replies: Vec<Reply>,
    tune: fn(&mut ClientConfig),
    expect: Expect,
}

fn row(name: &'static str, op: Op, reply: Reply, expect: Expect) -> Row {
    Row {
        name,
        op,
        replies: vec![reply],
        tune: |_| {},
        expect,
    }
}

impl Row {
    fn then(mut self, reply: Reply) -> Self {
        self.replies.push(reply);
        self
    }

    fn tune(mut self, tune: fn(&mut ClientConfig)) -> Self {
        self.tune = tune;
        self
    }
}

fn decode(http: u16, request_id: Option<&'static str>, reason: &'static str) -> Expect {
    Expect::Decode {
        http,
        request_id,
        reason,
    }
}

/// A result that does not fit the endpoint, reported with the envelope's request id.
fn bad_result(request_id: &'static str, reason: &'static str) -> Expect {
    decode(200, Some(request_id), reason)
}

fn short_timeout(c: &mut ClientConfig) {
    c.request_timeout = Duration::from_millis(300);
}

// ---------------------------------------------------------------- bodies

fn doc(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// The fixture with the value at JSON pointer `ptr` set (the parent must exist).
fn set(name: &str, ptr: &str, value: Value) -> Vec<u8> {
    let mut d = doc(name);
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    let parent = d.pointer_mut(parent).unwrap();
    match key.parse::<usize>() {
        Ok(i) if parent.is_array() => parent[i] = value,
        _ => parent[key] = value,
    }
    bytes(&d)
}

/// The fixture without the key at JSON pointer `ptr`.
fn remove(name: &str, ptr: &str) -> Vec<u8> {
    let mut d = doc(name);
    let (parent, key) = ptr.rsplit_once('/').unwrap();
    d.pointer_mut(parent)
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove(key)
        .unwrap();
    bytes(&d)
}

const LIST: &str = "session_list.response.json";

fn session(field: &str, value: Value) -> Vec<u8> {
    set(LIST, &format!("/result/sessions/0/{field}"), value)
}

fn ok(body: Vec<u8>) -> Reply {
    Reply::json(200, body)
}

fn with_id(reply: Reply) -> Reply {
    reply.header("x-request-id", HDR_ID)
}

fn html(status: u16) -> Reply {
    Reply::Http {
        status,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: format!("<html><head><title>{status}</title></head><body><h1>{status} Bad Gateway</h1></body></html>").into_bytes(),
        length: true,
    }
}

fn page(ids: &[&str], last: Option<&str>) -> Reply {
    ok(server::page(ids, last))
}

/// A listing whose summary alone is `size` bytes.
fn big_list(size: usize) -> Vec<u8> {
    set(LIST, "/summary", json!("s".repeat(size)))
}

// ---------------------------------------------------------------- checks on results

fn list(d: &Done) -> &SessionListResult {
    match d {
        Done::List(r) => &r.result,
        _ => panic!("not a listing"),
    }
}

fn first(d: &Done) -> &Session {
    &list(d).sessions[0]
}

fn walk_ids(d: &Done) -> Vec<String> {
    let Done::Walk(pages) = d else {
        panic!("not a walk")
    };
    pages
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .flat_map(|p| p.result.sessions.iter().map(|s| s.id.clone()))
        .collect()
}

/// The walk's last item is an error saying the listing is incomplete.
fn ends_incomplete(d: &Done) -> bool {
    let Done::Walk(pages) = d else {
        panic!("not a walk")
    };
    matches!(pages.last(), Some(Err(e)) if e.error.to_string().contains("incomplete"))
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

// ---------------------------------------------------------------- the table

#[expect(
    clippy::too_many_lines,
    reason = "the table of hostile answers, one row each"
)]
fn table() -> Vec<Row> {
    use Op::*;
    let full = fixture(LIST);
    let deep_top = "[".repeat(100_000).into_bytes();
    let mut deep_inside = br#"{"request_id":"prq_deep","request_time":"","response_time":"","status":"Success","summary":"","result":"#.to_vec();
    let mut deep_closed = deep_inside.clone();
    deep_inside.extend("[".repeat(100_000).bytes());
    deep_closed.extend("[".repeat(100_000).bytes());
    deep_closed.extend("]".repeat(100_000).bytes());
    deep_closed.push(b'}');
    let mut bad_utf8_summary = envelope("Success", "prq_utf", "SUMMARY", json!({"sessions": []}));
    let at = bad_utf8_summary
        .windows(7)
        .position(|w| w == b"SUMMARY")
        .unwrap();
    bad_utf8_summary.splice(at..at + 7, [b'o', 0xff, 0xfe, b'k']);
    let mut bad_utf8_email = fixture(LIST);
    let at = bad_utf8_email
        .windows(5)
        .position(|w| w == b"alice")
        .unwrap();
    bad_utf8_email[at + 1] = 0xc3; // a lead byte followed by ASCII: never valid UTF-8
    let evil = "boom\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\r\u{202E}";

    vec![
        // ---- truncated JSON
        row(
            "truncated after the first byte",
            List,
            with_id(ok(full[..1].to_vec())),
            decode(200, Some(HDR_ID), "not a Pangea response envelope"),
        ),
        row(
            "truncated inside the first key",
            List,
            with_id(ok(full[..8].to_vec())),
            decode(200, Some(HDR_ID), "EOF while parsing"),
        ),
        row(
            "truncated inside a session",
            List,
            with_id(ok(full[..full.len() / 2].to_vec())),
            decode(200, Some(HDR_ID), "EOF while parsing"),
        ),
        row(
            "truncated one byte short, no request id header",
            List,
            ok(full[..full.iter().rposition(|b| *b == b'}').unwrap()].to_vec()),
            decode(200, None, "EOF while parsing"),
        ),
        row(
            "truncated by the connection: the length says more",
            List,
            Reply::Raw(
                [
                    b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n"
                        .as_slice(),
                    &full[..300],
                ]
                .concat(),
            ),
            Expect::Transport(TransportKind::Closed, 1),
        ),
        // ---- not JSON at all
        row(
            "HTML page with 200",
            List,
            with_id(html(200)),
            decode(200, Some(HDR_ID), "not a JSON object"),
        ),
        row(
            "HTML page with 502",
            List,
            with_id(html(502)),
            decode(502, Some(HDR_ID), "not a JSON object"),
        ),
        row(
            "HTML page with 503",
            Refresh,
            html(503),
            decode(503, None, "not a JSON object"),
        ),
        row(
            "empty body",
            List,
            with_id(ok(Vec::new())),
            decode(200, Some(HDR_ID), "not a JSON object"),
        ),
        row(
            "the body is null",
            List,
            ok(b"null".to_vec()),
            decode(200, None, "not a JSON object"),
        ),
        row(
            "a JSON array instead of an object",
            List,
            ok(b"[1,2,3]".to_vec()),
            decode(200, None, "not a JSON object"),
        ),
        row(
            "an array holding the envelope's values in order",
            Invalidate,
            ok(br#"["prq_arr","","","Success","ok",{}]"#.to_vec()),
            decode(200, None, "not a JSON object"),
        ),
        row(
            "trailing garbage after the envelope",
            List,
            ok([full.as_slice(), b"}{"].concat()),
            decode(200, None, "trailing characters"),
        ),
        row(
            "not HTTP at all",
            List,
            Reply::Raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec()),
            Expect::Transport(TransportKind::Other, 1),
        ),
        // ---- each envelope key missing
        row(
            "envelope without request_id",
            List,
            remove(LIST, "/request_id").pipe(ok),
            decode(200, None, "missing field `request_id`"),
        ),
        row(
            "envelope without request_time",
            List,
            remove(LIST, "/request_time").pipe(ok),
            decode(200, None, "missing field `request_time`"),
        ),
        row(
            "envelope without response_time",
            List,
            remove(LIST, "/response_time").pipe(ok),
            decode(200, None, "missing field `response_time`"),
        ),
        row(
            "envelope without status",
            List,
            with_id(remove(LIST, "/status").pipe(ok)),
            decode(200, Some(HDR_ID), "missing field `status`"),
        ),
        row(
            "envelope without summary",
            List,
            remove(LIST, "/summary").pipe(ok),
            decode(200, None, "missing field `summary`"),
        ),
        row(
            "envelope without result, for a listing",
            List,
            remove(LIST, "/result").pipe(ok),
            bad_result(LIST_ID, "result does not match the endpoint"),
        ),
        row(
            "envelope without result, for an invalidate",
            Invalidate,
            remove("session_invalidate.response.json", "/result").pipe(ok),
            Expect::Ok(|d| {
                assert!(matches!(d, Done::Unit(r) if r.summary == "Session invalidated"));
            }),
        ),
        // ---- each envelope key with the wrong type
        row(
            "request_id is a number",
            List,
            set(LIST, "/request_id", json!(5)).pipe(ok),
            decode(200, None, "invalid type: integer `5`, expected a string"),
        ),
        row(
            "request_time is an object",
            List,
            set(LIST, "/request_time", json!({})).pipe(ok),
            decode(200, None, "invalid type: map, expected a string"),
        ),
        row(
            "response_time is an array",
            List,
            set(LIST, "/response_time", json!([])).pipe(ok),
            decode(200, None, "invalid type: sequence, expected a string"),
        ),
        row(
            "status is a boolean",
            List,
            set(LIST, "/status", json!(true)).pipe(ok),
            decode(200, None, "invalid type: boolean `true`, expected a string"),
        ),
        row(
            "summary is null",
            List,
            set(LIST, "/summary", json!(null)).pipe(ok),
            decode(200, None, "invalid type: null, expected a string"),
        ),
        row(
            "result is a string",
            List,
            set(LIST, "/result", json!("sessions")).pipe(ok),
            bad_result(LIST_ID, "invalid type: string"),
        ),
        // ---- status strings and HTTP codes that disagree
        row(
            "an unknown status",
            List,
            Reply::json(
                418,
                envelope("Teapot", "prq_tea", "I am a teapot", json!(null)),
            ),
            Expect::Api {
                kind: ApiStatus::Other("Teapot".into()),
                http: 418,
                request_id: "prq_tea",
                summary: "I am a teapot",
            },
        ),
        row(
            "Success with HTTP 500",
            List,
            Reply::json(500, full.clone()),
            decode(500, Some(LIST_ID), "status Success with HTTP 500"),
        ),
        row(
            "an error status with HTTP 200",
            ClientList,
            ok(fixture("invalid_token.response.json")),
            Expect::Api {
                kind: ApiStatus::InvalidToken,
                http: 200,
                request_id: "prq_3pzkisvsjquejyz37o45dey5kqg5xpj2",
                summary: "Invalid token",
            },
        ),
        // ---- every session field with the wrong type
        row(
            "session id is a number",
            List,
            session("id", json!(5)).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `5`, expected a string"),
        ),
        row(
            "session type is a number",
            List,
            session("type", json!(1)).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `1`, expected a string"),
        ),
        row(
            "session life is a string",
            List,
            session("life", json!("long")).pipe(ok),
            bad_result(LIST_ID, "invalid type: string \"long\", expected i64"),
        ),
        row(
            "session life is a fraction",
            List,
            session("life", json!(1.5)).pipe(ok),
            bad_result(LIST_ID, "invalid type: floating point `1.5`, expected i64"),
        ),
        row(
            "session expire is an object",
            List,
            session("expire", json!({"s": 1})).pipe(ok),
            bad_result(LIST_ID, "invalid type: map, expected a string"),
        ),
        row(
            "session identity is a number",
            List,
            session("identity", json!(7)).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `7`, expected a string"),
        ),
        row(
            "session identity is null",
            List,
            session("identity", json!(null)).pipe(ok),
            bad_result(LIST_ID, "invalid type: null, expected a string"),
        ),
        row(
            "session email is an array",
            List,
            session("email", json!(["a@b"])).pipe(ok),
            bad_result(LIST_ID, "invalid type: sequence, expected a string"),
        ),
        row(
            "session scopes is a string",
            List,
            session("scopes", json!("admin")).pipe(ok),
            bad_result(
                LIST_ID,
                "invalid type: string \"admin\", expected a sequence",
            ),
        ),
        row(
            "session scopes holds a number",
            List,
            session("scopes", json!(["a", 2])).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `2`, expected a string"),
        ),
        row(
            "session profile is a string",
            List,
            session("profile", json!("alice")).pipe(ok),
            bad_result(LIST_ID, "invalid type: string \"alice\", expected a map"),
        ),
        row(
            "session profile value is a number",
            List,
            session("profile/first_name", json!(5)).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `5`, expected a string"),
        ),
        row(
            "session created_at is a boolean",
            List,
            session("created_at", json!(true)).pipe(ok),
            bad_result(LIST_ID, "invalid type: boolean `true`, expected a string"),
        ),
        row(
            "session active_token is a string",
            List,
            session("active_token", json!("pmt_x")).pipe(ok),
            bad_result(
                LIST_ID,
                "invalid type: string \"pmt_x\", expected struct TokenInfo",
            ),
        ),
        row(
            "session active_token.id is a number",
            List,
            session("active_token/id", json!(3)).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `3`, expected a string"),
        ),
        row(
            "session active_token.life is a string",
            List,
            session("active_token/life", json!("1")).pipe(ok),
            bad_result(LIST_ID, "invalid type: string \"1\", expected i64"),
        ),
        row(
            "session active_token.expire is a number",
            List,
            session("active_token/expire", json!(0)).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `0`, expected a string"),
        ),
        row(
            "session active_token.profile is an array",
            List,
            session("active_token/profile", json!([])).pipe(ok),
            bad_result(LIST_ID, "invalid type: sequence, expected a map"),
        ),
        row(
            "session without its id",
            List,
            remove(LIST, "/result/sessions/0/id").pipe(ok),
            bad_result(LIST_ID, "missing field `id`"),
        ),
        // ---- the list result itself
        row(
            "sessions is a string",
            List,
            set(LIST, "/result/sessions", json!("none")).pipe(ok),
            bad_result(
                LIST_ID,
                "invalid type: string \"none\", expected a sequence",
            ),
        ),
        row(
            "sessions is an object",
            List,
            set(LIST, "/result/sessions", json!({})).pipe(ok),
            bad_result(LIST_ID, "invalid type: map, expected a sequence"),
        ),
        row(
            "sessions is missing",
            List,
            remove(LIST, "/result/sessions").pipe(ok),
            bad_result(LIST_ID, "missing field `sessions`"),
        ),
        row(
            "a session is an array",
            List,
            set(LIST, "/result/sessions/0", json!([1, 2])).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `1`, expected a string"),
        ),
        row(
            "last is a number",
            List,
            set(LIST, "/result/last", json!(2)).pipe(ok),
            bad_result(LIST_ID, "invalid type: integer `2`, expected a string"),
        ),
        row(
            "count is negative",
            List,
            set(LIST, "/result/count", json!(-1)).pipe(ok),
            bad_result(LIST_ID, "invalid value: integer `-1`, expected u64"),
        ),
        row(
            "last is null: the last page",
            List,
            set(LIST, "/result/last", json!(null)).pipe(ok),
            Expect::Ok(|d| {
                assert_eq!(list(d).last, None);
                assert_eq!(list(d).sessions.len(), 2);
            }),
        ),
        // ---- page walks
        row(
            "a cursor that comes back stops the walk, saying it is incomplete",
            Walk,
            page(&["pmt_a"], Some("A")),
            Expect::Ok(|d| {
                assert_eq!(walk_ids(d), ["pmt_a", "pmt_b", "pmt_c"]);
                assert!(ends_incomplete(d));
            }),
        )
        .then(page(&["pmt_b"], Some("B")))
        .then(page(&["pmt_c"], Some("A")))
        .then(Reply::json(500, fixture("internal_error.response.json"))),
        row(
            "a page pointing at itself stops the walk, saying it is incomplete",
            Walk,
            page(&["pmt_a"], Some("A")),
            Expect::Ok(|d| {
                assert_eq!(walk_ids(d), ["pmt_a", "pmt_b"]);
                assert!(ends_incomplete(d));
            }),
        )
        .then(page(&["pmt_b"], Some("A")))
        .then(Reply::json(500, fixture("internal_error.response.json"))),
        row(
            "a malformed second page ends the walk with its cursor",
            Walk,
            page(&["pmt_a"], Some("A")),
            Expect::Ok(|d| {
                let Done::Walk(pages) = d else {
                    panic!("not a walk")
                };
                assert_eq!(pages.len(), 2);
                let e = pages[1].as_ref().unwrap_err();
                assert_eq!(e.resume_from.as_deref(), Some("A"));
                assert!(
                    matches!(
                        e.error,
                        Error::Decode {
                            http_status: 200,
                            ..
                        }
                    ),
                    "{:?}",
                    e.error
                );
            }),
        )
        .then(html(200)),
        // ---- timestamps
        row(
            "a timestamp without a zone",
            List,
            session("expire", json!("2025-06-09T07:15:42")).pipe(ok),
            bad_result(LIST_ID, "offset"),
        ),
        row(
            "a timestamp with a +05:30 offset",
            List,
            session("expire", json!("2025-06-09T12:45:42.731006+05:30")).pipe(ok),
            Expect::Ok(|d| assert_eq!(first(d).expire, ts("2025-06-09T07:15:42.731006Z"))),
        ),
        row(
            "a timestamp on the 45th of the 13th month",
            List,
            session("created_at", json!("2025-13-45T07:15:42Z")).pipe(ok),
            bad_result(LIST_ID, "month"),
        ),
        row(
            "a timestamp as epoch seconds",
            List,
            session("expire", json!(1_749_453_342)).pipe(ok),
            bad_result(
                LIST_ID,
                "invalid type: integer `1749453342`, expected a string",
            ),
        ),
        row(
            "a timestamp with nine fraction digits",
            List,
            session("expire", json!("2025-06-09T07:15:42.123456789Z")).pipe(ok),
            Expect::Ok(|d| assert_eq!(first(d).expire.subsec_nanosecond(), 123_456_789)),
        ),
        row(
            "a timestamp with no fraction",
            List,
            session("created_at", json!("2025-06-02T07:15:42Z")).pipe(ok),
            Expect::Ok(|d| assert_eq!(first(d).created_at, ts("2025-06-02T07:15:42Z"))),
        ),
        row(
            "a timestamp with twelve fraction digits",
            List,
            session(
                "active_token/expire",
                json!("2025-06-03T07:15:42.123456789999Z"),
            )
            .pipe(ok),
            Expect::Ok(|d| {
                let t = first(d).active_token.as_ref().unwrap().expire;
                assert_eq!(t, ts("2025-06-03T07:15:42.123456789Z"));
            }),
        ),
        // ---- life
        row(
            "a negative life is kept: it is informational",
            List,
            session("life", json!(-5)).pipe(ok),
            Expect::Ok(|d| assert_eq!(first(d).life, -5)),
        ),
        row(
            "life i64::MAX is accepted",
            List,
            session("life", json!(i64::MAX)).pipe(ok),
            Expect::Ok(|d| assert_eq!(first(d).life, i64::MAX)),
        ),
        row(
            "life u64::MAX does not fit",
            List,
            session("life", json!(u64::MAX)).pipe(ok),
            bad_result(
                LIST_ID,
                "invalid value: integer `18446744073709551615`, expected i64",
            ),
        ),
        row(
            "life u64::MAX + 1 does not fit",
            List,
            ok(String::from_utf8(fixture(LIST))
                .unwrap()
                .replacen("\"life\": 596742", "\"life\": 18446744073709551616", 1)
                .into_bytes()),
            bad_result(LIST_ID, "invalid type: floating point"),
        ),
        // ---- size and depth
        row(
            "a 17 MiB body over the default 16 MiB cap",
            List,
            with_id(ok(big_list(17 << 20))),
            decode(200, Some(HDR_ID), "exceeds the 16777216-byte limit"),
        ),
        row(
            "a 10 MB body over a lowered 8 MiB cap, close-delimited",
            List,
            ok(big_list(10_000_000)).without_length(),
            decode(200, None, "exceeds the 8388608-byte limit"),
        )
        .tune(|c| c.max_body_bytes = 8 << 20),
        row(
            "a 10 MB body within the default cap parses",
            List,
            ok(big_list(10_000_000)),
            Expect::Ok(|d| {
                let Done::List(r) = d else {
                    panic!("not a listing")
                };
                assert_eq!(r.summary.len(), 10_000_000);
                assert_eq!(r.result.sessions.len(), 2);
            }),
        ),
        row(
            "100,000 nested arrays as the body",
            List,
            with_id(ok(deep_top)),
            decode(200, Some(HDR_ID), "not a JSON object"),
        ),
        // Skipping a value to keep its text is a loop, not a recursion: any depth is
        // read to its end without growing the stack, and the typed decode refuses the
        // nesting where it first expects something else.
        row(
            "100,000 nested arrays as the result, never closed",
            List,
            with_id(ok(deep_inside)),
            decode(200, Some(HDR_ID), "EOF while parsing a list"),
        ),
        row(
            "100,000 nested arrays as the result",
            List,
            with_id(ok(deep_closed)),
            decode(
                200,
                Some(HDR_ID),
                "result does not match the endpoint: invalid type: sequence, expected a string",
            ),
        ),
        // ---- encoding
        row(
            "invalid UTF-8 in the summary",
            List,
            ok(bad_utf8_summary),
            decode(200, None, "invalid unicode code point"),
        ),
        row(
            "invalid UTF-8 in an email",
            List,
            with_id(ok(bad_utf8_email)),
            decode(200, Some(HDR_ID), "invalid unicode code point"),
        ),
        row(
            "a lone surrogate escape in an email",
            List,
            session("email", json!("PLACEHOLDER")).pipe(|b| {
                ok(String::from_utf8(b)
                    .unwrap()
                    .replace("PLACEHOLDER", "\\ud800")
                    .into_bytes())
            }),
            // The envelope keeps the result as text; its typed decode refuses the escape,
            // so the error carries the envelope's request id.
            bad_result(LIST_ID, "hex escape"),
        ),
        // ---- 202
        row(
            "a 202 that is not an envelope",
            List,
            Reply::json(202, b"Accepted".to_vec()),
            decode(202, None, "not a JSON object"),
        ),
        row(
            "a 202 with a malformed result is still polled",
            List,
            Reply::json(
                202,
                set("accepted_202.response.json", "/result", json!("garbage")),
            ),
            Expect::Ok(|d| assert_eq!(list(d).sessions.len(), 2)),
        )
        .then(ok(fixture("request_poll_done.response.json"))),
        row(
            "a 202 whose poll answers garbage",
            List,
            Reply::json(202, fixture("accepted_202.response.json")),
            decode(200, None, "not a JSON object"),
        )
        .then(ok(b"<<garbage>>".to_vec())),
        row(
            "a 202 whose poll answers a wrong result",
            List,
            Reply::json(202, fixture("accepted_202.response.json")),
            bad_result(ACCEPTED_ID, "missing field `sessions`"),
        )
        .then(ok(envelope("Success", ACCEPTED_ID, "done", json!({})))),
        row(
            "a 202 whose poll never answers",
            List,
            Reply::json(202, fixture("accepted_202.response.json")),
            Expect::Transport(TransportKind::Timeout, 1),
        )
        .then(Reply::Hang)
        .tune(short_timeout),
        row(
            "a 202 whose request id climbs out of the path",
            Invalidate,
            Reply::json(
                202,
                envelope("Accepted", "../v2/session/logout", "", json!(null)),
            ),
            decode(202, Some("../v2/session/logout"), "unusable request id"),
        ),
        // ---- validation errors
        row(
            "a validation error whose errors is a string",
            ClientInvalidate,
            Reply::json(
                400,
                envelope(
                    "ValidationError",
                    "prq_val",
                    "bad",
                    json!({"errors": "everything"}),
                ),
            ),
            Expect::Api {
                kind: ApiStatus::ValidationError,
                http: 400,
                request_id: "prq_val",
                summary: "bad",
            },
        ),
        row(
            "a validation error whose errors hold numbers",
            ClientInvalidate,
            Reply::json(
                400,
                envelope(
                    "ValidationError",
                    "prq_val",
                    "bad",
                    json!({"errors": [1, 2]}),
                ),
            ),
            Expect::Api {
                kind: ApiStatus::ValidationError,
                http: 400,
                request_id: "prq_val",
                summary: "bad",
            },
        ),
        // ---- tolerated: unknown fields everywhere
        row(
            "unknown fields everywhere are tolerated",
            List,
            {
                let mut d = doc(LIST);
                d["extra"] = json!({"nested": [1, {"x": null}]});
                d["result"]["cursor_v2"] = json!(42);
                d["result"]["sessions"][0]["mfa"] = json!(["totp"]);
                d["result"]["sessions"][0]["active_token"]["device"] = json!({"os": "x"});
                ok(bytes(&d))
            },
            Expect::Ok(|d| {
                assert_eq!(list(d).sessions.len(), 2);
                assert_eq!(first(d).id, "pmt_6pjzbzvdrfowgmgjdsiimar6ulkt564q");
                assert_eq!(list(d).last.as_deref(), Some("Mjoy"));
            }),
        ),
        row(
            "unknown fields in a refresh are tolerated",
            Refresh,
            set(
                "client_session_refresh.response.json",
                "/result/refresh_token/rotation",
                json!({"n": 1}),
            )
            .pipe(ok),
            Expect::Ok(|d| {
                let Done::Refresh(r) = d else {
                    panic!("not a refresh")
                };
                let active = r.result.active_token.as_ref().unwrap();
                assert_eq!(active.info.id, "pmt_slq64mwtdzf7ozvxw5di7fzjzhpx24v2");
            }),
        ),
        row(
            "an invalidate answering an unknown object is done",
            Invalidate,
            ok(envelope(
                "Success",
                "prq_inv",
                "ok",
                json!({"invalidated": 1}),
            )),
            Expect::Ok(|d| assert!(matches!(d, Done::Unit(r) if r.request_id == "prq_inv"))),
        ),
        // ---- refresh, token check and invalidate results
        row(
            "refresh without its refresh_token",
            Refresh,
            remove(
                "client_session_refresh.response.json",
                "/result/refresh_token",
            )
            .pipe(ok),
            bad_result(REFRESH_ID, "missing field `refresh_token`"),
        ),
        row(
            "refresh with a numeric token value",
            Refresh,
            set(
                "client_session_refresh.response.json",
                "/result/active_token/token",
                json!(12345),
            )
            .pipe(ok),
            bad_result(
                REFRESH_ID,
                "invalid type: integer `12345`, expected a string",
            ),
        ),
        row(
            "token check with a string life",
            Check,
            set(
                "client_token_check.response.json",
                "/result/life",
                json!("soon"),
            )
            .pipe(ok),
            bad_result(CHECK_ID, "invalid type: string \"soon\", expected i64"),
        ),
        row(
            "token check with enabled as a string",
            Check,
            set(
                "client_token_check.response.json",
                "/result/enabled",
                json!("yes"),
            )
            .pipe(ok),
            bad_result(CHECK_ID, "invalid type: string \"yes\", expected a boolean"),
        ),
        row(
            "token check with a null result",
            Check,
            set("client_token_check.response.json", "/result", json!(null)).pipe(ok),
            bad_result(CHECK_ID, "invalid type: null, expected struct TokenInfo"),
        ),
        row(
            "token check with partial intelligence",
            Check,
            set(
                "client_token_check.response.json",
                "/result/intelligence",
                json!({"embargo": true}),
            )
            .pipe(ok),
            Expect::Ok(|d| {
                let Done::Check(r) = d else {
                    panic!("not a check")
                };
                let i = r.result.intelligence.as_ref().unwrap();
                assert_eq!(i.embargo, Some(true));
                assert_eq!(i.ip_intel, None);
            }),
        ),
        row(
            "invalidate answering an array",
            Invalidate,
            ok(envelope("Success", "prq_inv", "", json!([]))),
            bad_result("prq_inv", "expected an object or null, found an array"),
        ),
        row(
            "invalidate answering a string",
            ClientInvalidate,
            ok(envelope("Success", "prq_inv", "", json!("done"))),
            bad_result("prq_inv", "expected an object or null, found a string"),
        ),
        // ---- hostile text
        row(
            "control characters in a summary stay data",
            List,
            Reply::json(
                400,
                envelope("InternalError", "prq_evil", evil, json!(null)),
            ),
            Expect::Api {
                kind: ApiStatus::InternalError,
                http: 400,
                request_id: "prq_evil",
                summary: "\u{1b}]52;c;",
            },
        ),
        row(
            "control characters in an email stay data",
            List,
            session("email", json!(evil)).pipe(ok),
            Expect::Ok(|d| assert!(first(d).email.contains("\u{1b}[2J"))),
        ),
        row(
            "control characters in a non-JSON body are escaped in the error",
            List,
            with_id(ok(b"\x1b[2J\x1b]0;owned\x07<html>".to_vec())),
            decode(200, Some(HDR_ID), "not a JSON object"),
        ),
        row(
            "every token echoed in summary, header and body",
            ClientList,
            Reply::json(
                400,
                envelope(
                    "InvalidToken",
                    "prq_echo",
                    &format!("bearer {SERVICE} and {USER} are wrong"),
                    json!({"token": USER}),
                ),
            )
            .header("x-request-id", USER),
            Expect::Api {
                kind: ApiStatus::InvalidToken,
                http: 400,
                request_id: "prq_echo",
                summary: "bearer [REDACTED] and [REDACTED] are wrong",
            },
        ),
        row(
            "tokens echoed in a page that is not an envelope",
            ClientList,
            html(502)
                .pipe(|r| match r {
                    Reply::Http {
                        status, headers, ..
                    } => Reply::Http {
                        status,
                        headers,
                        length: true,
                        body: format!("{USER}<p>{SERVICE} refused</p>").into_bytes(),
                    },
                    other => other,
                })
                .header("x-request-id", SERVICE),
            decode(502, Some("[REDACTED]"), "not a JSON object"),
        ),
        row(
            "refresh tokens echoed in an error",
            Refresh,
            Reply::json(
                400,
                envelope(
                    "ExpiredToken",
                    "prq_exp",
                    &format!("{REFRESH} / {USER} expired"),
                    json!(null),
                ),
            ),
            Expect::Api {
                kind: ApiStatus::ExpiredToken,
                http: 400,
                request_id: "prq_exp",
                summary: "[REDACTED] / [REDACTED] expired",
            },
        ),
        row(
            "a token as the request id of a malformed result",
            Check,
            ok(envelope("Success", USER, USER, json!({"id": USER}))),
            bad_result("[REDACTED]", "missing field"),
        ),
        row(
            "a token echoed in a validation detail",
            ClientInvalidate,
            Reply::json(
                400,
                envelope(
                    "ValidationError",
                    "prq_val",
                    "bad",
                    json!({"errors": [
                        {"code": "DoesNotMatchPattern", "detail": format!("'{USER}' is not allowed"), "source": "/token"}
                    ]}),
                ),
            ),
            Expect::Api {
                kind: ApiStatus::ValidationError,
                http: 400,
                request_id: "prq_val",
                summary: "bad",
            },
        ),
        // Found by tests/parser_fuzz.rs: the snippet window ended inside the third token,
        // and once the first two had shrunk to [REDACTED] that end was no longer "cut".
        row(
            "a token cut by the snippet window after two echoed tokens",
            ClientList,
            Reply::json(
                502,
                format!("{SERVICE}{USER}{}{SERVICE} down", "x".repeat(64)).into_bytes(),
            ),
            decode(502, None, "not a JSON object"),
        ),
        // ---- no answer
        row(
            "the connection is dropped",
            List,
            Reply::Drop,
            Expect::Transport(TransportKind::Closed, 1),
        ),
        row(
            "a dropped refresh is never retried",
            Refresh,
            Reply::Drop,
            Expect::Transport(TransportKind::Closed, 1),
        )
        .tune(|c| c.retry.max_attempts = 3),
        row(
            "the server never answers",
            Check,
            Reply::Hang,
            Expect::Transport(TransportKind::Timeout, 1),
        )
        .tune(short_timeout),
        row(
            "the server trickles its answer",
            List,
            Reply::Trickle {
                status: 200,
                body: fixture(LIST),
                every: Duration::from_millis(100),
            },
            Expect::Transport(TransportKind::Timeout, 1),
        )
        .tune(short_timeout),
    ]
}

/// `x.pipe(f)` is `f(x)`: keeps table rows reading left to right.
trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}
impl<T> Pipe for T {}

// ---------------------------------------------------------------- running a row

fn config(base: &str) -> ClientConfig {
    let mut c = fast_config(base, Secret::new(SERVICE), 1);
    c.request_timeout = Duration::from_secs(10);
    c
}

async fn call(c: &Client, op: Op) -> Result<Done, Error> {
    let user = Secret::new(USER);
    let req = SessionListRequest::default();
    Ok(match op {
        Op::List => Done::List(c.session_list(&req).await?),
        Op::ClientList => Done::List(c.client_session_list(&user, &req).await?),
        Op::Refresh => Done::Refresh(Box::new(
            c.client_session_refresh(&Secret::new(REFRESH), Some(&user))
                .await?,
        )),
        Op::Check => Done::Check(Box::new(c.token_check(&user).await?)),
        Op::Invalidate => Done::Unit(c.session_invalidate(SESSION).await?),
        Op::ClientInvalidate => Done::Unit(c.client_session_invalidate(&user, SESSION).await?),
        Op::Walk => Done::Walk(c.pages(ListScope::Service, req).collect().await),
    })
}

/// No token value, nor a recognisable piece of one, and nothing unsafe once cleaned.
fn assert_harmless(name: &str, e: &Error) {
    let shown = format!("{e} {e:?}");
    for t in [SERVICE, USER, REFRESH] {
        assert!(!shown.contains(&t[..12]), "{name}: token in {shown}");
    }
    let display = e.to_string();
    let cleaned = sanitize::clean(&display);
    assert!(
        !cleaned.chars().any(sanitize::is_unsafe),
        "{name}: {cleaned:?}"
    );
}

async fn play(row: Row) {
    let Row {
        name,
        op,
        replies,
        tune,
        expect,
    } = row;
    let last = replies.len() - 1;
    let server = Server::start(move |n, _| replies[n.min(last)].clone()).await;
    let mut cfg = config(&server.base);
    tune(&mut cfg);
    let client = Client::new(cfg).unwrap();
    // Every row must end by itself; this bound only turns a hang into a failure.
    let outcome = tokio::time::timeout(Duration::from_secs(60), call(&client, op))
        .await
        .unwrap_or_else(|_| panic!("{name}: the call did not end"));
    if let Err(e) = &outcome {
        assert_harmless(name, e);
    }
    if let Ok(Done::Walk(pages)) = &outcome {
        for p in pages.iter().filter_map(|p| p.as_ref().err()) {
            assert_harmless(name, &p.error);
        }
    }
    match (expect, outcome) {
        (
            Expect::Decode {
                http,
                request_id,
                reason: want,
            },
            Err(Error::Decode {
                http_status,
                request_id: got_id,
                reason,
                snippet,
            }),
        ) => {
            assert_eq!(http_status, http, "{name}");
            assert_eq!(got_id.as_deref(), request_id, "{name}");
            assert!(reason.contains(want), "{name}: reason {reason:?}");
            assert!(
                snippet.len() <= 130,
                "{name}: snippet {} bytes",
                snippet.len()
            );
        }
        (
            Expect::Api {
                kind,
                http,
                request_id,
                summary,
            },
            Err(Error::Api(a)),
        ) => {
            assert_eq!(a.kind, kind, "{name}");
            assert_eq!(a.http_status, http, "{name}");
            assert_eq!(a.request_id, request_id, "{name}");
            assert!(
                a.summary.contains(summary),
                "{name}: summary {:?}",
                a.summary
            );
            let shown = Error::Api(a.clone()).to_string();
            assert!(shown.contains(request_id), "{name}: {shown}");
        }
        (
            Expect::Transport(kind, attempts),
            Err(Error::Transport {
                kind: k,
                attempts: n,
                ..
            }),
        ) => {
            assert_eq!((k, n), (kind, attempts), "{name}");
        }
        (Expect::Ok(check), Ok(done)) => check(&done),
        (_, Err(e)) => panic!("{name}: unexpected error {e:?}"),
        (_, Ok(_)) => panic!("{name}: unexpectedly succeeded"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_answer_has_its_specific_outcome() {
    let rows = table();
    assert!(rows.len() >= 40, "{} rows", rows.len());
    let mut names: Vec<_> = rows.iter().map(|r| r.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), rows.len(), "row names must be unique");
    let runs: Vec<_> = rows
        .into_iter()
        .map(|r| (r.name, tokio::spawn(play(r))))
        .collect();
    let mut failed = Vec::new();
    for (name, run) in runs {
        if let Err(e) = run.await {
            let why = e
                .try_into_panic()
                .ok()
                .and_then(|p| {
                    p.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(ToString::to_string))
                })
                .unwrap_or_default();
            failed.push(if why.is_empty() {
                name.to_string()
            } else {
                why
            });
        }
    }
    assert!(
        failed.is_empty(),
        "{} row(s) failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[tokio::test]
async fn a_validation_detail_echoing_a_token_keeps_its_shape_without_the_token() {
    let server = Server::start(|_, _| {
        Reply::json(
            400,
            envelope(
                "ValidationError",
                "prq_val",
                "bad",
                json!({"errors": [{"code": "DoesNotMatchPattern", "detail": format!("'{USER}' is not allowed"), "source": "/token"}]}),
            ),
        )
    })
    .await;
    let err = Client::new(config(&server.base))
        .unwrap()
        .client_session_invalidate(&Secret::new(USER), SESSION)
        .await
        .unwrap_err();
    let Error::Api(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.errors.len(), 1);
    assert_eq!(a.errors[0].detail, "'[REDACTED]' is not allowed");
    assert_eq!(a.errors[0].source, "/token");
}

#[tokio::test]
async fn control_characters_survive_as_data_and_never_reach_a_terminal() {
    let evil = "a\u{1b}[2Jb\u{7}c";
    let server = Server::start(move |_, _| {
        Reply::json(400, envelope("NotFound", "prq_cc", evil, json!(null)))
    })
    .await;
    let err = Client::new(config(&server.base))
        .unwrap()
        .session_invalidate(SESSION)
        .await
        .unwrap_err();
    let Error::Api(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.summary, evil, "the error keeps what the server said");
    let shown = sanitize::clean(&err.to_string()).into_owned();
    assert!(shown.contains("a\u{FFFD}[2Jb\u{FFFD}c"), "{shown}");
}
