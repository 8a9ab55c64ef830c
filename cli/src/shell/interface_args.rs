//! The arguments of `show interfaces [NAME] [terse | brief | detail | extensive]` and
//! `clear network-access aaa subscriber (username U | session-id N)`, read into the typed
//! RPCs of `schema::interface_rpc`.
//!
//! Junos takes the interface name and the level keyword in either order; the name is a
//! free word, checked by the daemon, which alone knows its interfaces (`error: device NAME
//! not found`).

use super::options::{parse_options, ArgError};
use super::words::{resolve, Resolved};
use schema::interface_rpc::{InterfaceLevel, InterfaceShow, SubscriberLogout};
use schema::opcmd::OpCmd;
use schema::tokenize::Word;

/// `[NAME] [LEVEL]`, in either order, each at most once: the name as typed and the level
/// keyword (one of `node`'s children) as the table spells it. Also `show ppp interface`'s.
pub fn name_and_level(
    node: &'static OpCmd,
    args: &[Word],
) -> Result<(Option<String>, Option<&'static str>), ArgError> {
    let (mut name, mut level) = (None, None);
    for (i, word) in args.iter().enumerate() {
        let keyword = if word.quoted {
            Resolved::None
        } else {
            resolve(word.text.as_str(), node.children.iter(), |c| c.name)
        };
        match keyword {
            Resolved::One(given) if level.is_none() => level = Some(given.name),
            Resolved::Ambiguous(_) => {
                return Err(ArgError::new(i, format!("'{}' is ambiguous.", word.text)))
            }
            Resolved::None if name.is_none() => name = Some(word.text.clone()),
            _ => return Err(ArgError::new(i, "syntax error.")),
        }
    }
    Ok((name, level))
}

/// `[NAME] [LEVEL]`, in either order, each at most once.
pub fn interface_show(node: &'static OpCmd, args: &[Word]) -> Result<InterfaceShow, ArgError> {
    let (name, level) = name_and_level(node, args)?;
    Ok(InterfaceShow {
        name,
        level: match level {
            None => InterfaceLevel::Default,
            Some("terse") => InterfaceLevel::Terse,
            Some("brief") => InterfaceLevel::Brief,
            Some("detail") => InterfaceLevel::Detail,
            Some(_) => InterfaceLevel::Extensive,
        },
    })
}

/// Exactly one of `username U` and `session-id N`.
pub fn logout(node: &'static OpCmd, args: &[Word]) -> Result<SubscriberLogout, ArgError> {
    let given = parse_options(node, args)?;
    let [g] = given.as_slice() else {
        return Err(match given.get(1) {
            Some(second) => ArgError::new(second.word, "syntax error."),
            None => ArgError::new(
                args.len(),
                "missing mandatory argument: username or session-id.",
            ),
        });
    };
    Ok(match g.name() {
        "username" => SubscriberLogout::Username(g.text().to_string()),
        _ => {
            let text = g.text();
            let id = text.parse::<u64>().map_err(|_| {
                ArgError::new(g.value_word(), format!("invalid numeric value: '{text}'"))
            })?;
            SubscriberLogout::SessionId(id)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::subscriber_args::request;
    use crate::shell::words::{match_command, tests::plain_words};
    use schema::mgmt::Request;
    use schema::opcmd::OPERATIONAL;

    fn read(line: &str) -> Result<Request, ArgError> {
        let words = plain_words(line);
        let cmd = match_command(&OPERATIONAL, &words).expect("a command");
        let offset = words.len() - cmd.args.len();
        request(cmd.action, cmd.node, cmd.args)
            .map_err(|e| ArgError::new(e.word + offset, e.message))
    }

    fn show(name: Option<&str>, level: InterfaceLevel) -> Result<Request, ArgError> {
        Ok(Request::GetInterfaceInformation(InterfaceShow {
            name: name.map(str::to_string),
            level,
        }))
    }

    #[test]
    fn show_interfaces_takes_a_name_and_a_level_in_either_order() {
        assert_eq!(read("show interfaces"), show(None, InterfaceLevel::Default));
        assert_eq!(
            read("show interfaces terse"),
            show(None, InterfaceLevel::Terse)
        );
        assert_eq!(
            read("sh int si-0/0/0 ext"),
            show(Some("si-0/0/0"), InterfaceLevel::Extensive)
        );
        assert_eq!(
            read("show interfaces brief pp0.1073741825"),
            show(Some("pp0.1073741825"), InterfaceLevel::Brief)
        );
        assert_eq!(
            read("show interfaces si-0/0/0.1073741825 detail"),
            show(Some("si-0/0/0.1073741825"), InterfaceLevel::Detail)
        );
        assert_eq!(
            read("show interfaces terse brief"),
            Err(ArgError::new(3, "syntax error."))
        );
        assert_eq!(
            read("show interfaces pp0 si-0/0/0"),
            Err(ArgError::new(3, "syntax error."))
        );
    }

    #[test]
    fn logout_takes_exactly_one_of_username_and_session_id() {
        assert_eq!(
            read("clear network-access aaa subscriber username alice@isp.example"),
            Ok(Request::ClearNetworkAccessAaaSubscriber(
                SubscriberLogout::Username("alice@isp.example".into())
            ))
        );
        assert_eq!(
            read("clear network-access aaa subscriber session-id 12"),
            Ok(Request::ClearNetworkAccessAaaSubscriber(
                SubscriberLogout::SessionId(12)
            ))
        );
        assert_eq!(
            read("clear network-access aaa subscriber"),
            Err(ArgError::new(
                4,
                "missing mandatory argument: username or session-id."
            ))
        );
        assert_eq!(
            read("clear network-access aaa subscriber session-id x1"),
            Err(ArgError::new(5, "invalid numeric value: 'x1'"))
        );
        assert_eq!(
            read("clear network-access aaa subscriber session-id 1 username u"),
            Err(ArgError::new(6, "syntax error."))
        );
        assert_eq!(
            read("clear network-access aaa subscriber username"),
            Err(ArgError::new(5, "syntax error, expecting <username>."))
        );
    }
}
