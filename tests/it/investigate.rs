//! The investigation library against the emulator: the streamed walk (progress, cancel,
//! stop), and the users and insights aggregates checked against the sessions themselves.

use authtop::authn::model::{Order, OrderBy, Session, SessionListRequest};
use authtop::authn::{Client, ClientConfig, ListScope};
use authtop::emulator::{EmulatorConfig, Faults, RunningEmulator};
use authtop::investigate::insights::{self, Bucket};
use authtop::investigate::{Insights, Matcher, Progress, Risk, UserColumn, Users, facts, walk};
use authtop::query::compile_query;
use std::ops::ControlFlow;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

async fn start(sessions: usize, latency: Duration) -> (RunningEmulator, Client) {
    let emu = RunningEmulator::start(
        EmulatorConfig {
            seed: 5,
            users: sessions / 8,
            sessions,
            faults: Faults {
                latency,
                ..Faults::default()
            },
            ..EmulatorConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let client = Client::new(ClientConfig::new(emu.base_url(), emu.service_token())).unwrap();
    (emu, client)
}

fn req(size: u32) -> SessionListRequest {
    SessionListRequest {
        filter: None,
        last: None,
        order: Some(Order::Desc),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(size),
    }
}

async fn everything(client: &Client) -> Vec<Session> {
    let mut all = Vec::new();
    let mut m = Matcher::new(&[]);
    walk(
        client,
        ListScope::Service,
        req(1000),
        &mut m,
        &CancellationToken::new(),
        |page, _| {
            all.extend(page);
            ControlFlow::Continue(())
        },
    )
    .await
    .unwrap();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_reports_every_page_and_keeps_only_local_matches() {
    let (emu, client) = start(900, Duration::ZERO).await;
    let all = everything(&client).await;
    assert_eq!(all.len(), 900);
    let query = compile_query("email~a vpn", jiff::Timestamp::now()).unwrap();
    let want: Vec<&Session> = all
        .iter()
        .filter(|s| s.email.contains('a') && Risk::of(s).vpn)
        .collect();
    let server_matches = all.iter().filter(|s| s.email.contains('a')).count() as u64;
    let mut m = Matcher::new(&query.local);
    let mut seen: Vec<Progress> = Vec::new();
    let mut got = Vec::new();
    let req = SessionListRequest {
        filter: Some(query.server.clone()),
        ..req(100)
    };
    let outcome = walk(
        &client,
        ListScope::Service,
        req,
        &mut m,
        &CancellationToken::new(),
        |page, p| {
            got.extend(page.into_iter().map(|s| s.id));
            seen.push(p);
            ControlFlow::Continue(())
        },
    )
    .await
    .unwrap();
    assert!(outcome.complete);
    assert_eq!(outcome.progress.scanned, server_matches);
    assert_eq!(outcome.progress.matches, want.len() as u64);
    assert_eq!(got, want.iter().map(|s| s.id.clone()).collect::<Vec<_>>());
    // one report per page, counting up
    assert_eq!(seen.len() as u64, outcome.progress.pages);
    assert!(
        seen.windows(2)
            .all(|w| w[0].pages + 1 == w[1].pages && w[0].scanned < w[1].scanned)
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_stops_when_cancelled_or_told_to() {
    let (emu, client) = start(2000, Duration::from_millis(30)).await;
    let cancel = CancellationToken::new();
    let stopper = cancel.clone();
    let mut m = Matcher::new(&[]);
    let mut pages = 0;
    let started = std::time::Instant::now();
    let outcome = walk(
        &client,
        ListScope::Service,
        req(100),
        &mut m,
        &cancel,
        |_, _| {
            pages += 1;
            if pages == 2 {
                stopper.cancel();
            }
            ControlFlow::Continue(())
        },
    )
    .await
    .unwrap();
    assert!(!outcome.complete);
    assert_eq!(outcome.progress.pages, 2);
    assert_eq!(outcome.progress.scanned, 200);
    // 20 pages at 30 ms would take 600 ms; the cancel ends it at once
    assert!(
        started.elapsed() < Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );

    // cancelled while a page is on its way: no further report
    let cancel = CancellationToken::new();
    let later = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(10)).await;
        later.cancel();
    });
    let mut reports = 0;
    let outcome = walk(
        &client,
        ListScope::Service,
        req(100),
        &mut m,
        &cancel,
        |_, _| {
            reports += 1;
            ControlFlow::Continue(())
        },
    )
    .await
    .unwrap();
    assert!(!outcome.complete);
    assert_eq!(reports, outcome.progress.pages);
    assert!(outcome.progress.pages < 20);

    let outcome = walk(
        &client,
        ListScope::Service,
        req(100),
        &mut m,
        &CancellationToken::new(),
        |_, p| {
            if p.pages == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        },
    )
    .await
    .unwrap();
    assert!(!outcome.complete);
    assert_eq!(outcome.progress.pages, 3);
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_page_ends_the_walk_with_the_cursor_and_the_progress() {
    let (emu, client) = start(500, Duration::ZERO).await;
    let mut m = Matcher::new(&[]);
    let fail_after = |emu: &RunningEmulator| {
        emu.set_faults(Faults {
            error_rate: 1.0,
            ..Faults::default()
        })
        .unwrap();
    };
    let mut config = ClientConfig::new(emu.base_url(), emu.service_token());
    config.retry.max_attempts = 1;
    let client_once = Client::new(config).unwrap();
    drop(client);
    let err = walk(
        &client_once,
        ListScope::Service,
        req(100),
        &mut m,
        &CancellationToken::new(),
        |_, p| {
            if p.pages == 2 {
                fail_after(&emu);
            }
            ControlFlow::Continue(())
        },
    )
    .await
    .unwrap_err();
    // the page after the second was already on its way, so 2 or 3 pages came first
    assert!((2..=3).contains(&err.progress.pages), "{:?}", err.progress);
    assert!(err.resume_from.is_some());
    assert!(
        err.to_string().contains("InternalError") || err.to_string().contains("500"),
        "{err}"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_and_insights_agree_with_the_sessions() {
    let (emu, client) = start(1200, Duration::ZERO).await;
    let all = everything(&client).await;
    let now = jiff::Timestamp::now();
    let mut users = Users::new();
    let mut ins = Insights::new(now);
    for s in &all {
        users.add(s);
        ins.add(s);
    }
    // users: one row per identity, sessions summing to the total
    let identities: std::collections::BTreeSet<&str> =
        all.iter().map(|s| s.identity.as_str()).collect();
    assert_eq!(users.len(), identities.len());
    let rows = users.rows(UserColumn::Sessions, Order::Desc);
    assert_eq!(rows.iter().map(|r| r.sessions).sum::<u64>(), 1200);
    assert!(rows.windows(2).all(|w| w[0].sessions >= w[1].sessions));
    for r in &rows {
        let mine: Vec<&Session> = all.iter().filter(|s| s.identity == r.identity).collect();
        assert_eq!(r.last_login, mine.iter().map(|s| s.created_at).max());
        let countries: std::collections::BTreeSet<String> =
            mine.iter().filter_map(|s| facts::country(s)).collect();
        assert_eq!(r.countries, countries);
        assert_eq!(
            r.risk.vpn,
            mine.iter().filter(|s| Risk::of(s).vpn).count() as u64
        );
    }
    let by_risk = users.rows(UserColumn::Risk, Order::Desc);
    assert!(
        by_risk
            .windows(2)
            .all(|w| w[0].risk.rank() >= w[1].risk.rank())
    );

    // insights: every session counted once per picture
    assert_eq!(ins.total(), 1200);
    let hourly: u64 = ins.logins(Bucket::Hour).iter().map(|(_, n)| n).sum();
    let daily = ins.logins(Bucket::Day);
    assert_eq!(hourly, 1200);
    assert_eq!(daily.iter().map(|(_, n)| n).sum::<u64>(), 1200);
    assert!(daily.len() >= 7 && daily.len() <= 9, "{}", daily.len());
    let r = ins.risk();
    assert_eq!(
        r.malicious + r.suspicious + r.unknown + r.benign + r.not_provided,
        1200
    );
    assert_eq!(r.vpn, all.iter().filter(|s| Risk::of(s).vpn).count() as u64);
    let top = ins.top_countries(5);
    assert_eq!(top.len(), 5);
    assert!(top.windows(2).all(|w| w[0].1 >= w[1].1));
    let us = all
        .iter()
        .filter(|s| facts::country(s).as_deref() == Some(top[0].0.as_str()))
        .count();
    assert_eq!(top[0].1, us as u64);
    let devices = ins.top_devices(3);
    assert!(
        !devices.is_empty()
            && devices
                .iter()
                .all(|(d, _)| !d.chars().last().unwrap().is_ascii_digit())
    );
    let e = ins.expiring();
    let week = all
        .iter()
        .filter(|s| (s.expire - now).as_secs() <= 7 * 86_400)
        .count() as u64;
    assert_eq!(e.within_week, week);
    assert!(e.within_hour <= e.within_day && e.within_day <= e.within_week);
    assert_eq!(e.soonest.len(), insights::SOONEST);
    let soonest = all.iter().map(|s| s.expire).min().unwrap();
    assert_eq!(e.soonest[0].0, soonest);
    assert!(e.soonest.windows(2).all(|w| w[0].0 <= w[1].0));
    // a bar's term selects what the bar counts
    let term = insights::country_term(&top[0].0);
    let q = compile_query(&term, now).unwrap();
    let mut m = Matcher::new(&q.local);
    assert_eq!(all.iter().filter(|s| m.matches(s)).count() as u64, top[0].1);
    let term = insights::device_term(&devices[0].0);
    assert!(compile_query(&term, now).unwrap().has_local());
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_users_row_names_the_same_countries_and_devices_whatever_order_its_sessions_come_in() {
    let (emu, client) = start(8, Duration::ZERO).await;
    let template = serde_json::to_value(&everything(&client).await[0]).unwrap();
    emu.shutdown().await;
    // One user, logged in from 40 countries with 40 browsers: more than a row names.
    let sessions: Vec<Session> = (0..40)
        .map(|i| {
            let mut v = template.clone();
            v["id"] = format!("pmt_{i:04}").into();
            v["identity"] = "pui_many".into();
            v["profile"]["User-Agent"] = format!("Tool{i:02}/1.0").into();
            v["active_token"]["intelligence"] = serde_json::json!({
                "ip_intel": {"geolocation": {"country_code": format!("C{i:02}")}}
            });
            serde_json::from_value(v).unwrap()
        })
        .collect();
    let mut forward = Users::new();
    for s in &sessions {
        forward.add(s);
    }
    let mut backward = Users::new();
    for s in sessions.iter().rev() {
        backward.add(s);
    }
    let (f, b) = (
        forward.get("pui_many").unwrap(),
        backward.get("pui_many").unwrap(),
    );
    assert_eq!(f.sessions, 40);
    assert_eq!(f.countries, b.countries);
    assert_eq!(f.devices, b.devices);
    let first: Vec<String> = (0..32).map(|i| format!("C{i:02}")).collect();
    assert_eq!(f.countries.iter().cloned().collect::<Vec<_>>(), first);
    assert_eq!(f.devices.len(), 32);
}
