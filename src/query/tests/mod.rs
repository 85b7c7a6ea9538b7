//! The query language as a user meets it: what each query sends (here), what each
//! mistake says (`errors`), the terms checked locally (`local`) and properties over any
//! input (`props`).

use super::*;
use serde_json::json;

mod errors;
mod local;
mod props;

fn now() -> Timestamp {
    "2025-06-10T12:00:00Z".parse().unwrap()
}

/// What `query` sends, in the explain form.
fn sent(query: &str) -> String {
    match compile(query, now()) {
        Ok(filter) => explain(&filter),
        Err(e) => panic!("`{query}` failed: {}", e.render(query)),
    }
}

/// The text the error points at, and its message.
fn fails(query: &str) -> (String, String) {
    match compile(query, now()) {
        Ok(filter) => panic!("`{query}` compiled to {}", explain(&filter)),
        Err(e) => (query[e.span.clone()].to_string(), e.message),
    }
}

#[test]
fn every_field_operator_and_alias() {
    let cases: &[(&str, &str)] = &[
        ("", "(no filter)"),
        ("   \t ", "(no filter)"),
        // text fields: =, lists, ~
        ("email=a@example.com", r#"email="a@example.com""#),
        ("email=a,b", r#"email__in=["a","b"]"#),
        ("email~acme", r#"email__contains=["acme"]"#),
        ("email~acme,corp", r#"email__contains=["acme","corp"]"#),
        ("id=pmt_1", r#"id="pmt_1""#),
        ("id=pmt_1,pmt_2", r#"id__in=["pmt_1","pmt_2"]"#),
        ("id~pmt", r#"id__contains=["pmt"]"#),
        ("type=session", r#"type="session""#),
        ("type=session,user", r#"type__in=["session","user"]"#),
        ("type~sess", r#"type__contains=["sess"]"#),
        ("identity=pui_1", r#"identity="pui_1""#),
        ("user=pui_1", r#"identity="pui_1""#),
        ("user=pui_1,pui_2", r#"identity__in=["pui_1","pui_2"]"#),
        ("user~pui", r#"identity__contains=["pui"]"#),
        ("username=alice", r#"username="alice""#),
        ("username=alice,bob", r#"username__in=["alice","bob"]"#),
        ("username~ali", r#"username__contains=["ali"]"#),
        ("token=pmt_9", r#"active_token_id="pmt_9""#),
        (
            "token=pmt_8,pmt_9",
            r#"active_token_id__in=["pmt_8","pmt_9"]"#,
        ),
        ("token~pmt", r#"active_token_id__contains=["pmt"]"#),
        ("active_token_id=pmt_9", r#"active_token_id="pmt_9""#),
        // times
        ("created=2025-06-01", r#"created_at="2025-06-01T00:00:00Z""#),
        (
            "created>2025-06-01",
            r#"created_at__gt="2025-06-01T00:00:00Z""#,
        ),
        (
            "created>=2025-06-01",
            r#"created_at__gte="2025-06-01T00:00:00Z""#,
        ),
        (
            "created<2025-06-01",
            r#"created_at__lt="2025-06-01T00:00:00Z""#,
        ),
        (
            "created<=2025-06-01",
            r#"created_at__lte="2025-06-01T00:00:00Z""#,
        ),
        (
            "created_at>now-2h",
            r#"created_at__gt="2025-06-10T10:00:00Z""#,
        ),
        ("expire<now+30m", r#"expire__lt="2025-06-10T12:30:00Z""#),
        ("expires>=now", r#"expire__gte="2025-06-10T12:00:00Z""#),
        ("expire=now-1d", r#"expire="2025-06-09T12:00:00Z""#),
        ("expire<=now-1h30m", r#"expire__lte="2025-06-10T10:30:00Z""#),
        (
            "created>2025-06-01T02:00:00+02:00",
            r#"created_at__gt="2025-06-01T00:00:00Z""#,
        ),
        (
            "created>2025-06-01T00:00:00.123456Z",
            r#"created_at__gt="2025-06-01T00:00:00.123456Z""#,
        ),
        // scopes: all listed must be present
        ("scope=admin", r#"scopes=["admin"]"#),
        ("scope=admin,read", r#"scopes=["admin","read"]"#),
        ("scopes=admin", r#"scopes=["admin"]"#),
        // enabled
        ("enabled=true", "enabled=true"),
        ("enabled=false", "enabled=false"),
        ("enabled=\"true\"", "enabled=true"),
        // profile
        ("profile.City=Paris", r#"profile_City="Paris""#),
        ("profile.City~Par", r#"profile_City__contains=["Par"]"#),
        (
            "profile.City~Par,Lyo",
            r#"profile_City__contains=["Par","Lyo"]"#,
        ),
        ("profile.City?", "profile_City__exists=true"),
        ("!profile.City?", "profile_City__exists=false"),
        ("profile_City=Paris", r#"profile_City="Paris""#),
        // case-insensitive field names; profile names keep their case
        ("EMAIL=a", r#"email="a""#),
        ("Profile.firstName=Ann", r#"profile_firstName="Ann""#),
        // several terms, ANDed, keys in stable order
        (
            "email~acme created>2025-06-01",
            r#"created_at__gt="2025-06-01T00:00:00Z" email__contains=["acme"]"#,
        ),
        (
            "created>now-1w created<now",
            r#"created_at__gt="2025-06-03T12:00:00Z" created_at__lt="2025-06-10T12:00:00Z""#,
        ),
        ("email=a email~b", r#"email="a" email__contains=["b"]"#),
    ];
    for (query, want) in cases {
        assert_eq!(sent(query), *want, "query: {query}");
    }
}

#[test]
fn bare_words_search_email() {
    let cases: &[(&str, &str)] = &[
        ("acme", r#"email__contains=["acme"]"#),
        (
            "alice@example.com",
            r#"email__contains=["alice@example.com"]"#,
        ),
        ("acme corp", r#"email__contains=["acme","corp"]"#),
        ("acme email~corp", r#"email__contains=["acme","corp"]"#),
        ("acme acme", r#"email__contains=["acme"]"#),
        ("acme,corp", r#"email__contains=["acme","corp"]"#),
        ("\"a b\"", r#"email__contains=["a b"]"#),
        ("\"a=b\"", r#"email__contains=["a=b"]"#),
        ("josé", r#"email__contains=["josé"]"#),
        ("what?", r#"email__contains=["what?"]"#),
        ("now-2h", r#"email__contains=["now-2h"]"#),
        ("a!b", r#"email__contains=["a!b"]"#),
    ];
    for (query, want) in cases {
        assert_eq!(sent(query), *want, "query: {query}");
    }
}

#[test]
fn quoting_and_escapes() {
    let cases: &[(&str, &str)] = &[
        (r#"email="a b""#, r#"email="a b""#),
        (r#"email="a,b""#, r#"email="a,b""#),
        (r#"email="a=b~c>d""#, r#"email="a=b~c>d""#),
        (r#"email="a b",c"#, r#"email__in=["a b","c"]"#),
        (r#"email="a b","c,d""#, r#"email__in=["a b","c,d"]"#),
        (r#"email="say \"hi\"""#, r#"email="say \"hi\"""#),
        (r#"email="back\\slash""#, r#"email="back\\slash""#),
        (r#"email="tab\there""#, r#"email="tab\there""#),
        (r#"email="\u00e9""#, r#"email="é""#),
        (r#"email=pre"fix mid"post"#, r#"email="prefix midpost""#),
        (r"email=back\slash", r#"email="back\\slash""#),
        (r#"profile.City="New York""#, r#"profile_City="New York""#),
        ("email=[a,b]", r#"email__in=["a","b"]"#),
        (r#"email=["a b","c"]"#, r#"email__in=["a b","c"]"#),
        ("email=a[1]", r#"email="a[1]""#),
        (r#"email="[x""#, r#"email="[x""#),
    ];
    for (query, want) in cases {
        assert_eq!(sent(query), *want, "query: {query}");
    }
}

#[test]
fn wire_keys_as_explain_prints_them() {
    let cases: &[(&str, &str)] = &[
        (r#"email__in="a""#, r#"email__in=["a"]"#),
        (r#"email__in=["a","b"]"#, r#"email__in=["a","b"]"#),
        (r#"email__contains=["acme"]"#, r#"email__contains=["acme"]"#),
        (
            "created_at__gt=now",
            r#"created_at__gt="2025-06-10T12:00:00Z""#,
        ),
        (
            "created__lte=2025-06-01",
            r#"created_at__lte="2025-06-01T00:00:00Z""#,
        ),
        (
            "active_token_id__in=x,y",
            r#"active_token_id__in=["x","y"]"#,
        ),
        ("profile_City__exists=false", "profile_City__exists=false"),
        (
            "profile_City__contains=Par",
            r#"profile_City__contains=["Par"]"#,
        ),
        (r#"scopes=["a","b"]"#, r#"scopes=["a","b"]"#),
    ];
    for (query, want) in cases {
        assert_eq!(sent(query), *want, "query: {query}");
    }
}

#[test]
fn repeated_keys_merge_or_conflict() {
    let merged: &[(&str, &str)] = &[
        ("email~a email~b", r#"email__contains=["a","b"]"#),
        ("email~a,b email~b,c", r#"email__contains=["a","b","c"]"#),
        ("id~a id~b", r#"id__contains=["a","b"]"#),
        ("scope=a scope=b", r#"scopes=["a","b"]"#),
        ("email=a email=a", r#"email="a""#),
        (
            "created>now created>now",
            r#"created_at__gt="2025-06-10T12:00:00Z""#,
        ),
        ("profile.City? profile.City?", "profile_City__exists=true"),
    ];
    for (query, want) in merged {
        assert_eq!(sent(query), *want, "query: {query}");
    }
    let conflicts: &[(&str, &str)] = &[
        ("email=a email=b", "email=b"),
        ("email=a,b email=c,d", "email=c,d"),
        ("created>now created>now-1h", "created>now-1h"),
        ("enabled=true enabled=false", "enabled=false"),
        ("profile.City? !profile.City?", "!profile.City?"),
        // substring semantics on profile keys are unclear (spec 5.1), so no silent merge
        ("profile.City~a profile.City~b", "profile.City~b"),
        ("user=x identity=y", "identity=y"),
    ];
    for (query, term) in conflicts {
        let (at, message) = fails(query);
        assert_eq!(at, *term, "query: {query}");
        assert!(
            message.starts_with("conflicts with an earlier term"),
            "{message}"
        );
    }
}

#[test]
fn compiled_json_is_what_the_api_expects() {
    let filter = compile(
        "email=alice@example.com created>=2025-06-01 enabled=false scope=a,b profile.City?",
        now(),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({
            "email": "alice@example.com",
            "created_at__gte": "2025-06-01T00:00:00Z",
            "enabled": false,
            "scopes": ["a", "b"],
            "profile_City__exists": true,
        })
    );
    // the filter of the spec's session_list_filtered request
    let filter = compile("email=alice@example.com created>=2025-06-01", now()).unwrap();
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        json!({"email": "alice@example.com", "created_at__gte": "2025-06-01T00:00:00Z"})
    );
}

#[test]
fn explain_reads_as_sent() {
    assert_eq!(explain(&Filter::default()), NO_FILTER);
    let mut filter = Filter::default();
    filter
        .0
        .insert("email__contains".into(), json!(["a\"b", "c"]));
    filter.0.insert("enabled".into(), json!(true));
    filter
        .0
        .insert("created_at__gt".into(), json!("2025-06-01T00:00:00Z"));
    assert_eq!(
        explain(&filter),
        r#"created_at__gt="2025-06-01T00:00:00Z" email__contains=["a\"b","c"] enabled=true"#
    );
}

#[test]
fn help_and_catalogue_agree_with_the_compiler() {
    // every name in the catalogue compiles with each operator it lists, and no other
    for field in FIELDS {
        for name in field.names() {
            let name = name.replace("Name", "City");
            for op in Op::ALL {
                let value = match field.kind {
                    ValueKind::Time => "now",
                    ValueKind::Bool | ValueKind::Flag => "true",
                    ValueKind::Verdict => "malicious",
                    _ => "x",
                };
                let query = match op {
                    Op::In => format!("{name}={value},{value}"),
                    Op::Exists => format!("{name}?"),
                    _ => format!("{name}{}{value}", op.syntax()),
                };
                let allowed = field.ops.contains(&op)
                    // a scope list is `=`, not `__in`
                    || (op == Op::In && field.kind == ValueKind::Scopes);
                let compiled = compile_query(&query, now());
                assert_eq!(compiled.is_ok(), allowed, "query: {query}");
                if let Ok(q) = compiled {
                    // the catalogue says who decides the field, and the compiler agrees
                    let side = q.sides.first().map(|(_, side)| *side);
                    assert_eq!(side, Some(field.side), "query: {query}");
                }
            }
        }
    }
    assert!(help_text().contains("now-2h"));
}
