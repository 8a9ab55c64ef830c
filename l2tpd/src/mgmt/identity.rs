//! Who is on the other end of the management socket. The user comes from the socket's peer
//! credentials (never from the client's words); what the user may do is in `rights`.

/// Resolves a uid to a login name ("uid1234" when the account has no passwd entry).
pub fn user_name(uid: u32) -> String {
    match nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)) {
        Ok(Some(u)) => u.name,
        _ => format!("uid{uid}"),
    }
}

/// Longest tty name kept from a hello (Linux names such as `pts/12345` are far shorter).
const MAX_TTY_NAME: usize = 32;

/// The tty name a client sent, cut to [`MAX_TTY_NAME`] characters: it is shown to every
/// user by `show system users`.
pub fn tty_name(sent: &str) -> &str {
    match sent.char_indices().nth(MAX_TTY_NAME) {
        Some((cut, _)) => &sent[..cut],
        None => sent,
    }
}
