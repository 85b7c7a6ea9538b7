//! The emulator's intelligence blocks and User-Agents: a realistic, seeded mix in list
//! items, token check and refresh answers, complete blocks only, and a switch to turn
//! them off.

use crate::harness::emulator::EmuHttp;
use authtop::emulator::EmulatorConfig;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn config(intelligence: bool) -> EmulatorConfig {
    EmulatorConfig {
        seed: 21,
        users: 400,
        sessions: 5000,
        intelligence,
        ..EmulatorConfig::default()
    }
}

async fn all_sessions(e: &EmuHttp) -> Vec<Value> {
    e.walk("/v2/session/list", json!({}), 1000).await
}

fn intel(s: &Value) -> Option<&Value> {
    s["active_token"].get("intelligence")
}

fn fraction(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

/// Every key pangea-python requires is there, with the right type.
fn assert_complete(i: &Value) {
    let keys = |v: &Value| -> BTreeSet<String> { v.as_object().unwrap().keys().cloned().collect() };
    let set = |k: &[&str]| -> BTreeSet<String> { k.iter().map(ToString::to_string).collect() };
    assert_eq!(
        keys(i),
        set(&["embargo", "ip_intel", "domain_intel", "user_intel"])
    );
    let ip = &i["ip_intel"];
    assert_eq!(
        keys(ip),
        set(&["is_bad", "is_vpn", "is_proxy", "reputation", "geolocation"])
    );
    assert_eq!(keys(&i["domain_intel"]), set(&["is_bad", "reputation"]));
    for rep in [&ip["reputation"], &i["domain_intel"]["reputation"]] {
        assert!(rep["category"].is_array() && rep["score"].is_i64(), "{rep}");
        let v = rep["verdict"].as_str().unwrap();
        assert!(
            ["malicious", "suspicious", "unknown", "benign"].contains(&v),
            "{v}"
        );
    }
    let geo = &ip["geolocation"];
    for k in ["country", "city", "postal_code", "country_code"] {
        assert!(geo[k].is_string(), "{k}: {geo}");
    }
    assert!(geo["latitude"].is_f64() && geo["longitude"].is_f64());
    assert!(i["embargo"].is_boolean() && i["user_intel"].is_boolean());
    // is_bad agrees with the verdict
    assert_eq!(
        ip["is_bad"].as_bool(),
        Some(ip["reputation"]["verdict"] == "malicious")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_items_carry_a_realistic_mix_of_intelligence() {
    let e = EmuHttp::start(config(true)).await;
    let all = all_sessions(&e).await;
    assert_eq!(all.len(), 5000);
    let with: Vec<&Value> = all.iter().filter_map(intel).collect();
    for i in &with {
        assert_complete(i);
    }
    let n = with.len();
    let count = |f: &dyn Fn(&Value) -> bool| with.iter().filter(|i| f(i)).count();
    let share = fraction(n, all.len());
    let vpn = fraction(count(&|i| i["ip_intel"]["is_vpn"] == true), n);
    let proxy = fraction(count(&|i| i["ip_intel"]["is_proxy"] == true), n);
    let bad = fraction(
        count(&|i| {
            matches!(
                i["ip_intel"]["reputation"]["verdict"].as_str(),
                Some("malicious" | "suspicious")
            )
        }),
        n,
    );
    let malicious = count(&|i| i["ip_intel"]["reputation"]["verdict"] == "malicious");
    let embargo = count(&|i| i["embargo"] == true);
    println!(
        "intelligence {share:.3}, vpn {vpn:.3}, proxy {proxy:.3}, bad {bad:.4}, malicious {malicious}, embargo {embargo}"
    );
    assert!((0.85..=0.95).contains(&share), "most sessions: {share}");
    assert!((0.02..=0.07).contains(&vpn), "a few percent VPN: {vpn}");
    assert!(
        (0.015..=0.05).contains(&proxy),
        "a few percent proxy: {proxy}"
    );
    assert!(
        (0.004..=0.025).contains(&bad),
        "about one percent bad: {bad}"
    );
    assert!(malicious > 0);
    assert!(
        embargo > 0 && fraction(embargo, n) < 0.03,
        "a few embargoed: {embargo}"
    );

    // Per user: one to three places, breached is a property of the user.
    let mut places: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut breached: BTreeMap<&str, BTreeSet<bool>> = BTreeMap::new();
    for s in &all {
        let user = s["identity"].as_str().unwrap();
        if let Some(i) = intel(s) {
            let g = &i["ip_intel"]["geolocation"];
            places
                .entry(user)
                .or_default()
                .insert(format!("{}/{}", g["city"], g["country_code"]));
            breached
                .entry(user)
                .or_default()
                .insert(i["user_intel"].as_bool().unwrap());
        }
    }
    assert!(places.values().all(|p| (1..=3).contains(&p.len())));
    assert!(places.values().any(|p| p.len() == 3));
    assert!(breached.values().all(|b| b.len() == 1), "breached per user");
    let breached_users = breached.values().filter(|b| b.contains(&true)).count();
    let b = fraction(breached_users, breached.len());
    assert!((0.02..=0.15).contains(&b), "some breached users: {b}");
    let countries: BTreeSet<&str> = with
        .iter()
        .filter_map(|i| i["ip_intel"]["geolocation"]["country_code"].as_str())
        .collect();
    assert!(countries.len() >= 15, "{countries:?}");

    // User-Agents: browsers on desktop and mobile, curl, python-requests, an SDK.
    let uas: Vec<&str> = all
        .iter()
        .map(|s| s["profile"]["User-Agent"].as_str().unwrap())
        .collect();
    let has = |needle: &str| uas.iter().filter(|u| u.contains(needle)).count();
    for needle in [
        "Windows NT",
        "Macintosh",
        "iPhone",
        "Android",
        "Firefox/",
        "curl/",
        "python-requests/",
        "pangea-python/",
    ] {
        assert!(has(needle) > 0, "no {needle}");
    }
    let scripts = fraction(
        has("curl/") + has("python-requests/") + has("pangea-"),
        all.len(),
    );
    assert!((0.01..=0.10).contains(&scripts), "scripts {scripts}");
    e.emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_check_and_refresh_answer_the_same_block_as_the_list() {
    let e = EmuHttp::start(config(true)).await;
    let all = all_sessions(&e).await;
    let by_id: BTreeMap<&str, &Value> =
        all.iter().map(|s| (s["id"].as_str().unwrap(), s)).collect();
    let mut checked = 0;
    for u in e.emu.tokens(40) {
        for t in &u.sessions {
            let listed = intel(by_id[t.session_id.as_str()]).cloned();
            let r = e
                .post(
                    "/v2/client/token/check",
                    json!({"token": t.user_token.expose()}),
                )
                .await;
            assert_eq!(r.status(), "Success", "{}", r.body);
            assert_eq!(r.result().get("intelligence").cloned(), listed);
            if listed.is_some() && checked < 5 {
                let r = e
                    .post(
                        "/v2/client/session/refresh",
                        json!({"refresh_token": t.refresh_token.expose(), "user_token": t.user_token.expose()}),
                    )
                    .await;
                assert_eq!(r.status(), "Success", "{}", r.body);
                assert_eq!(
                    r.result()["active_token"].get("intelligence"),
                    listed.as_ref()
                );
                assert_eq!(
                    r.result()["refresh_token"].get("intelligence"),
                    listed.as_ref()
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5);
    e.emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn turned_off_no_answer_carries_intelligence_and_nothing_else_changes() {
    let on = EmuHttp::start(config(true)).await;
    let off = EmuHttp::start(config(false)).await;
    let on_rows = all_sessions(&on).await;
    let off_rows = all_sessions(&off).await;
    assert!(off_rows.iter().all(|s| intel(s).is_none()));
    // the same seed gives the same users, sessions and devices either way
    let key = |v: &[Value]| -> Vec<(String, String, String)> {
        v.iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap().to_string(),
                    s["email"].as_str().unwrap().to_string(),
                    s["profile"]["User-Agent"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(key(&on_rows), key(&off_rows));
    let u = off.emu.tokens(1).remove(0);
    let t = &u.sessions[0];
    let r = off
        .post(
            "/v2/client/token/check",
            json!({"token": t.user_token.expose()}),
        )
        .await;
    assert_eq!(r.status(), "Success");
    assert!(r.result().get("intelligence").is_none());
    let r = off
        .post(
            "/v2/client/session/refresh",
            json!({"refresh_token": t.refresh_token.expose()}),
        )
        .await;
    assert!(r.result()["active_token"].get("intelligence").is_none());
    on.emu.shutdown().await;
    off.emu.shutdown().await;
}

#[test]
fn the_emulator_command_has_a_switch_for_it() {
    use authtop::cli::Cli;
    use authtop::cli::args::Command;
    use clap::Parser;
    let config = |args: &[&str]| match Cli::try_parse_from(args).unwrap().command {
        Some(Command::Emulator(e)) => e.config(),
        other => panic!("{other:?}"),
    };
    assert!(config(&["authtop", "emulator"]).intelligence);
    assert!(!config(&["authtop", "emulator", "--no-intelligence"]).intelligence);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_gives_the_same_intelligence() {
    let a = EmuHttp::start(EmulatorConfig {
        sessions: 300,
        ..config(true)
    })
    .await;
    let b = EmuHttp::start(EmulatorConfig {
        sessions: 300,
        ..config(true)
    })
    .await;
    let pick = |v: Vec<Value>| -> Vec<(Value, Option<Value>)> {
        v.into_iter()
            .map(|s| (s["id"].clone(), intel(&s).cloned()))
            .collect()
    };
    assert_eq!(pick(all_sessions(&a).await), pick(all_sessions(&b).await));
    a.emu.shutdown().await;
    b.emu.shutdown().await;
}
