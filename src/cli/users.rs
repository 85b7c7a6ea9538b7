//! `authtop sessions users [QUERY]`: the sessions a query matches, grouped by user.

use super::args::UsersArgs;
use super::ctx::Ctx;
use super::exit::CliError;
use super::sessions::{self, COLLECT_PAGE_SIZE};
use crate::authn::ListScope;
use crate::authn::model::{Order, OrderBy, SessionListRequest, Timestamp};
use crate::investigate::facts::NOT_PROVIDED;
use crate::investigate::users::{RiskSummary, UserRow, Users};
use crate::output::{Format, csv_record, pretty_json, relative, table};
use serde::Serialize;
use std::io::Write;

const HEADERS: [&str; 7] = [
    "EMAIL",
    "IDENTITY",
    "SESSIONS",
    "COUNTRIES",
    "DEVICES",
    "LAST LOGIN",
    "RISK",
];
const CAPS: [usize; 7] = [40, 40, 8, 24, 48, 12, 32];
const CSV: [&str; 7] = [
    "email",
    "identity",
    "sessions",
    "countries",
    "devices",
    "last_login",
    "risk",
];

/// One user as JSON writes it.
#[derive(Serialize)]
struct UserOut<'a> {
    email: &'a str,
    identity: &'a str,
    sessions: u64,
    countries: Vec<&'a str>,
    devices: Vec<&'a str>,
    last_login: Option<Timestamp>,
    /// Flags worst first; null when no session carried intelligence.
    risk: Option<Vec<&'static str>>,
    risk_detail: RiskDetail,
}

#[derive(Serialize)]
struct RiskDetail {
    worst_verdict: Option<&'static str>,
    vpn_sessions: u64,
    proxy_sessions: u64,
    embargo_sessions: u64,
    breached: bool,
    sessions_without_intelligence: u64,
}

/// The flags, or `None` when none of the user's sessions carried intelligence.
fn risk_flags(row: &UserRow) -> Option<Vec<&'static str>> {
    (row.risk.not_provided < row.sessions).then(|| row.risk.flags())
}

fn detail(r: &RiskSummary) -> RiskDetail {
    RiskDetail {
        worst_verdict: r.worst.map(crate::query::Verdict::as_str),
        vpn_sessions: r.vpn,
        proxy_sessions: r.proxy,
        embargo_sessions: r.embargo,
        breached: r.breached,
        sessions_without_intelligence: r.not_provided,
    }
}

fn out(row: &UserRow) -> UserOut<'_> {
    UserOut {
        email: &row.email,
        identity: &row.identity,
        sessions: row.sessions,
        countries: row.countries.iter().map(String::as_str).collect(),
        devices: row.devices.iter().map(String::as_str).collect(),
        last_login: row.last_login,
        risk: risk_flags(row),
        risk_detail: detail(&row.risk),
    }
}

fn risk_cell(row: &UserRow) -> String {
    risk_flags(row).map_or_else(|| NOT_PROVIDED.to_string(), |f| f.join(" "))
}

/// `sessions users`.
pub async fn run(ctx: &Ctx, args: UsersArgs) -> Result<(), CliError> {
    let now = Timestamp::now();
    let query = sessions::compile_query(&args.query.join(" "), now)?;
    if args.explain {
        return sessions::explain(ctx, &query);
    }
    crate::investigate::device::warm_up();
    let client = ctx.service_client("sessions users")?;
    let req = SessionListRequest {
        filter: (!query.server.is_empty()).then(|| query.server.clone()),
        last: None,
        order: Some(Order::Desc),
        order_by: Some(OrderBy::CreatedAt),
        size: Some(args.size.unwrap_or(COLLECT_PAGE_SIZE)),
    };
    let mut users = Users::new();
    sessions::walk_local(
        ctx,
        &client,
        ListScope::Service,
        req,
        &query,
        false,
        |page| {
            for s in &page {
                users.add(s);
            }
            Ok(())
        },
    )
    .await?;
    let order = if args.asc { Order::Asc } else { Order::Desc };
    let rows = users.rows(args.order_by.unwrap_or_default(), order);
    let mut w = std::io::BufWriter::new(std::io::stdout().lock());
    match ctx.format {
        Format::Json => {
            let all: Vec<UserOut<'_>> = rows.iter().map(|r| out(r)).collect();
            writeln!(w, "{}", pretty_json(&all, 0)?)?;
        }
        Format::Ndjson => {
            for r in &rows {
                serde_json::to_writer(&mut w, &out(r)).map_err(std::io::Error::other)?;
                writeln!(w)?;
            }
        }
        Format::Ids => {
            for r in &rows {
                writeln!(w, "{}", crate::sanitize::clean(&r.identity))?;
            }
        }
        Format::Csv => {
            w.write_all(csv_record(&CSV).as_bytes())?;
            for r in &rows {
                let record = [
                    r.email.clone(),
                    r.identity.clone(),
                    r.sessions.to_string(),
                    join(&r.countries, " "),
                    join(&r.devices, "; "),
                    r.last_login.map(|t| t.to_string()).unwrap_or_default(),
                    risk_cell(r),
                ];
                w.write_all(csv_record(&record).as_bytes())?;
            }
        }
        Format::Table => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.email.clone(),
                        r.identity.clone(),
                        r.sessions.to_string(),
                        join(&r.countries, ","),
                        join(&r.devices, ", "),
                        r.last_login.map(|t| relative(t, now)).unwrap_or_default(),
                        risk_cell(r),
                    ]
                })
                .collect();
            // Off a terminal nothing is cut: every column as wide as its widest cell.
            let caps = if ctx.term.cut { CAPS } else { [usize::MAX; 7] };
            w.write_all(table(&HEADERS, &cells, &caps, ctx.term.color).as_bytes())?;
        }
    }
    w.flush()?;
    Ok(())
}

fn join(set: &std::collections::BTreeSet<String>, sep: &str) -> String {
    set.iter().map(String::as_str).collect::<Vec<_>>().join(sep)
}
