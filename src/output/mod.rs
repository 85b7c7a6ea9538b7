//! Output formats: an aligned table for people, JSON, NDJSON, CSV and ids for programs.
//!
//! Sessions are written batch by batch (one page at a time) so `--all` never holds
//! more than a page. Server strings are sanitised ([`crate::sanitize::clean`]) in the
//! table and in CSV (CSV is often read with `cat` in a terminal). JSON and NDJSON keep
//! exact values but escape C0 and C1 controls and bidi/invisible formatting characters
//! as `\uXXXX`, so a terminal shows them inert and a parser still reads them back.
//! CSV cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'` (OWASP's
//! advice against formula injection) unless `--csv-keep-formulas` is given.
//! A closed stdout ends the command quietly; diagnostics never panic.
//! CSV lines end in LF unless `--crlf` asks for RFC 4180's CRLF; `-o ids` writes one
//! id per line and nothing else. A streamed table keeps the column widths of its first
//! page. Cells are cut with an ellipsis only on a terminal ([`Term::cut`]): piped or
//! saved, every character is kept and a longer cell pushes its line right.
//!
//! Every format carries what authtop works out for a session ([`Derived`]): LOCATION,
//! DEVICE and RISK columns in the table and CSV, a `derived` object beside each session
//! in JSON. NDJSON from a raw page ([`SessionWriter::batch_raw`]) writes each session's
//! JSON as the server sent it (already scrubbed of tokens) with `derived` appended, and
//! only re-encodes one that holds a line break or a character unsafe for a terminal.

pub mod columns;
pub mod json;

pub use columns::derived_cells;
use json::passes_through;
pub use json::{json_line, pretty_json};

use crate::authn::model::{Session, Timestamp};
use crate::color::{ColorChoice, ColorEnv};
use crate::investigate::facts::Derived;
use crate::investigate::{Devices, Glance};
use crate::sanitize::{clean, fit, width};
use columns::{CSV_DEFAULT, Column, Facts, TABLE_DEFAULT};
use serde::Serialize;
use serde_json::value::RawValue;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether CSV cells that a spreadsheet would run as formulas are defused. Process-wide
/// because it is one command-line choice that every CSV writer must honour.
static CSV_NEUTRALISE: AtomicBool = AtomicBool::new(true);

/// Turns formula neutralisation of CSV cells on (the default) or off.
pub fn set_csv_neutralise(on: bool) {
    CSV_NEUTRALISE.store(on, Ordering::Relaxed);
}

/// Whether CSV records end with CRLF (`--crlf`) rather than LF. Process-wide for the
/// same reason as [`CSV_NEUTRALISE`]. LF by default: `xargs`, `comm` and `cut` read a
/// CR as part of the last field, and every spreadsheet reads LF.
static CSV_CRLF: AtomicBool = AtomicBool::new(false);

/// Ends CSV records with CRLF (RFC 4180's line end) instead of LF.
pub fn set_csv_crlf(on: bool) {
    CSV_CRLF.store(on, Ordering::Relaxed);
}

/// Writes one diagnostic line to stderr; a closed or full stderr is ignored, never a panic.
pub fn diag(line: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// Writes text to stdout, ignoring a closed pipe.
pub fn print_quietly(text: &str) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// `-o` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns with relative times.
    #[default]
    Table,
    /// One pretty JSON array.
    Json,
    /// One JSON object per line.
    Ndjson,
    /// RFC 4180 CSV with a header row, lines ending in LF (CRLF with --crlf).
    Csv,
    /// One id per line and nothing else: session ids, or user ids for `sessions users`.
    Ids,
}

/// What the terminal allows: colour and progress lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Term {
    /// Colour on stdout.
    pub color: bool,
    /// Progress lines on stderr.
    pub progress: bool,
    /// Stdout is a terminal: a person reads it, so totals and "nothing found" are worded.
    pub stdout_tty: bool,
    /// Table cells wider than their column's cap are cut with `…`: only for a person
    /// at a terminal, and never with `--wide`. A file or a pipe gets every character.
    pub cut: bool,
}

impl Term {
    /// Colour as `choice` decides for stdout ([`ColorChoice::enabled`]); progress
    /// whenever stderr is a terminal that understands the line-erase escape (not
    /// `TERM=dumb`), so `> file` exports show it too; cells cut on a terminal only.
    pub fn detect(choice: ColorChoice) -> Self {
        let stdout_tty = io::stdout().is_terminal();
        let env = ColorEnv::from_process();
        Self {
            color: choice.enabled(stdout_tty, env),
            progress: io::stderr().is_terminal() && !env.dumb,
            stdout_tty,
            cut: stdout_tty,
        }
    }
}

/// `"3h ago"`, `"in 2d"`, `"now"`: the one relative-time formatter, shared with the TUI.
pub use crate::clock::ago_coarse as relative;

/// A CSV cell's text before quoting: sanitised, a formula-leading cell defused with `'`.
fn csv_text(s: &str) -> String {
    let s = clean(s);
    if CSV_NEUTRALISE.load(Ordering::Relaxed) && s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.into_owned()
    }
}

/// One CSV field as written: [`csv_text`], quoted per RFC 4180 when it needs it.
pub fn csv_field(s: &str) -> String {
    let mut line = csv_record(&[s]);
    line.truncate(line.trim_end_matches(['\r', '\n']).len());
    line
}

/// One CSV record ending in LF, or CRLF after [`set_csv_crlf`]; the `csv` crate does
/// the quoting.
pub fn csv_record<S: AsRef<str>>(fields: &[S]) -> String {
    let terminator = if CSV_CRLF.load(Ordering::Relaxed) {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(terminator)
        .buffer_capacity(256)
        .from_writer(Vec::new());
    // Writing into memory cannot fail; an error would only leave the record empty.
    let _ = w.write_record(fields.iter().map(|f| csv_text(f.as_ref())));
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Column widths: each the widest cell (sanitised) or header, at most its cap.
pub fn layout(headers: &[&str], rows: &[Vec<String>], caps: &[usize]) -> Vec<usize> {
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let widest = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(&clean(c)))
                .chain([width(h)])
                .max()
                .unwrap_or(0);
            widest.min(caps.get(i).copied().unwrap_or(usize::MAX))
        })
        .collect()
}

/// One aligned line: cells sanitised, cut to their width, padded by display width.
pub fn table_line<S: AsRef<str>>(cells: &[S], widths: &[usize], bold: bool) -> String {
    aligned(cells, widths, bold, true)
}

/// One aligned line whose cells are never cut: a wider cell pushes the rest right.
pub fn table_line_uncut<S: AsRef<str>>(cells: &[S], widths: &[usize], bold: bool) -> String {
    aligned(cells, widths, bold, false)
}

fn aligned<S: AsRef<str>>(cells: &[S], widths: &[usize], bold: bool, cut: bool) -> String {
    let mut line = String::new();
    let last = cells.len().saturating_sub(1);
    for (i, cell) in cells.iter().enumerate() {
        let w = widths.get(i).copied().unwrap_or(0);
        let text = if cut {
            fit(cell.as_ref(), w)
        } else {
            clean(cell.as_ref()).into_owned()
        };
        line.push_str(&text);
        if i < last {
            line.push_str(&" ".repeat(w.saturating_sub(width(&text)) + 2));
        }
    }
    // Only the padding added here goes: a value may end in a space of its own (U+00A0).
    let line = line.trim_end_matches(' ').to_string();
    if bold {
        format!("\u{1b}[1m{line}\u{1b}[0m\n")
    } else {
        format!("{line}\n")
    }
}

/// A whole table: header and rows, aligned.
pub fn table(headers: &[&str], rows: &[Vec<String>], caps: &[usize], color: bool) -> String {
    let widths = layout(headers, rows, caps);
    let mut out = table_line(headers, &widths, color);
    for r in rows {
        out.push_str(&table_line(r, &widths, false));
    }
    out
}

/// Writes sessions in one format, a batch at a time, holding none of them.
pub struct SessionWriter<W: Write> {
    out: W,
    format: Format,
    now: Timestamp,
    color: bool,
    widths: Option<Vec<usize>>,
    written: usize,
    devices: Devices,
    select: SessionColumns,
}

/// Which columns a session table or CSV shows, and whether with a header line.
#[derive(Debug, Clone, Default)]
pub struct SessionColumns {
    /// `--columns`; `None` is the format's default set.
    pub columns: Option<Vec<Column>>,
    /// `--no-headers`.
    pub no_headers: bool,
    /// An empty table prints nothing at all (on a terminal the caller says so in words).
    pub nothing_when_empty: bool,
    /// Table cells are cut to their column's cap ([`Term::cut`]).
    pub cut: bool,
}

impl<W: Write> SessionWriter<W> {
    /// A writer; `now` anchors relative times.
    pub fn new(out: W, format: Format, now: Timestamp, color: bool) -> Self {
        Self {
            out,
            format,
            now,
            color,
            widths: None,
            written: 0,
            devices: Devices::new(),
            select: SessionColumns::default(),
        }
    }

    /// The same writer showing `select`'s columns.
    #[must_use]
    pub fn with_columns(mut self, select: SessionColumns) -> Self {
        self.select = select;
        self
    }

    /// Relative times of later batches count from `now` (a long-running writer).
    pub fn set_now(&mut self, now: Timestamp) {
        self.now = now;
    }

    /// Sessions written so far.
    pub fn rows(&self) -> usize {
        self.written
    }

    fn columns(&self) -> &[Column] {
        match (&self.select.columns, self.format) {
            (Some(c), _) => c,
            (None, Format::Csv) => CSV_DEFAULT,
            (None, Format::Ids) => &[Column::Id],
            (None, _) => TABLE_DEFAULT,
        }
    }

    /// Writes one batch and flushes, so a reader sees rows as pages arrive.
    pub fn batch(&mut self, sessions: &[Session]) -> io::Result<()> {
        let cols = self.columns().to_vec();
        match self.format {
            // The header waits for the first rows, so their widths shape the table.
            Format::Table if sessions.is_empty() => {}
            Format::Table => {
                let rows: Vec<Vec<String>> = sessions
                    .iter()
                    .map(|s| {
                        let d = Derived::of(s, &mut self.devices);
                        let f = Facts::of(s, &d);
                        cols.iter().map(|c| c.table_cell(s, &f, self.now)).collect()
                    })
                    .collect();
                self.table_header(&cols, &rows)?;
                let widths = self.widths.as_deref().unwrap_or_default();
                for r in &rows {
                    let line = if self.select.cut {
                        table_line(r, widths, false)
                    } else {
                        table_line_uncut(r, widths, false)
                    };
                    self.out.write_all(line.as_bytes())?;
                }
            }
            Format::Json => {
                for s in sessions {
                    let sep = if self.written == 0 { "[\n" } else { ",\n" };
                    self.out.write_all(sep.as_bytes())?;
                    let derived = Derived::of(s, &mut self.devices);
                    self.out.write_all(
                        pretty_json(
                            &WithDerived {
                                session: s,
                                derived,
                            },
                            2,
                        )?
                        .as_bytes(),
                    )?;
                    self.written += 1;
                }
                return self.out.flush();
            }
            Format::Ndjson => {
                for s in sessions {
                    let derived = Derived::of(s, &mut self.devices);
                    self.out.write_all(
                        json_line(&WithDerived {
                            session: s,
                            derived,
                        })?
                        .as_bytes(),
                    )?;
                    self.out.write_all(b"\n")?;
                }
            }
            Format::Ids => {
                for s in sessions {
                    writeln!(self.out, "{}", clean(&s.id))?;
                }
            }
            Format::Csv => {
                if self.widths.is_none() {
                    if !self.select.no_headers {
                        let headers: Vec<&str> = cols.iter().map(|c| c.csv_header()).collect();
                        self.out.write_all(csv_record(&headers).as_bytes())?;
                    }
                    self.widths = Some(Vec::new());
                }
                for s in sessions {
                    let d = Derived::of(s, &mut self.devices);
                    let f = Facts::of(s, &d);
                    let row: Vec<String> =
                        cols.iter().map(|c| c.csv_cell(s, &f, self.now)).collect();
                    self.out.write_all(csv_record(&row).as_bytes())?;
                }
            }
        }
        self.written += sessions.len();
        self.out.flush()
    }

    /// Sets the table's widths from its first rows and writes the header, once.
    fn table_header(&mut self, cols: &[Column], rows: &[Vec<String>]) -> io::Result<()> {
        if self.widths.is_some() {
            return Ok(());
        }
        let headers: Vec<&str> = cols.iter().map(|c| c.header()).collect();
        let caps: Vec<usize> = cols
            .iter()
            .map(|c| if self.select.cut { c.cap() } else { usize::MAX })
            .collect();
        // Without a header line, the header's width must not widen a column either.
        let widths = if self.select.no_headers {
            layout(&vec![""; cols.len()], rows, &caps)
        } else {
            layout(&headers, rows, &caps)
        };
        if !self.select.no_headers {
            self.out
                .write_all(table_line(&headers, &widths, self.color).as_bytes())?;
        }
        self.widths = Some(widths);
        Ok(())
    }

    /// Closes the output (the JSON array, or the header of an empty table/CSV).
    pub fn finish(mut self) -> io::Result<W> {
        match self.format {
            Format::Json if self.written == 0 => self.out.write_all(b"[]\n")?,
            Format::Json => self.out.write_all(b"\n]\n")?,
            Format::Table if self.widths.is_none() && !self.select.nothing_when_empty => {
                let cols = self.columns().to_vec();
                self.table_header(&cols, &[])?;
            }
            Format::Csv if self.widths.is_none() => self.batch(&[])?,
            _ => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Writes one raw page: NDJSON passes each session's JSON through with `derived`
    /// appended; every other format reads the sessions and writes them as [`batch`] does.
    ///
    /// [`batch`]: SessionWriter::batch
    pub fn batch_raw(&mut self, sessions: &[Box<RawValue>]) -> io::Result<()> {
        if self.format != Format::Ndjson {
            let typed = sessions
                .iter()
                .map(|raw| serde_json::from_str::<Session>(raw.get()))
                .collect::<Result<Vec<Session>, _>>()
                .map_err(unreadable)?;
            return self.batch(&typed);
        }
        for raw in sessions {
            self.raw_line(raw.get())?;
        }
        self.out.flush()
    }

    /// One NDJSON line from a session's JSON text.
    fn raw_line(&mut self, text: &str) -> io::Result<()> {
        let glance = Glance::from_json(text).map_err(unreadable)?;
        let derived = Derived::of_glance(&glance, &mut self.devices);
        if !passes_through(text) {
            let session: Session = serde_json::from_str(text).map_err(unreadable)?;
            self.out.write_all(
                json_line(&WithDerived {
                    session: &session,
                    derived,
                })?
                .as_bytes(),
            )?;
            return self.out.write_all(b"\n");
        }
        // The text is one JSON object (the glance read it as one): its closing brace is last.
        let body = text.trim_end();
        let open = body
            .strip_suffix('}')
            .ok_or_else(|| unreadable("not an object"))?;
        self.out.write_all(open.as_bytes())?;
        if open.trim_end() != "{" {
            self.out.write_all(b",")?;
        }
        self.out.write_all(b"\"derived\":")?;
        self.out.write_all(json_line(&derived)?.as_bytes())?;
        self.out.write_all(b"}\n")
    }
}

/// A session with the fields authtop works out for it, as JSON output writes it.
#[derive(Serialize)]
struct WithDerived<'a> {
    #[serde(flatten)]
    session: &'a Session,
    derived: Derived,
}

/// An answer's session that cannot be read, as an output error.
fn unreadable(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("a session in the answer cannot be read: {e}"),
    )
}

#[cfg(test)]
mod tests;
