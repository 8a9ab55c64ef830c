//! The `---(more NN%)---` pager: output longer than the screen stops after each page, and the
//! keys of Junos' `more` move through it (Space, Enter, `b`, `g`, `G`, `/text`, `n`, `N`,
//! `h`, `q`). A terminal cannot scroll back, so going back redraws a whole screen.

use std::io::{self, Write};

/// What the operator pressed at the `---(more)---` prompt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// Space or `f`: the next page.
    NextPage,
    /// Enter or `j`: one more line.
    NextLine,
    /// `b`: the page before the one on screen.
    PrevPage,
    /// `g` or `<`: the first page.
    Top,
    /// `G` or `>`: the last page.
    Bottom,
    /// `/text` then Enter: the next line containing the text.
    Search(String),
    /// `n`: the previous search again, forward.
    NextMatch,
    /// `N`: the previous search again, backward.
    PrevMatch,
    /// `h`: the summary of the keys.
    Help,
    /// `q`, Ctrl-C or end of input: drop the rest of the output.
    Quit,
    /// Anything else: ignored, the prompt stays.
    Other,
}

/// The screen the pager fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Screen {
    /// Rows on the screen; one is kept for the prompt.
    pub rows: usize,
    /// Characters on a row: a longer line takes several rows (0 = never wraps).
    pub width: usize,
}

/// The key summary `h` shows, laid out as Junos' `more` help.
pub const HELP: &str = "\
                   SUMMARY OF MORE COMMANDS

  -- Get Help --
  Show help screen ..........................  h  H
  -- Scroll Down --
  Scroll down one line ......................  Enter  Return  j
  Scroll down one whole screen ..............  Space  f
  Scroll down to end of output ..............  >  G
  -- Scroll Up --
  Scroll up one whole screen ................  b  B
  Scroll up to start of output ..............  <  g
  -- Search --
  Search forward ............................  /string
  Repeat previous search ....................  n
  Repeat previous search in reverse .........  N
  -- Misc Commands --
  Quit ......................................  q  Q  Ctrl-C
";

/// True when `text` does not fit on one screen and so needs the pager.
pub fn needs_paging(text: &str, screen: Screen) -> bool {
    let budget = screen.rows.saturating_sub(1).max(1);
    let mut used = 0;
    for line in text.lines() {
        used += rows_of(line, screen.width);
        if used > budget {
            return true;
        }
    }
    false
}

fn rows_of(line: &str, width: usize) -> usize {
    match width {
        0 => 1,
        w => line.chars().count().div_ceil(w).max(1),
    }
}

struct Pager<'a> {
    lines: Vec<&'a str>,
    screen: Screen,
    /// `lines[..end]` has been written: the bottom of the screen.
    end: usize,
    pattern: Option<String>,
    /// The line the last search found.
    found: Option<usize>,
    out: &'a mut dyn Write,
}

impl Pager<'_> {
    fn budget(&self) -> usize {
        self.screen.rows.saturating_sub(1).max(1)
    }

    /// Where a screen that starts at `start` ends (at least one line).
    fn fit_forward(&self, start: usize) -> usize {
        let mut used = 0;
        let mut end = start;
        while let Some(line) = self.lines.get(end) {
            let rows = rows_of(line, self.screen.width);
            if used + rows > self.budget() && end > start {
                break;
            }
            used += rows;
            end += 1;
        }
        end
    }

    /// Where a screen that ends at `end` starts (at least one line).
    fn fit_backward(&self, end: usize) -> usize {
        let mut used = 0;
        let mut start = end;
        while start > 0 {
            let rows = self
                .lines
                .get(start - 1)
                .map_or(1, |l| rows_of(l, self.screen.width));
            if used + rows > self.budget() && start < end {
                break;
            }
            used += rows;
            start -= 1;
        }
        start
    }

    /// Writes the screen that starts at `start`.
    fn screen_from(&mut self, start: usize) -> io::Result<()> {
        let end = self.fit_forward(start);
        for line in self.lines.get(start..end).unwrap_or_default() {
            writeln!(self.out, "{line}")?;
        }
        self.end = end;
        Ok(())
    }

    fn top(&self) -> usize {
        self.fit_backward(self.end)
    }

    fn percent(&self) -> usize {
        (self.end * 100)
            .checked_div(self.lines.len())
            .unwrap_or(100)
    }

    fn search(&mut self, from: usize, forward: bool) -> io::Result<Option<&'static str>> {
        let Some(pattern) = self.pattern.clone() else {
            return Ok(Some("No previous search pattern"));
        };
        let hit = if forward {
            (from..self.lines.len()).find(|&i| self.lines[i].contains(&pattern))
        } else {
            (0..from.min(self.lines.len()))
                .rev()
                .find(|&i| self.lines[i].contains(&pattern))
        };
        match hit {
            Some(i) => {
                self.found = Some(i);
                self.screen_from(i)?;
                Ok(None)
            }
            None => Ok(Some("Pattern not found")),
        }
    }

    /// Acts on one key; false when the operator quit.
    fn key(&mut self, key: Key) -> io::Result<(bool, Option<&'static str>)> {
        let len = self.lines.len();
        let mut note = None;
        match key {
            Key::NextPage if self.end < len => self.screen_from(self.end)?,
            Key::NextLine if self.end < len => {
                writeln!(self.out, "{}", self.lines[self.end])?;
                self.end += 1;
            }
            Key::NextPage | Key::NextLine | Key::Other => {}
            Key::PrevPage => {
                let top = self.top();
                self.screen_from(self.fit_backward(top))?;
            }
            Key::Top => self.screen_from(0)?,
            Key::Bottom => self.screen_from(self.fit_backward(len))?,
            Key::Search(text) => {
                // An empty search repeats the last one, as in `more`.
                if !text.is_empty() {
                    self.pattern = Some(text);
                }
                let from = self.top() + 1;
                note = self.search(from, true)?;
            }
            Key::NextMatch => {
                let from = self.found.unwrap_or_else(|| self.top()) + 1;
                note = self.search(from, true)?;
            }
            Key::PrevMatch => {
                let from = self.found.unwrap_or_else(|| self.top());
                note = self.search(from, false)?;
            }
            Key::Help => write!(self.out, "{HELP}")?,
            Key::Quit => return Ok((false, None)),
        }
        Ok((true, note))
    }
}

/// Writes `text` to `out` a screenful at a time, reading keys with `next_key` at the
/// `---(more NN%)---` prompt between pages. With `hold` the prompt stays at the end of the
/// output (`| hold`) until the operator quits.
pub fn page(
    text: &str,
    screen: Screen,
    hold: bool,
    out: &mut dyn Write,
    next_key: &mut dyn FnMut() -> io::Result<Key>,
) -> io::Result<()> {
    let mut pager = Pager {
        lines: text.lines().collect(),
        screen,
        end: 0,
        pattern: None,
        found: None,
        out,
    };
    pager.screen_from(0)?;
    let mut note: Option<&str> = None;
    while hold || pager.end < pager.lines.len() {
        let prompt = match note.take() {
            Some(n) => format!("---(more {}%)---{n}", pager.percent()),
            None => format!("---(more {}%)---", pager.percent()),
        };
        write!(pager.out, "{prompt}")?;
        pager.out.flush()?;
        let key = next_key()?;
        // Overwrites the prompt so the next line starts on a clean row.
        write!(pager.out, "\r{:1$}\r", "", prompt.chars().count())?;
        let (go_on, n) = pager.key(key)?;
        if !go_on {
            break;
        }
        note = n;
    }
    pager.out.flush()
}

/// Maps a byte read from the terminal in raw mode to a pager key (`/` starts a search,
/// which the terminal reads on with [`search_key`]).
pub fn key_of(byte: Option<u8>) -> Key {
    match byte {
        Some(b' ' | b'f' | b'F' | 6 /* ^F */) => Key::NextPage,
        Some(b'\r' | b'\n' | b'j' | b'J') => Key::NextLine,
        Some(b'b' | b'B' | 2 /* ^B */) => Key::PrevPage,
        Some(b'g' | b'<') => Key::Top,
        Some(b'G' | b'>') => Key::Bottom,
        Some(b'n') => Key::NextMatch,
        Some(b'N') => Key::PrevMatch,
        Some(b'h' | b'H') => Key::Help,
        Some(b'q' | b'Q' | 3 /* ^C */) | None => Key::Quit,
        Some(_) => Key::Other,
    }
}

/// Reads the text of a `/` search, echoing it, until Enter; Backspace edits it and Ctrl-C or
/// Escape abandons it.
pub fn search_key(next_byte: &mut dyn FnMut() -> Option<u8>, echo: &mut dyn Write) -> Key {
    let mut text: Vec<u8> = Vec::new();
    let _ = write!(echo, "/");
    let _ = echo.flush();
    loop {
        match next_byte() {
            Some(b'\r' | b'\n') => return Key::Search(String::from_utf8_lossy(&text).into()),
            Some(3 | 0x1b) | None => return Key::Other,
            Some(0x7f | 8) => {
                if text.pop().is_some() {
                    let _ = write!(echo, "\x08 \x08");
                }
            }
            Some(b) if b >= b' ' => {
                text.push(b);
                let _ = echo.write_all(&[b]);
            }
            Some(_) => {}
        }
        let _ = echo.flush();
    }
}

#[cfg(test)]
#[path = "pager_tests.rs"]
mod tests;
