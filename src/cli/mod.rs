//! The command line: clap definitions and the non-interactive subcommands.
//!
//! `authtop` with no subcommand starts the terminal UI; every other command is for
//! scripts: output with `-o table|json|ndjson|csv|ids`, errors on stderr (the Pangea
//! status, summary and request id, never a token), and these exit codes:
//!
//! | code | meaning |
//! | --- | --- |
//! | 0 | success |
//! | 1 | any other failure |
//! | 2 | usage error: bad flags, a query that does not compile, unusable configuration |
//! | 3 | authentication failure (`Unauthorized`, `InvalidToken`, `ExpiredToken`) |
//! | 4 | other API error |
//! | 5 | transport failure: no answer, timeout, malformed response; or the breaker stopped a destructive run |
//! | 6 | targets of a destructive run failed or ended unknown (some or all) |
//! | 7 | refused: the profile is read-only |
//! | 8 | not found: an explicit id the server does not know (unless `--ignore-not-found`) |
//! | 9 | the audit log could not be opened or written; the run stopped |
//! | 10 | refreshed, but the new tokens could not be saved: they are in a recovery file |
//! | 11 | `--deadline` passed; the run stopped |
//! | 129, 130, 143 | SIGHUP, SIGINT, SIGTERM stopped a destructive run (partial summary) |
//!
//! `AUTHTOP_LOG` (an `EnvFilter` directive such as `debug`, or `pangea_authn=debug` for
//! the AuthN calls alone) turns on tracing to stderr for the scriptable commands; it is off
//! by default.

pub mod act;
pub mod args;
pub mod bulk;
pub mod client_cmd;
pub use crate::output::columns;
pub mod config_cmd;
pub mod ctx;
pub mod emulator;
pub mod exit;
pub mod help;
pub mod logging;
pub mod man;
pub mod order;
pub mod progress;
pub mod request;
pub use crate::output;
pub mod sessions;
pub mod suggest;
pub mod total;
pub mod tui_entry;
pub mod users;
pub mod watch;

pub use args::Cli;
pub use ctx::Ctx;
pub use exit::{CliError, Exit};
pub use logging::LOG_ENV;

use crate::sanitize::clean;
use args::{Command, ConfigCmd};
use clap::{CommandFactory, FromArgMatches};
use output::Term;
use std::process::ExitCode;

/// The clap command as parsed and shown by `--help`: global options described once.
pub fn command() -> clap::Command {
    help::shape_global_options(described())
}

/// The clap command with the query language's reference under the commands that take a
/// query and the column list under `--columns`; every global option on every command
/// (what completion scripts and the manual page need).
pub fn described() -> clap::Command {
    let query_help = crate::query::help_text();
    let columns_help = format!(
        "Table and CSV columns, comma-separated, in order: {}.\n\
         Default: id,email,identity,created,expire,location,device,risk for a table, all of them for CSV.",
        columns::names_help()
    );
    let list = |c: clap::Command| {
        c.after_long_help(query_help)
            .mut_arg("columns", |a| a.long_help(columns_help.clone()))
    };
    Cli::command()
        .mut_subcommand("sessions", |s| {
            s.mut_subcommand("list", list)
                .mut_subcommand("invalidate", |c| c.after_long_help(query_help))
                .mut_subcommand("users", |c| c.after_long_help(query_help))
        })
        .mut_subcommand("client", |s| s.mut_subcommand("list", list))
}

/// Parses the command line, runs it, and returns the exit code.
pub fn main() -> ExitCode {
    let matches = match command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_exit(&e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return usage_exit(&e),
    };
    match run(cli, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        // `| head` closed the pipe: the reader has what it wanted.
        Err(e) if e.exit == Exit::Ok => ExitCode::SUCCESS,
        // The message was printed where it happened (the TUI's summary).
        Err(e) if e.message.is_empty() => ExitCode::from(e.exit.code()),
        Err(e) => {
            // Line by line: the caret display of a query error is multi-line by design.
            let lines: Vec<_> = e.message.lines().map(clean).collect();
            output::diag(&format!("authtop: {}", lines.join("\n")));
            ExitCode::from(e.exit.code())
        }
    }
}

/// Prints a clap error (or help) with anything shaped like a token masked: a token
/// passed where none is expected must not be echoed back.
fn usage_exit(e: &clap::Error) -> ExitCode {
    let text = crate::authn::redact::mask_token_shapes(&e.render().to_string());
    if e.use_stderr() {
        output::diag(text.trim_end());
    } else {
        output::print_quietly(&text);
    }
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Runtime::new().map_err(|e| CliError::other(format!("async runtime: {e}")))
}

fn run(cli: Cli, matches: &clap::ArgMatches) -> Result<(), CliError> {
    output::set_csv_neutralise(!cli.global.csv_keep_formulas);
    output::set_csv_crlf(cli.global.crlf);
    if cli.global.output == output::Format::Ids && !lists(cli.command.as_ref()) {
        return Err(CliError::usage(
            "-o ids applies to listings: sessions list, client list and sessions users",
        ));
    }
    let command = match cli.command {
        Some(Command::Completions { shell }) => {
            let profiles = help::profile_names(cli.global.config.as_deref());
            let mut cmd = help::for_completion(described(), profiles);
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "authtop", &mut script);
            output::print_quietly(&String::from_utf8_lossy(&script));
            return Ok(());
        }
        Some(Command::Man { dir: None }) => {
            let page =
                man::page(command()).map_err(|e| CliError::other(format!("manual page: {e}")))?;
            output::print_quietly(&page);
            return Ok(());
        }
        Some(Command::Man { dir: Some(dir) }) => {
            let written = man::write_pages(command(), &dir)
                .map_err(|e| CliError::other(format!("manual pages in {}: {e}", dir.display())))?;
            for file in written {
                output::diag(&format!("wrote {}", file.display()));
            }
            return Ok(());
        }
        Some(Command::Emulator(args)) => {
            logging::init_logging();
            return runtime()?.block_on(emulator::run(args));
        }
        Some(Command::Config(ConfigCmd::Path)) => {
            return config_cmd::path(&cli.global.inputs(matches)?);
        }
        other => other,
    };
    refuse_two_readers_of_stdin(&cli.global, command.as_ref())?;
    for notice in tokens_on_the_command_line(matches, command.as_ref()) {
        output::diag(&format!("authtop: notice: {notice}"));
    }
    if command.is_none() {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
            return Err(CliError::usage(
                "the TUI needs a terminal; for scripts use `authtop sessions list` (see `authtop --help` for every command)",
            ));
        }
    }
    let inputs = cli.global.inputs(matches)?;
    let limits = cli.global.run_limits();
    let settings = crate::config::resolve(&inputs)?;
    for n in &settings.notices {
        output::diag(&format!("authtop: notice: {}", clean(n)));
    }
    let Some(command) = command else {
        // Error reports for the TUI path; the run loop chains its terminal restore onto it.
        let _ = color_eyre::install();
        let memory = tui_entry::Memory {
            fresh: cli.fresh,
            profiles: help::profile_names(cli.global.config.as_deref()),
            inputs,
        };
        return runtime()?.block_on(tui_entry::run_tui(settings, memory));
    };
    logging::init_logging();
    let settings_color = settings.color;
    let mut term = Term::detect(settings_color);
    term.cut &= !cli.global.wide;
    let ctx = Ctx {
        settings,
        format: cli.global.output,
        term,
        limits,
    };
    runtime()?.block_on(dispatch(&ctx, command))
}

/// Standard input can be read once: a service token and session ids (or a token to
/// check) cannot both come from it.
fn refuse_two_readers_of_stdin(
    global: &args::GlobalArgs,
    command: Option<&Command>,
) -> Result<(), CliError> {
    use args::{SessionsCmd, TokenCmd};
    if global.service_token_file.as_deref() != Some(std::path::Path::new("-")) {
        return Ok(());
    }
    let other = match command {
        Some(Command::Sessions(SessionsCmd::Invalidate(a)))
            if a.session_ids.iter().any(|id| id == "-") =>
        {
            "the session ids (`-`)"
        }
        Some(Command::Token(TokenCmd::Check {
            token_value: Some(t),
        })) if t == "-" => "the token to check (`-`)",
        _ => return Ok(()),
    };
    Err(CliError::usage(format!(
        "both the service token (--service-token-file -) and {other} would be read from standard input, which holds only one of them: put the service token in a file (--service-token-file FILE) (nothing was sent)"
    )))
}

/// One notice per token value typed on the command line, where other local users can
/// read it (ps, /proc) for as long as authtop runs, naming the safer way.
fn tokens_on_the_command_line(m: &clap::ArgMatches, command: Option<&Command>) -> Vec<String> {
    use clap::parser::ValueSource;
    let typed = |id: &str| m.value_source(id) == Some(ValueSource::CommandLine);
    let mut notices = Vec::new();
    if typed("token") {
        notices.push(
            "--token is visible to other local users while authtop runs: use --service-token-file FILE (or - for standard input), PANGEA_AUTHN_TOKEN, or a profile's token_file".to_string(),
        );
    }
    for (id, flag) in [
        ("user_token", "--user-token"),
        ("refresh_token", "--refresh-token"),
    ] {
        if typed(id) {
            notices.push(format!(
                "{flag} is visible to other local users while authtop runs: use --token-file FILE (a private JSON token pair) or a profile's user_token_file"
            ));
        }
    }
    if let Some(Command::Token(args::TokenCmd::Check {
        token_value: Some(t),
    })) = command
        && t != "-"
        && !t.is_empty()
    {
        notices.push(
            "a token given as an argument is visible to other local users while authtop runs: give it on standard input with `authtop token check -`".to_string(),
        );
    }
    notices
}

/// Whether `command` prints a listing, which `-o ids` can shape.
fn lists(command: Option<&Command>) -> bool {
    use args::{ClientCmd, SessionsCmd};
    matches!(
        command,
        Some(
            Command::Sessions(SessionsCmd::List(_) | SessionsCmd::Users(_) | SessionsCmd::Watch(_))
                | Command::Client(ClientCmd::List(_))
        )
    )
}

async fn dispatch(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    use args::{ClientCmd, SessionsCmd, TokenCmd};
    match command {
        Command::Sessions(SessionsCmd::List(a)) => {
            sessions::list(ctx, crate::authn::ListScope::Service, a).await
        }
        Command::Sessions(SessionsCmd::Invalidate(a)) => act::invalidate(ctx, a).await,
        Command::Sessions(SessionsCmd::Logout(a)) => act::logout(ctx, a).await,
        Command::Sessions(SessionsCmd::Users(a)) => users::run(ctx, a).await,
        Command::Sessions(SessionsCmd::Watch(a)) => watch::run(ctx, a).await,
        Command::Client(ClientCmd::List(a)) => {
            let token = client_cmd::user_token(ctx)?;
            sessions::list(ctx, crate::authn::ListScope::Client(token), a).await
        }
        Command::Client(ClientCmd::Invalidate { session_id }) => {
            client_cmd::invalidate(ctx, session_id).await
        }
        Command::Client(ClientCmd::Logout) => client_cmd::logout(ctx).await,
        Command::Client(ClientCmd::Refresh) => client_cmd::refresh(ctx).await,
        Command::Token(TokenCmd::Check { token_value }) => {
            client_cmd::check(ctx, token_value).await
        }
        Command::Config(ConfigCmd::Show) => config_cmd::show(ctx),
        Command::Request(args::RequestCmd::Get { request_id }) => {
            request::get(ctx, &request_id).await
        }
        Command::Config(ConfigCmd::Path)
        | Command::Completions { .. }
        | Command::Man { .. }
        | Command::Emulator(_) => Ok(()),
    }
}
