//! Pages of the store against a seeded data set: filters, orders and changes between pages.

use super::*;
use crate::seed;
use crate::validate::{Endpoint, parse};
use serde_json::Value;
use std::collections::BTreeSet;

const NOW: i64 = 1_780_000_000 * SECOND;

fn store() -> Store {
    let life = 900 * SECOND;
    let mut s = Store::new(7, life, "pts_test".into(), NOW);
    seed::populate(&mut s, 7, 200, 2000, NOW, life, 7 * 86_400 * SECOND, true);
    s
}

fn page(s: &mut Store, body: &str) -> Value {
    let b = parse(Endpoint::SessionList, body.as_bytes()).unwrap();
    let p = s.list(b.list.as_ref().unwrap(), None, NOW).unwrap();
    serde_json::from_str(&p.json).unwrap()
}

/// Every page of a query: the rows (as JSON) and the `count` of each page.
fn walk(s: &mut Store, filter: &str, order_by: &str, order: &str) -> (Vec<Value>, Vec<u64>) {
    let (mut rows, mut counts, mut last) = (Vec::new(), Vec::new(), String::new());
    for _ in 0..1000 {
        let cursor = if last.is_empty() {
            String::new()
        } else {
            format!(r#","last":"{last}""#)
        };
        let p = page(
            s,
            &format!(
                r#"{{"filter":{filter},"order_by":"{order_by}","order":"{order}","size":7{cursor}}}"#
            ),
        );
        rows.extend(p["sessions"].as_array().unwrap().iter().cloned());
        counts.push(p["count"].as_u64().unwrap());
        last = p["last"].as_str().unwrap().to_owned();
        if last.is_empty() {
            break;
        }
    }
    (rows, counts)
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn filtered_pages_cover_exactly_the_matches_in_order() {
    let mut s = store();
    let all: Vec<&SessionRec> = s.sessions.iter().flatten().collect();
    let rare: Vec<String> = all.iter().step_by(400).map(|r| r.id.to_string()).collect();
    let rare_filter = serde_json::to_string(&serde_json::json!({ "id__in": rare })).unwrap();
    let want_an = all
        .iter()
        .filter(|r| s.users[r.user].email.contains("an"))
        .count();
    // One filter takes the sorted-matches path, the other the index walk.
    assert!(rare.len() <= s.len() / SORT_BELOW);
    assert!(want_an > s.len() / SORT_BELOW);
    for (filter, want) in [
        (rare_filter.as_str(), rare.len()),
        (r#"{"email__contains":["an"]}"#, want_an),
    ] {
        for (order_by, column) in [("created_at", "created_at"), ("email", "email")] {
            for order in ["asc", "desc"] {
                let (rows, counts) = walk(&mut s, filter, order_by, order);
                assert_eq!(rows.len(), want, "{filter} {order_by} {order}");
                assert!(counts.iter().all(|&c| c == want as u64));
                let mut seen = ids(&rows);
                seen.sort();
                seen.dedup();
                assert_eq!(seen.len(), want, "a session was listed twice");
                let keys: Vec<(String, String)> = rows
                    .iter()
                    .map(|r| {
                        (
                            r[column].as_str().unwrap().to_owned(),
                            r["id"].as_str().unwrap().to_owned(),
                        )
                    })
                    .collect();
                let mut sorted = keys.clone();
                sorted.sort();
                if order == "desc" {
                    sorted.reverse();
                }
                assert_eq!(keys, sorted, "{filter} {order_by} {order}");
            }
        }
    }
}

#[test]
fn changes_between_pages_show_on_the_next_page() {
    let mut s = store();
    let filter = r#"{"email__contains":["an"]}"#;
    let first = page(&mut s, &format!(r#"{{"filter":{filter},"size":5}}"#));
    let count = first["count"].as_u64().unwrap();
    let (rows, _) = walk(&mut s, filter, "created_at", "desc");
    let gone = ids(&rows)[6].clone();
    assert!(s.delete(&gone));
    let last = first["last"].as_str().unwrap();
    let second = page(
        &mut s,
        &format!(r#"{{"filter":{filter},"size":5,"last":"{last}"}}"#),
    );
    assert_eq!(second["count"].as_u64().unwrap(), count - 1);
    assert!(!ids(second["sessions"].as_array().unwrap()).contains(&gone));
    assert_eq!(
        ids(second["sessions"].as_array().unwrap())[0],
        ids(&rows)[5]
    );

    // A refresh replaces the active token id a filter can name.
    let toks = s.tokens(1);
    let session = &toks[0].sessions[0];
    let rec = s.get(&session.session_id).unwrap();
    let by_token = format!(r#"{{"filter":{{"active_token_id":"{}"}}}}"#, rec.active.id);
    assert_eq!(page(&mut s, &by_token)["count"], 1);
    s.refresh(session.refresh_token.expose(), None, NOW)
        .unwrap();
    assert_eq!(page(&mut s, &by_token)["count"], 0);
}

/// Every index holds each live session once, in strictly increasing key order.
fn assert_indexes_sorted(s: &Store) {
    for (i, ob) in INDEXED.into_iter().enumerate() {
        let index = &s.indexes[i];
        assert_eq!(index.len(), s.len(), "{ob:?}");
        for w in index.windows(2) {
            assert_eq!(
                s.compare(w[0] as usize, w[1] as usize, ob),
                Ordering::Less,
                "{ob:?} out of order"
            );
        }
    }
}

#[test]
fn seeding_and_later_changes_keep_every_index_in_order() {
    // Many sessions per user and times to the microsecond, so ties on the leading part of
    // a key are common and the full comparison decides them.
    let life = 900 * SECOND;
    let mut s = Store::new(11, life, "pts_test".into(), NOW);
    seed::populate(&mut s, 11, 30, 3000, NOW, life, 3 * SECOND, false);
    assert_indexes_sorted(&s);
    let ids: Vec<Arc<str>> = s.sessions.iter().flatten().map(|r| r.id.clone()).collect();
    assert!(s.delete(&ids[0]));
    s.remove_many(&ids[10..400]);
    let refresh = s.sessions.iter().flatten().nth(5).unwrap().refresh.clone();
    s.refresh(&refresh, None, NOW).unwrap();
    assert_indexes_sorted(&s);
    assert_eq!(s.len(), 3000 - 391);
}

/// Whether a session (with its owner's email) belongs in a result.
type Keep = dyn Fn(&SessionRec, &str) -> bool;

#[test]
fn login_time_ranges_read_in_login_time_order_list_what_a_scan_lists() {
    let mut s = store();
    let mut times: Vec<i64> = s.sessions.iter().flatten().map(|r| r.created_at).collect();
    times.sort_unstable();
    let stamp = |t: i64| jiff::Timestamp::from_microsecond(t).unwrap().to_string();
    let (a, b) = (times[times.len() / 4], times[times.len() * 3 / 4]);
    let (ta, tb) = (stamp(a), stamp(b));
    let cases: Vec<(String, Box<Keep>)> = vec![
        (
            format!(r#"{{"created_at__gte":"{ta}","created_at__lt":"{tb}"}}"#),
            Box::new(move |r, _| r.created_at >= a && r.created_at < b),
        ),
        (
            format!(r#"{{"created_at__gt":"{ta}","created_at__lte":"{tb}"}}"#),
            Box::new(move |r, _| r.created_at > a && r.created_at <= b),
        ),
        (
            format!(r#"{{"created_at":"{ta}"}}"#),
            Box::new(move |r, _| r.created_at == a),
        ),
        (
            format!(r#"{{"created_at__gte":"{ta}","email__contains":["an"]}}"#),
            Box::new(move |r, email| r.created_at >= a && email.contains("an")),
        ),
    ];
    for (filter, keep) in &cases {
        let want: BTreeSet<String> = s
            .sessions
            .iter()
            .flatten()
            .filter(|r| keep(r, &s.users[r.user].email))
            .map(|r| r.id.to_string())
            .collect();
        assert!(!want.is_empty(), "{filter}");
        for order in ["asc", "desc"] {
            let (rows, counts) = walk(&mut s, filter, "created_at", order);
            let got = ids(&rows);
            assert_eq!(
                got.len(),
                want.len(),
                "{filter} {order}: listed twice or missed"
            );
            assert_eq!(
                got.into_iter().collect::<BTreeSet<_>>(),
                want,
                "{filter} {order}"
            );
            assert!(
                counts.iter().all(|&c| c == want.len() as u64),
                "{filter} {order}"
            );
            let keys: Vec<&str> = rows
                .iter()
                .map(|r| r["created_at"].as_str().unwrap())
                .collect();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            if order == "desc" {
                sorted.reverse();
            }
            assert_eq!(keys, sorted, "{filter} {order}");
        }
    }
}
