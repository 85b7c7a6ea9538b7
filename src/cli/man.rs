//! Manual pages from the same clap definitions as `--help`: `authtop man` writes one
//! full page (every command with its options, the query language, ENVIRONMENT, FILES,
//! EXIT STATUS, EXAMPLES); `authtop man --dir DIR` writes that page as `authtop.1` and
//! one page per command beside it, so every `authtop-…(1)` reference has its page.
//!
//! Everything outside ASCII is written as a roff `\[uXXXX]` escape, so `groff -ww` and
//! `mandoc -T lint` read the pages without a preprocessor and without warnings.

use super::exit::EXIT_CODES_HELP;
use crate::config::file::PROFILE_KEYS;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Environment variables authtop reads, and what for.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "PANGEA_AUTHN_TOKEN",
        "The AuthN service token, used with PANGEA_DOMAIN (never sent to a server named on the command line).",
    ),
    (
        "PANGEA_DOMAIN",
        "The Pangea domain: the server is https://authn.<domain>.",
    ),
    (
        "AUTHTOP_PROFILE",
        "The profile to use, as --profile; set but empty counts as unset.",
    ),
    (
        "AUTHTOP_CONFIG",
        "The config file, as --config; a file named here must exist.",
    ),
    (
        "AUTHTOP_STATE_DIR",
        "The state folder: audit log, terminal UI log, exports.",
    ),
    (
        "AUTHTOP_USER_TOKEN",
        "The user's active token, for client commands.",
    ),
    (
        "AUTHTOP_REFRESH_TOKEN",
        "The user's refresh token, for client refresh.",
    ),
    (
        "AUTHTOP_LOG",
        "A tracing filter such as debug: the commands trace to standard error, the terminal UI to its log file.",
    ),
    ("NO_COLOR", "When set, no colour (unless --color always)."),
    ("TERM", "TERM=dumb turns off colour and progress lines."),
];

/// Shell examples, each with what it does.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "authtop emulator --port 8080",
        "Run a local emulator of the API; it prints its base URL and service token.",
    ),
    (
        "authtop --base-url http://127.0.0.1:8080 --service-token-file svc.token sessions list",
        "List the first page of sessions of the emulator.",
    ),
    (
        "authtop sessions list 'email~acme' 'created>now-2h'",
        "Sessions of acme emails created in the last two hours (quote terms with > or <).",
    ),
    (
        "authtop sessions list --all -o ids 'vpn' 'country=FR,DE' | sort > vpn.txt",
        "Every session logged in through a VPN from France or Germany, one id per line.",
    ),
    (
        "authtop sessions invalidate --query 'email~@old.example' --max 50",
        "Show what would end (a dry run); add --yes to end them.",
    ),
    (
        "authtop sessions invalidate - < ids.txt",
        "End the sessions listed in a file, one id per line.",
    ),
    (
        "authtop request get prq_…",
        "Ask again for the result of a call the server queued.",
    ),
];

/// Text made safe for roff: backslashes escaped, a leading `.` or `'` neutralised.
fn text(s: &str) -> String {
    let s = s.replace('\\', "\\e");
    s.lines()
        .map(|l| {
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A flag or name in bold, with its hyphens as roff's minus.
fn bold(s: &str) -> String {
    format!("\\fB{}\\fR", text(s).replace('-', "\\-"))
}

/// Every character outside ASCII as `\[uXXXX]`.
fn ascii_only(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let _ = write!(out, "\\[u{:04X}]", u32::from(c));
        }
    }
    out
}

/// A preformatted block (the query reference, the exit codes).
fn verbatim(out: &mut String, block: &str) {
    out.push_str(".PP\n.nf\n");
    out.push_str(&text(block));
    out.push_str("\n.fi\n");
}

/// The file name of a command's page: `authtop-sessions-list`.
fn page_name(path: &[&str]) -> String {
    path.join("-")
}

/// A built command's visible subcommands.
fn children(cmd: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    cmd.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// The options a command itself defines (not the globals, described once on the main page).
fn own_options(out: &mut String, cmd: &clap::Command) {
    for arg in cmd.get_arguments() {
        if arg.is_hide_set()
            || arg.is_global_set()
            || ["help", "version"].contains(&arg.get_id().as_str())
        {
            continue;
        }
        let name = match (arg.get_short(), arg.get_long()) {
            (Some(s), Some(l)) => {
                format!("{}, {}", bold(&format!("-{s}")), bold(&format!("--{l}")))
            }
            (None, Some(l)) => bold(&format!("--{l}")),
            (Some(s), None) => bold(&format!("-{s}")),
            (None, None) => {
                let v = arg
                    .get_value_names()
                    .and_then(|v| v.first().map(ToString::to_string))
                    .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
                format!("\\fI{}\\fR", text(&v))
            }
        };
        let value =
            if arg.get_long().is_some() && arg.get_num_args().is_some_and(|n| n.takes_values()) {
                arg.get_value_names()
                    .and_then(|v| v.first().map(|v| format!(" \\fI{}\\fR", text(v))))
                    .unwrap_or_default()
            } else {
                String::new()
            };
        let help = arg
            .get_long_help()
            .or_else(|| arg.get_help())
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = writeln!(out, ".TP\n{name}{value}\n{}", text(&help));
    }
}

/// The COMMANDS section: every command with its synopsis and own options.
fn commands(out: &mut String, cmd: &clap::Command, path: &mut Vec<String>) {
    for sub in children(cmd) {
        path.push(sub.get_name().to_string());
        let usage = sub.clone().render_usage().to_string();
        let usage = usage.trim_start_matches("Usage:").trim();
        let _ = writeln!(out, ".SS \"{}\"", path.join(" "));
        let about = sub
            .get_long_about()
            .or_else(|| sub.get_about())
            .map(ToString::to_string)
            .unwrap_or_default();
        let _ = writeln!(out, "{}\n.PP\n{}", text(&about), bold(usage));
        own_options(out, sub);
        commands(out, sub, path);
        path.pop();
    }
}

/// The sections after the options of the main page.
fn main_sections(out: &mut String, cmd: &clap::Command) {
    out.push_str(".SH COMMANDS\n");
    commands(out, cmd, &mut vec!["authtop".to_string()]);
    out.push_str(".SH \"QUERY LANGUAGE\"\n");
    out.push_str(
        "Commands that take a query (sessions list, sessions users, client list, sessions invalidate \\-\\-query) read it as follows.\n",
    );
    verbatim(out, crate::query::help_text());
    out.push_str(".SH ENVIRONMENT\n");
    for (name, what) in ENVIRONMENT {
        let _ = writeln!(out, ".TP\n{}\n{}", bold(name), text(what));
    }
    out.push_str(".SH FILES\n");
    let _ = writeln!(
        out,
        ".TP\n{}\nThe config file (or \\-\\-config, AUTHTOP_CONFIG). A [profiles.NAME] table takes these keys; token values are never stored in it:",
        bold("~/.config/authtop/config.toml")
    );
    out.push_str(".RS\n");
    for (key, takes, what) in PROFILE_KEYS {
        let _ = writeln!(
            out,
            ".TP\n{} (\\fI{}\\fR)\n{}",
            bold(key),
            text(takes),
            text(what)
        );
    }
    out.push_str(".RE\n");
    let _ = writeln!(
        out,
        ".TP\n{}\nThe audit log: one JSON line per destructive request (or \\-\\-audit\\-log).\n.TP\n{}\nThe terminal UI's log.\n.TP\n{}\nThe terminal UI's exports (or the profile's export_dir).",
        bold("~/.local/state/authtop/audit.jsonl"),
        bold("~/.local/state/authtop/authtop.log"),
        bold("~/.local/state/authtop/exports/")
    );
    out.push_str(".SH \"EXIT STATUS\"\n");
    let codes = EXIT_CODES_HELP
        .split_once('\n')
        .map_or(EXIT_CODES_HELP, |(_, rest)| rest);
    verbatim(out, codes);
    out.push_str(".SH EXAMPLES\n");
    for (command, what) in EXAMPLES {
        let _ = writeln!(
            out,
            ".PP\n{}\n.RS\n.nf\n{}\n.fi\n.RE",
            text(what),
            text(command)
        );
    }
}

/// The start of a page from clap: title, name, synopsis, description, options.
fn head(cmd: &clap::Command) -> std::io::Result<String> {
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)?;
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// The one full page, `authtop(1)`.
pub fn page(cmd: clap::Command) -> std::io::Result<String> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    let mut out = head(&cmd)?;
    main_sections(&mut out, &cmd);
    out.push_str(
        ".SH \"SEE ALSO\"\n\\fBauthtop man \\-\\-dir\\fR \\fIDIR\\fR writes this page and one page per command.\n",
    );
    Ok(ascii_only(&out))
}

/// `authtop.1` and one page per command in `dir`; the files written.
pub fn write_pages(cmd: clap::Command, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut main = head(&cmd)?;
    main_sections(&mut main, &cmd);
    let subs: Vec<String> = children(&cmd)
        .map(|s| format!("{}(1)", page_name(&["authtop", s.get_name()])))
        .collect();
    let _ = writeln!(main, ".SH \"SEE ALSO\"\n{}", bold(&subs.join(", ")));
    let path = dir.join("authtop.1");
    std::fs::write(&path, ascii_only(&main))?;
    written.push(path);
    sub_pages(&cmd, &mut vec!["authtop"], dir, &mut written)?;
    Ok(written)
}

/// A page for each subcommand of `cmd`, recursively.
fn sub_pages<'a>(
    cmd: &'a clap::Command,
    path: &mut Vec<&'a str>,
    dir: &Path,
    written: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    let parent = page_name(path);
    for sub in children(cmd) {
        path.push(sub.get_name());
        let name = page_name(path);
        let mut out = head(sub)?;
        let kids: Vec<String> = children(sub)
            .map(|k| format!("{name}-{}(1)", k.get_name()))
            .collect();
        if !kids.is_empty() {
            out.push_str(".SH COMMANDS\n");
            for k in children(sub) {
                let about = k.get_about().map(ToString::to_string).unwrap_or_default();
                let _ = writeln!(
                    out,
                    ".TP\n{}\n{}",
                    bold(&format!("{name}-{}(1)", k.get_name())),
                    text(&about)
                );
            }
        }
        if let Some(after) = sub.get_after_long_help() {
            out.push_str(".SH \"QUERY LANGUAGE\"\n");
            verbatim(&mut out, &after.to_string());
        }
        out.push_str(".SH \"EXIT STATUS\"\nAs listed in \\fBauthtop\\fR(1).\n");
        let mut see = vec![format!("{parent}(1)")];
        if parent != "authtop" {
            see.push("authtop(1)".into());
        }
        see.extend(kids);
        let _ = writeln!(out, ".SH \"SEE ALSO\"\n{}", bold(&see.join(", ")));
        let file = dir.join(format!("{name}.1"));
        std::fs::write(&file, ascii_only(&out))?;
        written.push(file);
        sub_pages(sub, path, dir, written)?;
        path.pop();
    }
    Ok(())
}
