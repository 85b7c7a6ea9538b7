//! The spec fixtures against our models and request bodies.

use authtop::authn::model::*;
use authtop::authn::{ApiStatus, Call, Client, ClientConfig, Secret};
use serde_json::Value;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec")
}

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(dir().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn manifest_files() -> Vec<Value> {
    load("manifest.json")["files"].as_array().unwrap().clone()
}

fn client() -> Client {
    Client::new(ClientConfig::new(
        "http://127.0.0.1:9",
        Secret::new("pts_rutd5xfk2uj4fl3fcmceh26ecb7opuoj"),
    ))
    .unwrap()
}

#[test]
fn manifest_lists_every_fixture_file() {
    let listed: Vec<String> = manifest_files()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name != "manifest.json" {
            assert!(listed.contains(&name), "{name} is not in the manifest");
        }
    }
    assert_eq!(listed.len(), 31);
}

/// Parses a response fixture's result into the type its endpoint returns.
fn check_result(name: &str, endpoint: &str, env: &Envelope<Value>) {
    let result = env.result.clone().unwrap_or(Value::Null);
    match env.status.as_str() {
        STATUS_SUCCESS => match endpoint {
            "POST /v2/session/list"
            | "POST /v2/client/session/list"
            | "GET /request/{request_id}" => {
                let r: SessionListResult = serde_json::from_value(result).unwrap();
                assert!(!r.sessions.is_empty(), "{name}");
                assert!(r.last.is_some(), "{name}");
                if endpoint == "POST /v2/client/session/list" {
                    assert_eq!(r.count, None, "{name}");
                }
            }
            "POST /v2/client/session/refresh" => {
                let r: RefreshResult = serde_json::from_value(result).unwrap();
                assert!(r.refresh_token.token.expose().starts_with("ptr_"));
                let active = r.active_token.unwrap();
                assert!(active.token.expose().starts_with("ptu_"));
                assert_eq!(active.info.kind, "user");
            }
            "POST /v2/client/token/check" => {
                let r: TokenInfo = serde_json::from_value(result).unwrap();
                assert!(r.id.starts_with("pmt_"));
                let intel = r.intelligence.unwrap();
                assert!(intel.ip_intel.unwrap().geolocation.is_some());
            }
            _ => assert_eq!(result, serde_json::json!({}), "{name}: empty result"),
        },
        STATUS_ACCEPTED => {
            let r: AcceptedResult = serde_json::from_value(result).unwrap();
            assert!(r.location.ends_with(&env.request_id), "{name}");
        }
        "ValidationError" => {
            let r: ValidationErrors = serde_json::from_value(result).unwrap();
            assert!(!r.errors.is_empty(), "{name}");
            assert!(r.errors.iter().all(|e| e.source.starts_with('/')), "{name}");
        }
        other => assert!(
            !matches!(ApiStatus::parse(other), ApiStatus::Other(_)),
            "{name}: unclassified status {other}"
        ),
    }
}

#[test]
fn every_response_fixture_parses_into_the_models() {
    let mut checked = 0;
    for f in manifest_files() {
        if f["kind"] != "response" {
            continue;
        }
        let name = f["file"].as_str().unwrap();
        let env: Envelope<Value> = serde_json::from_value(load(name)).unwrap();
        assert!(env.request_id.starts_with("prq_"), "{name}");
        let http = f["http_status"].as_u64().unwrap();
        assert_eq!(env.status == STATUS_SUCCESS, http == 200, "{name}");
        check_result(name, f["endpoint"].as_str().unwrap(), &env);
        checked += 1;
    }
    assert_eq!(checked, 20);
}

fn str_of(v: &Value, key: &str) -> String {
    v[key].as_str().unwrap().to_string()
}

/// What our client sends for the call a request fixture describes.
fn our_body(endpoint: &str, fixture: &Value) -> Vec<u8> {
    let c = client();
    let token = fixture
        .get("token")
        .map(|_| Secret::new(str_of(fixture, "token")));
    let list = || -> SessionListRequest {
        let mut v = fixture.clone();
        v.as_object_mut().unwrap().remove("token");
        serde_json::from_value(v).unwrap()
    };
    match endpoint {
        "POST /v2/session/list" => c.body_of(&Call::SessionList(&list())).unwrap(),
        "POST /v2/session/invalidate" => c
            .body_of(&Call::SessionInvalidate {
                session_id: &str_of(fixture, "session_id"),
            })
            .unwrap(),
        "POST /v2/session/logout" => c
            .body_of(&Call::SessionLogout {
                user_id: &str_of(fixture, "user_id"),
            })
            .unwrap(),
        "POST /v2/client/session/list" => c
            .body_of(&Call::ClientSessionList {
                token: token.as_ref().unwrap(),
                req: &list(),
            })
            .unwrap(),
        "POST /v2/client/session/invalidate" => c
            .body_of(&Call::ClientSessionInvalidate {
                token: token.as_ref().unwrap(),
                session_id: &str_of(fixture, "session_id"),
            })
            .unwrap(),
        "POST /v2/client/session/logout" => c
            .body_of(&Call::ClientSessionLogout {
                token: token.as_ref().unwrap(),
            })
            .unwrap(),
        "POST /v2/client/session/refresh" => {
            let user = fixture
                .get("user_token")
                .map(|_| Secret::new(str_of(fixture, "user_token")));
            c.body_of(&Call::ClientSessionRefresh {
                refresh_token: &Secret::new(str_of(fixture, "refresh_token")),
                user_token: user.as_ref(),
            })
            .unwrap()
        }
        "POST /v2/client/token/check" => c
            .body_of(&Call::TokenCheck {
                token: token.as_ref().unwrap(),
            })
            .unwrap(),
        other => panic!("no call for {other}"),
    }
}

#[test]
fn every_request_fixture_is_what_the_client_sends() {
    let mut checked = 0;
    for f in manifest_files() {
        let name = f["file"].as_str().unwrap();
        if f["kind"] != "request" || name == "validation_error.request.json" {
            continue;
        }
        let fixture = load(name);
        let sent: Value =
            serde_json::from_slice(&our_body(f["endpoint"].as_str().unwrap(), &fixture)).unwrap();
        assert_eq!(sent, fixture, "{name}");
        checked += 1;
    }
    assert_eq!(checked, 10);
}

#[test]
fn request_bodies_never_carry_nulls() {
    let c = client();
    let t = Secret::new("ptr_qjjksb5mrmddagqz2h3aafkgbs6agqef");
    let body = c
        .body_of(&Call::ClientSessionRefresh {
            refresh_token: &t,
            user_token: None,
        })
        .unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v, serde_json::json!({"refresh_token": t.expose()}));
    let list = c
        .body_of(&Call::SessionList(&SessionListRequest::default()))
        .unwrap();
    assert_eq!(list, b"{}");
}
