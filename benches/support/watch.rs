//! A test terminal that reports the first frame showing an awaited effect, and key
//! events: how the benchmarks measure key-to-screen latency through the real run loop.

use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Size};
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::oneshot;

pub(crate) type Check = Box<dyn Fn(&Buffer) -> bool + Send>;

/// The effect being waited for and where to report the instant it showed.
pub(crate) struct Waiter {
    pub check: Check,
    pub done: oneshot::Sender<Instant>,
}

/// A test backend that checks, at every flush (the end of a frame), whether the screen
/// shows what the bench waits for.
pub(crate) struct Watched {
    pub inner: TestBackend,
    pub waiter: Arc<Mutex<Option<Waiter>>>,
}

impl Backend for Watched {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content).map_err(io::Error::other)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor().map_err(io::Error::other)
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor().map_err(io::Error::other)
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position().map_err(io::Error::other)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner
            .set_cursor_position(position)
            .map_err(io::Error::other)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear().map_err(io::Error::other)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner
            .clear_region(clear_type)
            .map_err(io::Error::other)
    }
    fn size(&self) -> io::Result<Size> {
        self.inner.size().map_err(io::Error::other)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size().map_err(io::Error::other)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(io::Error::other)?;
        let shown = Instant::now();
        let mut slot = self
            .waiter
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot
            .as_ref()
            .is_some_and(|w| (w.check)(self.inner.buffer()))
            && let Some(w) = slot.take()
        {
            let _ = w.done.send(shown);
        }
        Ok(())
    }
}

/// The text of one screen line.
pub(crate) fn line(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .filter_map(|x| buf.cell((x, y)).map(Cell::symbol))
        .collect()
}

pub(crate) fn press(c: char) -> TermEvent {
    let modifiers = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    TermEvent::Key(KeyEvent::new(KeyCode::Char(c), modifiers))
}

pub(crate) fn special(code: KeyCode, modifiers: KeyModifiers) -> TermEvent {
    TermEvent::Key(KeyEvent::new(code, modifiers))
}
