//! The few terminal facts the shell needs that std does not give: the screen height for the
//! pager, single key presses at `---(more)---`, and the terminal's name for `show system users`.

use crate::shell::pager::{key_of, Key};
use nix::sys::termios::{cfmakeraw, tcgetattr, tcsetattr, SetArg};
use std::io::{self, IsTerminal};

/// Rows on the screen, when stdout is a terminal.
pub fn rows() -> Option<usize> {
    if !io::stdout().is_terminal() {
        return None;
    }
    window_rows().filter(|r| *r > 1)
}

#[allow(unsafe_code)]
fn window_rows() -> Option<usize> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct we pass, which lives for the call;
    // std offers no safe way to read the window size and nix wraps no such ioctl.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (rc == 0).then_some(usize::from(size.ws_row))
}

/// Reads one key press from stdin without waiting for Enter, then restores the terminal.
pub fn read_key() -> io::Result<Key> {
    let stdin = io::stdin();
    let saved = tcgetattr(&stdin).map_err(io::Error::from)?;
    let mut raw = saved.clone();
    cfmakeraw(&mut raw);
    tcsetattr(&stdin, SetArg::TCSANOW, &raw).map_err(io::Error::from)?;
    let mut byte = [0u8; 1];
    // Straight from the descriptor: std's buffered stdin could swallow keys meant for the editor.
    let read = nix::unistd::read(&stdin, &mut byte).map_err(io::Error::from);
    tcsetattr(&stdin, SetArg::TCSANOW, &saved).map_err(io::Error::from)?;
    Ok(key_of(match read? {
        0 => None,
        _ => Some(byte[0]),
    }))
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
