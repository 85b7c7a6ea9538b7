//! What the clap definitions show beyond parsing: help that keeps global options under
//! one heading and out of the emulator, and completions that know the config's
//! profiles and columns (the manual pages are in [`super::man`]).

use clap::builder::PossibleValuesParser;

/// The arguments marked global on the top-level command.
fn globals(cmd: &clap::Command) -> Vec<clap::Arg> {
    cmd.get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect()
}

/// Global options are described once, in `authtop --help`. Every other command lists
/// their names under a "Global options" heading, and `emulator` shows none of them (the
/// emulator takes its own flags; a service token or `-o` mean nothing there).
///
/// A command that defines an argument itself does not receive the global of that name,
/// so each command gets hidden copies: still global (values still reach the top-level
/// matches), just not described again.
pub fn shape_global_options(cmd: clap::Command) -> clap::Command {
    let globals = globals(&cmd);
    let names: Vec<String> = globals
        .iter()
        .map(|a| match (a.get_short(), a.get_long()) {
            (Some(s), Some(l)) => format!("-{s}/--{l}"),
            (_, Some(l)) => format!("--{l}"),
            (Some(s), None) => format!("-{s}"),
            (None, None) => a.get_id().to_string(),
        })
        .collect();
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{{all-args}}\n\n\
         Global options (described in `authtop --help`):\n{}{{after-help}}",
        wrap(&names.join(", "), 78, "  ")
    );
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd;
    for name in subs {
        cmd = if name == "emulator" {
            cmd.mut_subcommand(&name, |e| {
                e.args(globals.iter().map(|a| a.clone().global(false).hide(true)))
            })
        } else {
            cmd.mut_subcommand(&name, |c| with_heading(c, &globals, &template))
        };
    }
    cmd
}

/// `c` and its subcommands with the globals hidden and named in the help template.
fn with_heading(c: clap::Command, globals: &[clap::Arg], template: &str) -> clap::Command {
    let subs: Vec<String> = c
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut c = c
        .args(globals.iter().map(|a| a.clone().hide(true)))
        .help_template(template.to_string());
    for name in subs {
        c = c.mut_subcommand(&name, |s| with_heading(s, globals, template));
    }
    c
}

/// `text` broken at ", " into lines of at most `width` cells, each starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_inclusive(", ") {
        if line.len() + word.trim_end().len() > width && line.len() > indent.len() {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// The command as completion scripts see it: `--columns` offers the column names,
/// `sessions users --order-by` its columns and `--profile` the config's profiles ([`with_profiles`]). Parsing is unchanged.
pub fn for_completion(cmd: clap::Command, profiles: Vec<String>) -> clap::Command {
    let columns = |c: clap::Command| {
        c.mut_arg("columns", |a| {
            a.value_parser(PossibleValuesParser::new(
                crate::output::columns::names().collect::<Vec<_>>(),
            ))
        })
    };
    let user_order = |c: clap::Command| {
        c.mut_arg("order_by", |a| {
            a.value_parser(PossibleValuesParser::new(
                crate::investigate::UserColumn::ALL.map(crate::investigate::UserColumn::name),
            ))
        })
    };
    with_profiles(cmd, profiles)
        .mut_subcommand("sessions", |s| {
            s.mut_subcommand("list", columns)
                .mut_subcommand("users", user_order)
        })
        .mut_subcommand("client", |s| s.mut_subcommand("list", columns))
}

/// The command with `--profile` offering `profiles` as completions. Only the
/// completion script gets this: parsing still accepts any name and says which exist.
pub fn with_profiles(cmd: clap::Command, profiles: Vec<String>) -> clap::Command {
    if profiles.is_empty() {
        return cmd;
    }
    // clap keeps static names; the process prints one script and exits, so leaking
    // a handful of short names is the simplest lifetime.
    let names: Vec<&'static str> = profiles
        .into_iter()
        .map(|p| &*Box::leak(p.into_boxed_str()))
        .collect();
    cmd.mut_arg("profile", |a| {
        a.value_parser(PossibleValuesParser::new(names))
    })
}

/// The profile names of the config file named by `config` (or the default one); none
/// when it is missing or unreadable, since a completion script is still useful without.
pub fn profile_names(config: Option<&std::path::Path>) -> Vec<String> {
    let path = config
        .map(std::path::Path::to_path_buf)
        .or_else(crate::config::paths::default_config_file);
    match path.map(|p| crate::config::file::load(&p)) {
        Some(Ok(Some(file))) => file.profile_names(),
        _ => Vec::new(),
    }
}
