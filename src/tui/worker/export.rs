//! The file an export walk writes: created beside earlier exports without replacing
//! any, one page at a time, removed again when the walk fails or is cancelled.

use crate::authn::model::Timestamp;
use crate::output::{Format, SessionWriter};
use crate::tui::command::ExportSpec;
use crate::tui::command::Failure;
use std::path::PathBuf;

/// A file being written by an export walk: one page at a time, nothing kept.
pub(super) struct Export {
    pub(super) path: PathBuf,
    writer: SessionWriter<std::io::BufWriter<std::fs::File>>,
    pub(super) only: Option<std::collections::HashSet<String>>,
    pub(super) rows: u64,
}

pub(super) fn write_failed(path: &std::path::Path, e: &std::io::Error) -> Failure {
    Failure::File {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

impl Export {
    /// Creates the folder and a new file named after `now` and the format.
    pub(super) fn create(spec: &ExportSpec, now: Timestamp) -> Result<Self, Failure> {
        crate::config::paths::create_private_dir(&spec.dir)
            .map_err(|e| write_failed(&spec.dir, &e))?;
        let ext = match spec.format {
            Format::Ndjson => "ndjson",
            _ => "csv",
        };
        let stamp = now.strftime("%Y%m%dT%H%M%SZ");
        let mut path = spec.dir.join(format!("sessions-{stamp}.{ext}"));
        let mut n = 1;
        // Two exports in one second get two files; an existing file is never replaced.
        let file = loop {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            // An export names people: private to its owner (0600).
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(f) => break f,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => {
                    n += 1;
                    path = spec.dir.join(format!("sessions-{stamp}-{n}.{ext}"));
                }
                Err(e) => return Err(write_failed(&path, &e)),
            }
        };
        let writer = SessionWriter::new(std::io::BufWriter::new(file), spec.format, now, false);
        Ok(Self {
            path,
            writer,
            only: spec.only.as_ref().map(|ids| ids.iter().cloned().collect()),
            rows: 0,
        })
    }

    /// Writes sessions given as JSON text, already narrowed to the marked rows.
    pub(super) fn write_raw(
        &mut self,
        page: &[Box<serde_json::value::RawValue>],
    ) -> std::io::Result<()> {
        self.rows += page.len() as u64;
        self.writer.batch_raw(page)
    }

    pub(super) fn finish(self) -> Result<(PathBuf, u64), Failure> {
        let path = self.path;
        let rows = self.rows;
        self.writer
            .finish()
            .and_then(|mut w| std::io::Write::flush(&mut w))
            .map_err(|e| write_failed(&path, &e))?;
        Ok((path, rows))
    }

    pub(super) fn discard(self) {
        drop(self.writer);
        // Best effort: the file may already be gone.
        let _ = std::fs::remove_file(&self.path);
    }
}
