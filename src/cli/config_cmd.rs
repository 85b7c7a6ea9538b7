//! `authtop config path|show`.

use super::ctx::Ctx;
use super::exit::CliError;
use crate::config::{Inputs, paths};
use crate::output::{Format, csv_record, diag, json_line, pretty_json, print_quietly, table};
use std::io::Write;

/// `config path`: the file that is (or would be) read; works even when it is invalid.
pub fn path(inputs: &Inputs) -> Result<(), CliError> {
    let path = inputs
        .config
        .as_ref()
        .map(|g| g.value.clone())
        .or_else(paths::default_config_file)
        .ok_or_else(|| CliError::other("no home folder: pass --config PATH"))?;
    print_quietly(&format!("{}\n", path.display()));
    if !path.exists() {
        diag("(not found)");
    }
    Ok(())
}

/// `config show`: every resolved setting, token values masked, with its origin.
pub fn show(ctx: &Ctx) -> Result<(), CliError> {
    let origins = &ctx.settings.origins;
    let mut out = std::io::stdout().lock();
    match ctx.format {
        Format::Table | Format::Ids => {
            let rows: Vec<Vec<String>> = origins
                .iter()
                .map(|o| vec![o.name.to_string(), o.shown.clone(), o.source.to_string()])
                .collect();
            out.write_all(
                table(
                    &["SETTING", "VALUE", "FROM"],
                    &rows,
                    &[14, 80, 40],
                    ctx.term.color,
                )
                .as_bytes(),
            )?;
            if let Some(problem) = &ctx.settings.client_problem {
                writeln!(out, "note: {problem}")?;
            }
            for n in &ctx.settings.notices {
                writeln!(out, "notice: {}", crate::sanitize::clean(n))?;
            }
        }
        Format::Json | Format::Ndjson => {
            let map: serde_json::Map<String, serde_json::Value> = origins
                .iter()
                .map(|o| {
                    (
                        o.name.to_string(),
                        serde_json::json!({ "value": o.shown, "from": o.source.to_string() }),
                    )
                })
                .collect();
            let text = if ctx.format == Format::Json {
                pretty_json(&map, 0)?
            } else {
                json_line(&map)?
            };
            writeln!(out, "{text}")?;
        }
        Format::Csv => {
            out.write_all(csv_record(&["setting", "value", "from"]).as_bytes())?;
            for o in origins {
                out.write_all(
                    csv_record(&[o.name.to_string(), o.shown.clone(), o.source.to_string()])
                        .as_bytes(),
                )?;
            }
        }
    }
    Ok(())
}
