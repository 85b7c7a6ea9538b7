//! The command line, as clap definitions, and how it maps to [`Inputs`].

use super::exit::EXIT_CODES_HELP;
use super::order::OrderByParser;
use crate::authn::Secret;
use crate::authn::model::OrderBy;
use crate::color::ColorChoice;
use crate::config::inputs::{
    DOMAIN_ENV, PROFILE_ENV, REFRESH_TOKEN_ENV, TOKEN_ENV, USER_TOKEN_ENV,
};
use crate::config::settings::{MAX_PAGE_SIZE, parse_positive};
use crate::config::{Given, Inputs, Source, paths::CONFIG_ENV};
use crate::output::Format;
use crate::output::columns::Column;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

/// authtop: manage Pangea AuthN login sessions. Without a subcommand, starts the terminal UI.
#[derive(Debug, Parser)]
#[command(name = "authtop", version, before_help = SECRETS_HELP, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Connection and behaviour flags, accepted before or after the subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do; none starts the terminal UI.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Terminal UI: start clean, without the last query, order and tab of this profile
    /// (and without remembering this run's).
    #[arg(long)]
    pub fresh: bool,
}

/// Shown above the usage: where secrets should come from.
const SECRETS_HELP: &str = "\
Flag values are visible to other local users (ps, /proc): give tokens with
--service-token-file FILE (or - for standard input), --token-file FILE, a profile,
or the environment rather than --token, --user-token or --refresh-token.";

/// Flags shared by every command.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Base URL or template, e.g. `https://{SERVICE_NAME}.aws.us.pangea.cloud`.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Pangea domain, e.g. `aws.us.pangea.cloud`: always `https://authn.<domain>`.
    #[arg(long, global = true, env = DOMAIN_ENV, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// AuthN service token. Visible to other local users: prefer --service-token-file.
    #[arg(long, global = true, env = TOKEN_ENV, hide_env_values = true, value_name = "TOKEN")]
    pub token: Option<String>,
    /// File holding the AuthN service token (mode 0600), or `-` for standard input.
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "token")]
    pub service_token_file: Option<PathBuf>,
    /// Profile of the config file (chosen explicitly: beats PANGEA_* variables).
    #[arg(long, global = true, env = PROFILE_ENV, value_name = "NAME")]
    pub profile: Option<String>,
    /// Allow plain http to a non-loopback host given as an explicit http:// --base-url.
    #[arg(long, global = true)]
    pub allow_http: bool,
    /// Output format.
    #[arg(short, long, global = true, value_enum, default_value_t = Format::Table)]
    pub output: Format,
    /// End CSV lines with CRLF (RFC 4180) instead of LF.
    #[arg(long, global = true)]
    pub crlf: bool,
    /// Never cut table cells with `…` (they are cut only on a terminal).
    #[arg(long, global = true)]
    pub wide: bool,
    /// In CSV, keep cells starting with = + - @ as they are (by default they get a
    /// leading ' so a spreadsheet does not run them as formulas).
    #[arg(long, global = true)]
    pub csv_keep_formulas: bool,
    /// Requests in flight for bulk actions [default: 8].
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: Option<u32>,
    /// Pages in flight at most when a whole result is read in slices of login time
    /// (`list --all` without an order or in login-time order, local terms, `users`, bulk
    /// targets) [default: 8].
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=64))]
    pub walk_window: Option<u32>,
    /// Time for a whole call, retries included, e.g. `30s`, `1h30m` [default: 30s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_positive)]
    pub timeout: Option<Duration>,
    /// Time for one attempt of a call [default: 10s, at most --timeout].
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_positive)]
    pub attempt_timeout: Option<Duration>,
    /// Bound a whole destructive run, e.g. `5m`: at the deadline nothing more is sent,
    /// requests in flight end as unknown, the rest is listed as not attempted (exit 11).
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_positive)]
    pub deadline: Option<Duration>,
    /// Stop a destructive run after N transport failures in a row (0: never) [default: 10].
    #[arg(long, global = true, value_name = "N")]
    pub breaker: Option<u32>,
    /// Longest a server's Retry-After is honoured in a destructive run [default: 60s].
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_positive)]
    pub max_retry_after: Option<Duration>,
    /// Refuse destructive commands.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Audit log file [default: <state dir>/audit.jsonl].
    #[arg(long, global = true, value_name = "PATH")]
    pub audit_log: Option<PathBuf>,
    /// Config file [default: ~/.config/authtop/config.toml].
    #[arg(long, global = true, env = CONFIG_ENV, value_name = "PATH", value_parser = any_path())]
    pub config: Option<PathBuf>,
    /// The user's active token (client commands). Visible to other local users: prefer --token-file.
    #[arg(long, global = true, env = USER_TOKEN_ENV, hide_env_values = true, value_name = "TOKEN")]
    pub user_token: Option<String>,
    /// The user's refresh token (client commands). Visible to other local users: prefer --token-file.
    #[arg(long, global = true, env = REFRESH_TOKEN_ENV, hide_env_values = true, value_name = "TOKEN")]
    pub refresh_token: Option<String>,
    /// JSON file {"`user_token`", "`refresh_token`"} (mode 0600); rewritten after a refresh.
    #[arg(long, global = true, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Colour and bold: auto is on a terminal only, never with `NO_COLOR` set or TERM=dumb
    /// [default: the config's `color`, else auto].
    #[arg(long, global = true, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Every session of the project (service token).
    #[command(subcommand)]
    Sessions(SessionsCmd),
    /// The sessions of the user holding a user token.
    #[command(subcommand)]
    Client(ClientCmd),
    /// Inspect tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// The configuration file and the resolved settings.
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Calls the server queued (HTTP 202) and did not finish in time.
    #[command(subcommand)]
    Request(RequestCmd),
    /// Print a shell completion script (`--profile` offers the config's profiles).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `authtop man | man -l -`.
    Man {
        /// Write `authtop.1` and one page per command into this folder instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Run the local AuthN emulator.
    Emulator(crate::cli::emulator::EmulatorArgs),
}

/// `authtop sessions …`.
#[derive(Debug, Subcommand)]
pub enum SessionsCmd {
    /// List sessions, optionally narrowed by a query.
    List(ListArgs),
    /// End sessions by id, or every session matching a query.
    Invalidate(InvalidateArgs),
    /// End every session of users, by id or by email.
    Logout(LogoutArgs),
    /// Sessions matching a query grouped by user: count, countries, devices, last login, risk.
    Users(UsersArgs),
    /// Print new sessions matching a query as they are created, until interrupted.
    Watch(WatchArgs),
}

/// `authtop client …`.
#[derive(Debug, Subcommand)]
pub enum ClientCmd {
    /// List the user's sessions.
    List(ListArgs),
    /// End one of the user's sessions.
    Invalidate {
        /// The session.
        session_id: String,
    },
    /// Log the user out (ends the session of the user token).
    Logout,
    /// Exchange the refresh token for a new token pair.
    Refresh,
}

/// `authtop token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Show what a token is and when it expires.
    Check {
        /// The token, or `-` to read it from standard input [default: the user token].
        /// A value here is visible to other local users: prefer `-`.
        #[arg(value_name = "TOKEN")]
        token_value: Option<String>,
    },
}

/// `authtop request …`.
#[derive(Debug, Subcommand)]
pub enum RequestCmd {
    /// Ask once for the result of a queued call (`GET /request/{id}`), e.g. after
    /// "still in progress"; exit 5 while it is still in progress.
    Get {
        /// The request id (`prq_…`) the error named.
        #[arg(value_name = "REQUEST_ID")]
        request_id: String,
    },
}

/// `authtop config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Print the config file path.
    Path,
    /// Print the resolved settings and where each came from (tokens redacted).
    Show,
}

/// Query, order and paging of a list.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Query terms, e.g. `email~acme created>now-2h`.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Order by this field (the query language's names and aliases) [default: created].
    #[arg(long, value_name = "FIELD", value_parser = OrderByParser)]
    pub order_by: Option<OrderBy>,
    /// Ascending order.
    #[arg(long, conflicts_with = "desc")]
    pub asc: bool,
    /// Descending order (the default).
    #[arg(long)]
    pub desc: bool,
    /// Rows per page, 1 to 1000 [default: the profile's `page_size`, 50].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PAGE_SIZE)))]
    pub size: Option<u32>,
    /// Start at this cursor (printed by a previous page).
    #[arg(long, value_name = "CURSOR")]
    pub last: Option<String>,
    /// Walk every page (a query with local terms always does).
    #[arg(long)]
    pub all: bool,
    /// Print the server filter and the local terms and exit without a request.
    #[arg(long)]
    pub explain: bool,
    /// Table and CSV columns, comma-separated, in order (`--help` lists them).
    #[arg(long, value_name = "NAME,…", value_delimiter = ',', value_parser = crate::output::columns::parse)]
    pub columns: Option<Vec<Column>>,
    /// Table and CSV without the header line.
    #[arg(long)]
    pub no_headers: bool,
}

/// `sessions users`.
#[derive(Debug, Clone, Args)]
pub struct UsersArgs {
    /// Query terms, server and local, e.g. `created>now-1d vpn`.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Order by this column: email, identity, sessions, countries, devices, `last_login`, risk
    /// [default: sessions, most first].
    #[arg(long, value_name = "COLUMN")]
    pub order_by: Option<crate::investigate::UserColumn>,
    /// Ascending order (the default is descending).
    #[arg(long)]
    pub asc: bool,
    /// Sessions per page requested while walking [default: 1000].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub size: Option<u32>,
    /// Print the server filter and the local terms and exit without a request.
    #[arg(long)]
    pub explain: bool,
}

/// `sessions watch`.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Query terms, server and local, e.g. `risk=malicious,suspicious` or `country=KP`.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Print the sessions created after TIME first (RFC 3339, a date, or `now-1h`); to
    /// resume without repeats, give the `created_at` of the last session printed (an
    /// interrupted watch names it) [default: only sessions created after the watch starts].
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Wait between polls while logins arrive, e.g. `500ms` [default: 2s].
    #[arg(long, value_name = "DURATION", value_parser = parse_positive)]
    pub interval: Option<Duration>,
    /// The longest wait between polls while none arrive or the server fails (the wait
    /// doubles up to it) [default: 30s].
    #[arg(long, value_name = "DURATION", value_parser = parse_positive)]
    pub max_interval: Option<Duration>,
    /// Stop after printing N sessions.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
    /// Print the server filter and the local terms and exit without a request.
    #[arg(long)]
    pub explain: bool,
    /// Table and CSV columns, comma-separated, in order (`sessions list --help` lists them).
    #[arg(long, value_name = "NAME,…", value_delimiter = ',', value_parser = crate::output::columns::parse)]
    pub columns: Option<Vec<Column>>,
    /// Table and CSV without the header line.
    #[arg(long)]
    pub no_headers: bool,
}

/// Where a destructive run's targets come from and how it is reviewed: shared by
/// `sessions invalidate` and `sessions logout`.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Act on every session (or user) this query matches, local terms included (a dry
    /// run unless --yes). A blank query is refused, and so is one that matches every
    /// session of the project, whatever its text, unless --all is given.
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Act on every session of the project (a dry run unless --yes); with --query,
    /// allows a query that matches everything.
    #[arg(long)]
    pub all: bool,
    /// Refuse, sending nothing, when more than N targets would be acted on.
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,
    /// Really do it (with --query or --all; explicit ids and plans need no confirmation).
    #[arg(long)]
    pub yes: bool,
    /// Write the targets the query matches (ids, query, count, users, profile, host,
    /// time) to FILE and act on nothing.
    #[arg(long, value_name = "FILE", requires = "query_or_all", conflicts_with_all = ["yes", "from_plan", "from_ids"])]
    pub plan: Option<PathBuf>,
    /// Act on exactly the targets of a plan written by --plan; refused when its profile
    /// or host is not this run's.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "all", "from_ids"])]
    pub from_plan: Option<PathBuf>,
    /// Ids from FILE, one a line (blank lines and `#` comments skipped), such as the
    /// not-attempted list a stopped run wrote.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "all"])]
    pub from_ids: Option<PathBuf>,
    /// Refuse, sending nothing, unless the server's host is HOST.
    #[arg(long, value_name = "HOST")]
    pub expect_host: Option<String>,
}

/// `sessions invalidate`.
#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("targets").required(true).multiple(true).args(["session_ids", "query", "all", "from_plan", "from_ids"]))]
#[command(group = clap::ArgGroup::new("query_or_all").args(["query", "all"]).multiple(true))]
pub struct InvalidateArgs {
    /// Sessions to end; `-` reads them from standard input, one per line (blank lines
    /// and `#` comments are skipped).
    #[arg(value_name = "SESSION_ID", conflicts_with_all = ["query", "all", "from_plan", "from_ids"])]
    pub session_ids: Vec<String>,
    /// Targets and review.
    #[command(flatten)]
    pub run: RunArgs,
    /// An explicit id the server does not know is "already gone", not an error (exit 8).
    #[arg(long)]
    pub ignore_not_found: bool,
}

/// `sessions logout`.
#[derive(Debug, Clone, Args)]
#[command(group = clap::ArgGroup::new("users").required(true).multiple(true).args(["user_ids", "email", "query", "all", "from_plan", "from_ids"]))]
#[command(group = clap::ArgGroup::new("query_or_all").args(["query", "all"]).multiple(true))]
pub struct LogoutArgs {
    /// Users (`pui_…`) to log out everywhere; `-` reads them from standard input.
    #[arg(value_name = "USER_ID", conflicts_with_all = ["query", "all", "from_plan", "from_ids"])]
    pub user_ids: Vec<String>,
    /// The user with this exact email.
    #[arg(long, value_name = "EMAIL", conflicts_with_all = ["user_ids", "query", "all", "from_plan", "from_ids"])]
    pub email: Option<String>,
    /// Targets and review (--query logs out every user it matches).
    #[command(flatten)]
    pub run: RunArgs,
}

/// Where a value given on the command line or env came from.
fn given<T>(m: &ArgMatches, id: &str, env: &str, value: Option<T>) -> Option<Given<T>> {
    let value = value?;
    let source = match m.value_source(id) {
        Some(ValueSource::EnvVariable) => Source::Env(env.to_string()),
        _ => Source::Flag,
    };
    Some(Given { value, source })
}

/// A flag that is only "given" when set (bools default to false).
fn switch(on: bool) -> Option<Given<bool>> {
    on.then(|| Given::flag(true))
}

impl GlobalArgs {
    /// What bounds a destructive run: `--deadline`, `--breaker`, `--max-retry-after`.
    pub fn run_limits(&self) -> crate::actions::Limits {
        let mut limits = crate::actions::Limits {
            deadline: self.deadline,
            ..crate::actions::Limits::default()
        };
        if let Some(n) = self.breaker {
            limits.breaker = n;
        }
        if let Some(cap) = self.max_retry_after {
            limits.retry_after_cap = cap;
        }
        limits
    }

    /// The flags and env values as config inputs. `m` is the top-level match, which
    /// carries global args wherever they were written.
    ///
    /// `--service-token-file -` reads standard input here, once.
    pub fn inputs(&self, m: &ArgMatches) -> Result<Inputs, crate::config::ConfigError> {
        let secret = |s: &Option<String>| s.as_deref().filter(|v| !v.is_empty()).map(Secret::new);
        let mut token = given(m, "token", TOKEN_ENV, secret(&self.token));
        let mut service_token_file = None;
        match self.service_token_file.as_deref() {
            Some(p) if p.as_os_str() == "-" => {
                let t = crate::config::secret_file::read_token_from(std::io::stdin().lock())
                    .map_err(|reason| crate::config::ConfigError::BadValue {
                        setting: "service token",
                        origin: Source::Stdin,
                        reason,
                    })?;
                token = Some(Given {
                    value: t,
                    source: Source::Stdin,
                });
            }
            Some(p) => {
                // An ambient token is not the one asked for; the file is.
                token = token.filter(|g| matches!(g.source, Source::Env(_)));
                service_token_file = Some(Given::flag(p.to_path_buf()));
            }
            None => {}
        }
        Ok(Inputs {
            base_url: self.base_url.clone().map(Given::flag),
            domain: given(m, "domain", DOMAIN_ENV, self.domain.clone()),
            token,
            service_token_file,
            profile: given(m, "profile", PROFILE_ENV, self.profile.clone()),
            allow_http: switch(self.allow_http),
            concurrency: self.concurrency.map(|n| Given::flag(n as usize)),
            walk_window: self.walk_window.map(|n| Given::flag(n as usize)),
            timeout: self.timeout.map(Given::flag),
            attempt_timeout: self.attempt_timeout.map(Given::flag),
            read_only: switch(self.read_only),
            audit_log: self.audit_log.clone().map(Given::flag),
            config: given(m, "config", CONFIG_ENV, self.config.clone()),
            user_token: given(m, "user_token", USER_TOKEN_ENV, secret(&self.user_token)),
            refresh_token: given(
                m,
                "refresh_token",
                REFRESH_TOKEN_ENV,
                secret(&self.refresh_token),
            ),
            token_file: self.token_file.clone().map(Given::flag),
            color: self.color.map(Given::flag),
        })
    }
}

/// A path as given, empty included: an empty `AUTHTOP_CONFIG` is cleared with a notice
/// later rather than refused here.
fn any_path() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    use clap::builder::TypedValueParser;
    clap::builder::OsStringValueParser::new().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    fn parse(args: &[&str]) -> (Cli, ArgMatches) {
        let m = Cli::command().try_get_matches_from(args).unwrap();
        (Cli::from_arg_matches(&m).unwrap(), m)
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_before_and_after_the_subcommand() {
        let (a, _) = parse(&[
            "authtop",
            "--concurrency",
            "3",
            "sessions",
            "list",
            "-o",
            "csv",
        ]);
        assert_eq!(a.global.concurrency, Some(3));
        assert_eq!(a.global.output, Format::Csv);
        let (b, _) = parse(&["authtop", "sessions", "list", "email~a", "--read-only"]);
        assert!(b.global.read_only);
        match b.command {
            Some(Command::Sessions(SessionsCmd::List(l))) => assert_eq!(l.query, ["email~a"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn invalidate_needs_ids_or_a_query_but_not_both() {
        let cmd = Cli::command();
        assert!(
            cmd.clone()
                .try_get_matches_from(["authtop", "sessions", "invalidate"])
                .is_err()
        );
        assert!(
            cmd.try_get_matches_from([
                "authtop",
                "sessions",
                "invalidate",
                "pmt_a",
                "--query",
                "x"
            ])
            .is_err()
        );
    }

    #[test]
    fn a_bad_timeout_is_a_usage_error() {
        let e = Cli::command()
            .try_get_matches_from(["authtop", "--timeout", "soon", "config", "show"])
            .unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }

    #[test]
    fn flag_tokens_map_to_flag_sources() {
        let (cli, m) = parse(&["authtop", "--token", "pts_x", "config", "show"]);
        let inputs = cli.global.inputs(&m).unwrap();
        assert_eq!(inputs.token.unwrap().source, Source::Flag);
    }

    #[test]
    fn help_says_flag_values_are_visible_and_insecure_is_gone() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("visible to other local users"), "{help}");
        assert!(help.contains("--allow-http") && help.contains("--attempt-timeout"));
        assert!(!help.contains("--insecure"));
        assert!(
            Cli::command()
                .try_get_matches_from(["authtop", "--insecure", "config", "show"])
                .is_err()
        );
    }
}
