//! The few terminal facts the shell needs that std does not give: the screen height for the
//! pager, single key presses at `---(more)---`, and the terminal's name for `show system users`.

use crate::shell::pager::{key_of, search_key, Key};
use nix::sys::termios::{cfmakeraw, tcgetattr, tcsetattr, SetArg};
use std::io::{self, IsTerminal};

/// Rows on the screen, when stdout is a terminal: 24, as Junos assumes, when the terminal
/// does not report its size (a serial console, some pseudo-terminals).
pub fn rows() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    Some(
        window_size()
            .map(|(r, _)| r)
            .filter(|r| *r > 1)
            .unwrap_or(24),
    )
}

#[allow(unsafe_code)]
fn window_size() -> Option<(usize, usize)> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct we pass, which lives for the call;
    // std offers no safe way to read the window size and nix wraps no such ioctl.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (rc == 0).then_some((usize::from(size.ws_row), usize::from(size.ws_col)))
}

/// Reads one key press at the pager's prompt from stdin without waiting for Enter (a `/`
/// search reads on to Enter), then restores the terminal.
pub fn read_key() -> io::Result<Key> {
    let stdin = io::stdin();
    let saved = tcgetattr(&stdin).map_err(io::Error::from)?;
    let mut raw = saved.clone();
    cfmakeraw(&mut raw);
    tcsetattr(&stdin, SetArg::TCSANOW, &raw).map_err(io::Error::from)?;
    let mut failed = None;
    // Straight from the descriptor: std's buffered stdin could swallow keys meant for the editor.
    let mut next_byte = || {
        let mut byte = [0u8; 1];
        match nix::unistd::read(&stdin, &mut byte) {
            Ok(0) => None,
            Ok(_) => Some(byte[0]),
            Err(e) => {
                failed = Some(io::Error::from(e));
                None
            }
        }
    };
    let key = match next_byte() {
        Some(b'/') => search_key(&mut next_byte, &mut io::stdout()),
        byte => key_of(byte),
    };
    tcsetattr(&stdin, SetArg::TCSANOW, &saved).map_err(io::Error::from)?;
    match failed {
        Some(e) => Err(e),
        None => Ok(key),
    }
}

/// Characters on a row of the screen, when stdout is a terminal.
pub fn columns() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    window_size().map(|(_, c)| c).filter(|c| *c > 0)
}

/// `pts/3` for `/dev/pts/3`, when stdin is a terminal.
pub fn tty_name() -> Option<String> {
    let stdin = io::stdin();
    if !stdin.is_terminal() {
        return None;
    }
    let path = nix::unistd::ttyname(&stdin).ok()?;
    let name = path.to_string_lossy();
    Some(name.strip_prefix("/dev/").unwrap_or(&name).to_string())
}
