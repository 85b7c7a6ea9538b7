//! Listing against the emulator: ordering, every filter operator, keyset cursors, count.

use crate::harness::emulator::EmuHttp;
use authtop::emulator::EmulatorConfig;
use serde_json::{Value, json};
use std::collections::HashSet;

const ORDER_BY: [&str; 7] = [
    "id",
    "created_at",
    "type",
    "identity",
    "email",
    "expire",
    "active_token_id",
];

fn key(s: &Value, order_by: &str) -> String {
    match order_by {
        "type" => s["type"].as_str().unwrap().to_owned(),
        "active_token_id" => s["active_token"]["id"].as_str().unwrap_or("").to_owned(),
        // Timestamps compare by instant, not by text (fraction digits vary).
        "created_at" | "expire" => format!(
            "{:020}",
            s[order_by]
                .as_str()
                .unwrap()
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_microsecond()
        ),
        f => s[f].as_str().unwrap().to_owned(),
    }
}

#[tokio::test]
async fn every_order_by_both_ways_with_id_tie_break() {
    let e = EmuHttp::small().await;
    for ob in ORDER_BY {
        for order in ["asc", "desc"] {
            let all = e
                .walk(
                    "/v2/session/list",
                    json!({"order": order, "order_by": ob}),
                    7,
                )
                .await;
            assert_eq!(all.len(), 60, "{ob} {order}");
            let keys: Vec<(String, String)> = all
                .iter()
                .map(|s| (key(s, ob), s["id"].as_str().unwrap().to_owned()))
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            if order == "desc" {
                sorted.reverse();
            }
            assert_eq!(keys, sorted, "{ob} {order}");
        }
    }
    e.emu.shutdown().await;
}

#[tokio::test]
#[expect(
    clippy::too_many_lines,
    reason = "a case table: one check per filter operator"
)]
async fn every_filter_operator() {
    let e = EmuHttp::small().await;
    let all = e.walk("/v2/session/list", json!({}), 1000).await;
    let count = |f: &dyn Fn(&Value) -> bool| all.iter().filter(|s| f(s)).count();
    let sample = &all[5];
    let email = sample["email"].as_str().unwrap();
    let identity = sample["identity"].as_str().unwrap();
    let created = sample["created_at"].as_str().unwrap();
    let created_us = created.parse::<jiff::Timestamp>().unwrap();
    let other_email = all
        .iter()
        .map(|s| s["email"].as_str().unwrap())
        .find(|x| *x != email)
        .unwrap();
    let with_scope = all
        .iter()
        .find(|s| !s["scopes"].as_array().unwrap().is_empty())
        .unwrap();
    let scope = with_scope["scopes"][0].as_str().unwrap();
    let dept = sample["profile"]["department"].as_str().unwrap();
    let frag: String = dept.chars().skip(1).take(2).collect();
    let atid = sample["active_token"]["id"].as_str().unwrap();

    let cases: Vec<(Value, usize)> = vec![
        (json!({"email": email}), count(&|s| s["email"] == email)),
        (
            json!({"identity": identity}),
            count(&|s| s["identity"] == identity),
        ),
        (json!({"id": sample["id"]}), 1),
        (json!({"type": "session"}), 60),
        (json!({"type__in": ["user", "session"]}), 60),
        (json!({"type__contains": ["sess", "ion"]}), 60),
        (json!({"type__contains": ["sess", "nope"]}), 0),
        (json!({"active_token_id": atid}), 1),
        (json!({"active_token_id__in": [atid, "pmt_x"]}), 1),
        (json!({"active_token_id__contains": [&atid[4..12]]}), 1),
        (json!({"id__in": [all[0]["id"], all[1]["id"]]}), 2),
        (json!({"id__contains": ["pmt_"]}), 60),
        (
            json!({"email__in": [email, other_email]}),
            count(&|s| s["email"] == email || s["email"] == other_email),
        ),
        (json!({"email__contains": ["@", "."]}), 60),
        (
            json!({"identity__in": [identity]}),
            count(&|s| s["identity"] == identity),
        ),
        (
            json!({"identity__contains": [&identity[4..10]]}),
            count(&|s| s["identity"] == identity),
        ),
        (json!({"created_at": created}), 1),
        (
            json!({"created_at__gt": created}),
            count(&|s| {
                s["created_at"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    > created_us
            }),
        ),
        (
            json!({"created_at__gte": created}),
            count(&|s| {
                s["created_at"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    >= created_us
            }),
        ),
        (
            json!({"created_at__lt": created}),
            count(&|s| {
                s["created_at"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    < created_us
            }),
        ),
        (
            json!({"created_at__lte": created}),
            count(&|s| {
                s["created_at"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    <= created_us
            }),
        ),
        (
            json!({"expire__gt": sample["expire"]}),
            count(&|s| {
                s["expire"]
                    .as_str()
                    .unwrap()
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    > sample["expire"]
                        .as_str()
                        .unwrap()
                        .parse::<jiff::Timestamp>()
                        .unwrap()
            }),
        ),
        (
            json!({"expire__lte": sample["expire"], "expire__gte": sample["expire"]}),
            1,
        ),
        (
            json!({"scopes": [scope]}),
            count(&|s| s["scopes"].as_array().unwrap().iter().any(|x| x == scope)),
        ),
        (json!({"scopes": [scope, "no-such-scope"]}), 0),
        (
            json!({"profile_department": dept}),
            count(&|s| s["profile"]["department"] == dept),
        ),
        (
            json!({"profile_department__contains": [frag, "no-such-text"]}),
            count(&|s| {
                s["profile"]["department"]
                    .as_str()
                    .unwrap()
                    .contains(frag.as_str())
            }),
        ),
        (
            json!({"profile_locale__exists": true}),
            count(&|s| s["profile"].get("locale").is_some()),
        ),
        (
            json!({"profile_locale__exists": false}),
            count(&|s| s["profile"].get("locale").is_none()),
        ),
        (json!({"profile_nothing__exists": true}), 0),
        (json!({}), 60),
    ];
    for (filter, want) in cases {
        let r = e
            .post("/v2/session/list", json!({"filter": filter, "size": 1000}))
            .await;
        assert_eq!(r.status(), "Success", "{filter}: {}", r.body);
        assert_eq!(r.result()["count"], want, "count for {filter}");
        assert_eq!(
            r.result()["sessions"].as_array().unwrap().len(),
            want,
            "rows for {filter}"
        );
    }
    assert!(count(&|s| s["profile"].get("locale").is_some()) > 0);
    // username and enabled come from the owner.
    let r = e
        .post(
            "/v2/session/list",
            json!({"filter": {"enabled": true}, "size": 1000}),
        )
        .await;
    let enabled = r.result()["count"].as_u64().unwrap();
    let r = e
        .post(
            "/v2/session/list",
            json!({"filter": {"enabled": false}, "size": 1000}),
        )
        .await;
    assert_eq!(enabled + r.result()["count"].as_u64().unwrap(), 60);
    let r = e
        .post(
            "/v2/session/list",
            json!({"filter": {"username__contains": [""]}}),
        )
        .await;
    assert_eq!(r.result()["count"], 60);
    let r = e
        .post(
            "/v2/session/list",
            json!({"filter": {"username": "nobody"}}),
        )
        .await;
    assert_eq!(r.result()["count"], 0);
    e.emu.shutdown().await;
}

#[tokio::test]
async fn profile_filter_names_are_letters_only() {
    let e = EmuHttp::small().await;
    // `profile_first_name` matches none of the document's `profile_<letters>` patterns, so
    // it is an unknown key: ignored (with a warning), not a filter on `first_name`.
    let r = e
        .post(
            "/v2/session/list",
            json!({"filter": {"profile_first_name": "Alice"}}),
        )
        .await;
    assert_eq!(r.status(), "Success", "{}", r.body);
    assert_eq!(r.result()["count"], 60);
    assert!(
        e.emu
            .warnings()
            .iter()
            .any(|w| w.contains("\"profile_first_name\""))
    );
    let r = e
        .post(
            "/v2/session/list",
            json!({"filter": {"profile_locale__exists": "yes"}}),
        )
        .await;
    assert_eq!(r.sources(), vec!["/filter/profile_locale__exists"]);
    e.emu.shutdown().await;
}

#[tokio::test]
async fn cursor_walk_survives_deletions_between_pages() {
    let e = EmuHttp::small().await;
    for ob in ["created_at", "email", "id"] {
        let e = EmuHttp::small().await;
        let body = json!({"order_by": ob, "order": "asc", "size": 7});
        let mut seen = Vec::new();
        let mut deleted = HashSet::new();
        let mut req = body.clone();
        let mut rng = fastrand::Rng::with_seed(3);
        for _ in 0..100 {
            let r = e.post("/v2/session/list", req.clone()).await;
            let page = r.result()["sessions"].as_array().unwrap().clone();
            seen.extend(page.iter().map(|s| s["id"].as_str().unwrap().to_owned()));
            let last = r.result()["last"].as_str().unwrap().to_owned();
            if last.is_empty() {
                break;
            }
            // Delete the last row served and a random unseen one, between pages.
            let gone = page.last().unwrap()["id"].as_str().unwrap().to_owned();
            assert!(e.emu.delete_session(&gone));
            let rest = e.post("/v2/session/list", json!({"size": 1000})).await;
            let ids: Vec<String> = rest.result()["sessions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].as_str().unwrap().to_owned())
                .filter(|id| !seen.contains(id))
                .collect();
            if !ids.is_empty() {
                let victim = &ids[rng.usize(..ids.len())];
                e.emu.delete_session(victim);
                deleted.insert(victim.clone());
            }
            req["last"] = last.into();
        }
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no session repeats ({ob})");
        assert!(
            seen.iter().all(|s| !deleted.contains(s)),
            "deleted unseen sessions are not served"
        );
        assert_eq!(
            seen.len() + deleted.len(),
            60,
            "nothing live is skipped ({ob})"
        );
        e.emu.shutdown().await;
    }
    // A cursor belongs to its query.
    let r = e
        .post("/v2/session/list", json!({"order_by": "email", "size": 2}))
        .await;
    let last = r.result()["last"].as_str().unwrap();
    let other = e
        .post("/v2/session/list", json!({"order_by": "id", "last": last}))
        .await;
    assert_eq!(other.sources(), vec!["/last"]);
    // The page size may change between pages.
    let same = e
        .post(
            "/v2/session/list",
            json!({"order_by": "email", "size": 5, "last": last}),
        )
        .await;
    assert_eq!(same.result()["sessions"].as_array().unwrap().len(), 5);
    e.emu.shutdown().await;
}

#[tokio::test]
async fn client_list_pages_over_the_owners_sessions() {
    let e = EmuHttp::small().await;
    let u = e.user_with_sessions(3);
    let token = u.sessions[0].user_token.expose().to_owned();
    let all = e
        .walk(
            "/v2/client/session/list",
            json!({"token": token, "order_by": "created_at", "order": "asc"}),
            1,
        )
        .await;
    let mut got: Vec<&str> = all.iter().map(|s| s["id"].as_str().unwrap()).collect();
    let mut want: Vec<&str> = u.sessions.iter().map(|s| s.session_id.as_str()).collect();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    e.emu.shutdown().await;
}

#[tokio::test]
async fn page_size_default_max_and_count() {
    let e = EmuHttp::start(EmulatorConfig {
        users: 30,
        sessions: 1200,
        ..EmulatorConfig::default()
    })
    .await;
    let r = e.post("/v2/session/list", json!({})).await;
    assert_eq!(r.result()["sessions"].as_array().unwrap().len(), 20);
    assert_eq!(r.result()["count"], 1200);
    let r = e.post("/v2/session/list", json!({"size": 1000})).await;
    assert_eq!(r.result()["sessions"].as_array().unwrap().len(), 1000);
    assert_ne!(r.result()["last"], "");
    let r2 = e
        .post(
            "/v2/session/list",
            json!({"size": 1000, "last": r.result()["last"]}),
        )
        .await;
    assert_eq!(r2.result()["sessions"].as_array().unwrap().len(), 200);
    assert_eq!(r2.result()["last"], "");
    e.emu.shutdown().await;
}

#[tokio::test]
async fn a_hundred_thousand_sessions_load_and_list() {
    let e = EmuHttp::start(EmulatorConfig {
        users: 5_000,
        sessions: 100_000,
        ..EmulatorConfig::default()
    })
    .await;
    assert_eq!(e.emu.session_count(), 100_000);
    let r = e
        .post(
            "/v2/session/list",
            json!({"size": 1000, "order_by": "email", "order": "asc"}),
        )
        .await;
    assert_eq!(r.result()["count"], 100_000);
    assert_eq!(r.result()["sessions"].as_array().unwrap().len(), 1000);
    let r = e
        .post(
            "/v2/session/list",
            json!({"size": 1000, "last": r.result()["last"], "order_by": "email", "order": "asc"}),
        )
        .await;
    assert_eq!(r.result()["sessions"].as_array().unwrap().len(), 1000);
    e.emu.shutdown().await;
}
