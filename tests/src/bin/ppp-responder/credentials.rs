//! Who the responder authenticates as, read the way pppd reads it: `user NAME` (pppd's name
//! for us towards the peer), else `name NAME` (pppd's local name, which `user` defaults to),
//! and `password SECRET` (the PAP password and the CHAP secret), on the command line or in an
//! options file named by `file PATH`. xl2tpd passes its `[lac]` section's `name` as
//! `name NAME` and its `pppoptfile` as `file PATH`.
//!
//! Without them: user [`DEFAULT_USER`], secret [`DEFAULT_SECRET`] (a server without an
//! access profile admits anyone, so the defaults only matter to tests that check them).

/// The user when neither `user` nor `name` is given.
pub const DEFAULT_USER: &str = "xl2tpd-lac-user";
/// The secret when no `password` is given.
pub const DEFAULT_SECRET: &str = "responder";
/// `file` inside an options file is followed this deep (pppd allows nesting; a loop must
/// not hang the responder).
const MAX_FILE_DEPTH: usize = 4;

/// Not `Debug`: it holds the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: Vec<u8>,
    pub secret: Vec<u8>,
}

impl Credentials {
    /// The user as text, for the log.
    pub fn user_text(&self) -> String {
        String::from_utf8_lossy(&self.user).into_owned()
    }
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            user: DEFAULT_USER.as_bytes().to_vec(),
            secret: DEFAULT_SECRET.as_bytes().to_vec(),
        }
    }
}

/// What the options said, before the defaults fill the gaps.
#[derive(Default)]
struct Found {
    user: Option<String>,
    name: Option<String>,
    password: Option<String>,
}

/// The credentials pppd's arguments `args` (program name excluded) name. `read_file` returns
/// an options file's text, or `None` when it cannot be read (that file is then skipped, where
/// pppd would stop: the responder keeps the call up whatever its options say).
pub fn from_pppd_arguments(
    args: &[String],
    read_file: &dyn Fn(&str) -> Option<String>,
) -> Credentials {
    let mut found = Found::default();
    read_words(args.iter().map(String::as_str), read_file, 0, &mut found);
    let user = found.user.or(found.name);
    let defaults = Credentials::default();
    Credentials {
        user: user.map(String::into_bytes).unwrap_or(defaults.user),
        secret: found
            .password
            .map(String::into_bytes)
            .unwrap_or(defaults.secret),
    }
}

/// Later options override earlier ones, as in pppd.
fn read_words<'a>(
    words: impl Iterator<Item = &'a str>,
    read_file: &dyn Fn(&str) -> Option<String>,
    depth: usize,
    found: &mut Found,
) {
    let mut words = words;
    while let Some(word) = words.next() {
        let slot = match word {
            "user" => &mut found.user,
            "name" => &mut found.name,
            "password" => &mut found.password,
            "file" => {
                if let Some(text) = words
                    .next()
                    .and_then(|path| (depth < MAX_FILE_DEPTH).then(|| read_file(path)).flatten())
                {
                    let words = options_file_words(&text);
                    read_words(
                        words.iter().map(String::as_str),
                        read_file,
                        depth + 1,
                        found,
                    );
                }
                continue;
            }
            _ => continue,
        };
        if let Some(value) = words.next() {
            *slot = Some(value.to_string());
        }
    }
}

/// An options file's words, separated by white space: a word starting with `#` starts a
/// comment to the end of the line, and a word may be put in double quotes to hold spaces
/// (pppd's `options_from_file`, without its backslash escapes).
fn options_file_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('#') {
                break;
            }
            if let Some(quoted) = rest.strip_prefix('"') {
                let (word, after) = quoted.split_once('"').unwrap_or((quoted, ""));
                words.push(word.to_string());
                rest = after;
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                let (word, after) = rest.split_at(end);
                words.push(word.to_string());
                rest = after;
            }
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn no_files(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn defaults_without_options() {
        let c = from_pppd_arguments(&args("/dev/pts/3 passive nodetach"), &no_files);
        assert_eq!(c.user, DEFAULT_USER.as_bytes());
        assert_eq!(c.secret, DEFAULT_SECRET.as_bytes());
    }

    #[test]
    fn user_wins_over_name_whatever_the_order() {
        let c = from_pppd_arguments(&args("user alice name ours"), &no_files);
        assert_eq!(c.user, b"alice");
        let c = from_pppd_arguments(&args("name ours"), &no_files);
        assert_eq!(c.user, b"ours");
        assert_eq!(c.secret, DEFAULT_SECRET.as_bytes());
    }

    #[test]
    fn an_options_file_is_read_in_place_with_comments_and_quotes() {
        let read = |path: &str| match path {
            "/tmp/options.ppp" => Some(
                "# the responder's secret\npassword \"two words\" # trailing\nfile /tmp/more\n"
                    .to_string(),
            ),
            "/tmp/more" => Some("user bob #comment\n".to_string()),
            _ => None,
        };
        let c = from_pppd_arguments(
            &args("passive file /tmp/options.ppp name ours file /tmp/missing"),
            &read,
        );
        assert_eq!(c.user, b"bob");
        assert_eq!(c.secret, b"two words");
        // A later command-line option overrides the file.
        let c = from_pppd_arguments(&args("file /tmp/options.ppp password late"), &read);
        assert_eq!(c.secret, b"late");
    }

    #[test]
    fn a_file_that_names_itself_ends() {
        let read = |_: &str| Some("file /tmp/loop\npassword p\n".to_string());
        let c = from_pppd_arguments(&args("file /tmp/loop"), &read);
        assert_eq!(c.secret, b"p");
    }

    #[test]
    fn an_option_without_its_value_is_ignored() {
        let c = from_pppd_arguments(&args("name ours password"), &no_files);
        assert_eq!(
            (c.user.as_slice(), c.secret.as_slice()),
            (&b"ours"[..], DEFAULT_SECRET.as_bytes())
        );
    }
}
