//! The arguments of `show subscribers …`, `show pppoe …` and `clear pppoe …`, read into the
//! typed RPCs of `schema::subscriber_rpc` (`show interfaces` and the AAA logout: see
//! `interface_args`). Interface names are checked here, as Junos checks
//! them before anything is sent: a PPPoE session is `pp0.N`, an underlying interface a unit
//! of a physical interface (`ge-1/0/0.100`).

use super::options::{parse_options, ArgError};
use schema::def::Type;
use schema::interface_rpc::AutoVlanClear;
use schema::mgmt::Request;
use schema::opcmd::{Action, OpCmd};
use schema::subscriber_rpc::{AddressPoolSelect, Level, PppoeSelect, SubscriberShow};
use schema::tokenize::Word;

/// The request of one of the subscriber or PPPoE commands (`action` names which).
pub fn request(action: Action, node: &'static OpCmd, args: &[Word]) -> Result<Request, ArgError> {
    Ok(match action {
        Action::ShowSubscribers => Request::GetSubscribers(subscriber_show(node, args)?),
        // It takes no words: the command walk refuses any (`syntax error.`).
        Action::ShowPppoeServiceNameTables => Request::GetPppoeServiceNameTables,
        Action::ShowAddressAssignmentPool => Request::GetAddressAssignmentPool(AddressPoolSelect {
            name: select(args, |_| Ok(()))?.interface,
        }),
        Action::ShowPppoeInterfaces => {
            Request::GetPppoeInterfaceInformation(select(args, pppoe_interface)?)
        }
        Action::ClearPppoeSessions => Request::ClearPppoeSessions(select(args, pppoe_interface)?),
        Action::ShowInterfaces => {
            Request::GetInterfaceInformation(super::interface_args::interface_show(node, args)?)
        }
        Action::ClearNetworkAccessAaaSubscriber => {
            Request::ClearNetworkAccessAaaSubscriber(super::interface_args::logout(node, args)?)
        }
        Action::ShowPppoeStatistics => Request::GetPppoeStatistics(select(args, underlying)?),
        Action::ClearAutoConfigurationInterfaces => {
            let interface = select(args, underlying)?.interface.ok_or_else(|| {
                ArgError::new(args.len(), "syntax error, expecting <interface-name>.")
            })?;
            Request::ClearAutoConfigurationInterfaces(AutoVlanClear { interface })
        }
        _ => Request::ClearPppoeStatistics(select(args, underlying)?),
    })
}

/// `[user-name U] [detail | extensive] [summary]`, in any order.
fn subscriber_show(node: &'static OpCmd, args: &[Word]) -> Result<SubscriberShow, ArgError> {
    let mut show = SubscriberShow::default();
    let mut level_given = false;
    for g in parse_options(node, args)? {
        match g.name() {
            "summary" => show.summary = true,
            "user-name" => show.user_name = Some(g.text().to_string()),
            level => {
                // The levels exclude each other: only the first one is an option.
                if level_given {
                    return Err(ArgError::new(g.word, "syntax error."));
                }
                level_given = true;
                show.level = if level == "extensive" {
                    Level::Extensive
                } else {
                    Level::Detail
                };
            }
        }
    }
    Ok(show)
}

/// At most one interface name, checked by `check`.
fn select(args: &[Word], check: fn(&str) -> Result<(), String>) -> Result<PppoeSelect, ArgError> {
    match args {
        [] => Ok(PppoeSelect::default()),
        [name] => {
            check(&name.text).map_err(|message| ArgError::new(0, message))?;
            Ok(PppoeSelect {
                interface: Some(name.text.clone()),
            })
        }
        [_, _, ..] => Err(ArgError::new(1, "syntax error.")),
    }
}

/// `pp0.N`: the dynamic PPPoE interfaces of the LAC.
fn pppoe_interface(name: &str) -> Result<(), String> {
    let unit = name.strip_prefix("pp0.");
    if unit.is_some_and(|u| !u.is_empty() && u.len() <= 10 && u.bytes().all(|b| b.is_ascii_digit()))
    {
        Ok(())
    } else {
        Err(format!(
            "invalid interface name '{}': expecting pp0.N",
            schema::limits::quoted(name)
        ))
    }
}

/// A logical interface of a physical one (`ge-1/0/0.100`, or the host's `eth1.100`).
fn underlying(name: &str) -> Result<(), String> {
    let unit = name.rsplit_once('.').map(|(_, unit)| unit);
    let ok = Type::Interface.check(name).is_ok()
        && unit.is_some_and(|u| !u.is_empty() && u.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid interface name '{}': expecting a logical interface such as ge-1/0/0.100",
            schema::limits::quoted(name)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::{match_command, tests::plain_words};
    use schema::opcmd::OPERATIONAL;

    /// Reads a whole typed line as the shell does; word indexes are those of the line.
    fn read(line: &str) -> Result<Request, ArgError> {
        let words = plain_words(line);
        let cmd = match_command(&OPERATIONAL, &words).expect("a command");
        let offset = words.len() - cmd.args.len();
        request(cmd.action, cmd.node, cmd.args)
            .map_err(|e| ArgError::new(e.word + offset, e.message))
    }

    fn show(level: Level, summary: bool, user_name: Option<&str>) -> Request {
        Request::GetSubscribers(SubscriberShow {
            level,
            summary,
            user_name: user_name.map(str::to_string),
        })
    }

    fn named(name: &str) -> PppoeSelect {
        PppoeSelect {
            interface: Some(name.to_string()),
        }
    }

    #[test]
    fn show_subscribers_options_in_any_order() {
        assert_eq!(
            read("show subscribers"),
            Ok(show(Level::Brief, false, None))
        );
        assert_eq!(
            read("show subscribers detail"),
            Ok(show(Level::Detail, false, None))
        );
        assert_eq!(
            read("sh subscr ext user-name u1@example.net"),
            Ok(show(Level::Extensive, false, Some("u1@example.net")))
        );
        assert_eq!(
            read("show subscribers summary"),
            Ok(show(Level::Brief, true, None))
        );
        assert_eq!(
            read("show subscribers user-name u1 summary detail"),
            Ok(show(Level::Detail, true, Some("u1")))
        );
        assert_eq!(
            read("show subscribers detail extensive"),
            Err(ArgError::new(3, "syntax error."))
        );
        assert_eq!(
            read("show subscribers user-name"),
            Err(ArgError::new(3, "syntax error, expecting <user-name>."))
        );
        assert_eq!(
            read("show subscribers bogus"),
            Err(ArgError::new(2, "syntax error."))
        );
    }

    #[test]
    fn pppoe_shows_and_clears_take_one_interface_name() {
        assert_eq!(
            read("show pppoe interfaces"),
            Ok(Request::GetPppoeInterfaceInformation(PppoeSelect::default()))
        );
        assert_eq!(
            read("show pppoe interfaces pp0.1073741825"),
            Ok(Request::GetPppoeInterfaceInformation(named(
                "pp0.1073741825"
            )))
        );
        assert_eq!(
            read("show pppoe statistics ge-1/0/0.100"),
            Ok(Request::GetPppoeStatistics(named("ge-1/0/0.100")))
        );
        assert_eq!(
            read("show pppoe statistics"),
            Ok(Request::GetPppoeStatistics(PppoeSelect::default()))
        );
        assert_eq!(
            read("show pppoe service-name-tables"),
            Ok(Request::GetPppoeServiceNameTables)
        );
        assert_eq!(
            read("show network-access address-assignment pool"),
            Ok(Request::GetAddressAssignmentPool(
                AddressPoolSelect::default()
            ))
        );
        assert_eq!(
            read("show network-access address-assignment pool p1"),
            Ok(Request::GetAddressAssignmentPool(AddressPoolSelect {
                name: Some("p1".into())
            }))
        );
        assert_eq!(
            read("clear pppoe sessions"),
            Ok(Request::ClearPppoeSessions(PppoeSelect::default()))
        );
        assert_eq!(
            read("clear pppoe sessions pp0.7"),
            Ok(Request::ClearPppoeSessions(named("pp0.7")))
        );
        assert_eq!(
            read("clear pppoe statistics eth1.0"),
            Ok(Request::ClearPppoeStatistics(named("eth1.0")))
        );
        assert_eq!(
            read("clear pppoe statistics"),
            Ok(Request::ClearPppoeStatistics(PppoeSelect::default()))
        );
    }

    /// `clear auto-configuration interfaces` takes one VLAN unit, which it needs.
    #[test]
    fn clear_auto_configuration_takes_one_vlan_unit() {
        assert_eq!(
            read("clear auto-configuration interfaces ge-1/0/0.1073741824"),
            Ok(Request::ClearAutoConfigurationInterfaces(AutoVlanClear {
                interface: "ge-1/0/0.1073741824".into()
            }))
        );
        assert_eq!(
            read("clear auto-configuration interfaces"),
            Err(ArgError::new(
                3,
                "syntax error, expecting <interface-name>."
            ))
        );
        assert_eq!(
            read("clear auto-configuration interfaces ge-1/0/0"),
            Err(ArgError::new(
                3,
                "invalid interface name 'ge-1/0/0': expecting a logical interface such as ge-1/0/0.100"
            ))
        );
    }

    #[test]
    fn bad_interface_names_are_refused_before_sending() {
        assert_eq!(
            read("show pppoe interfaces ge-1/0/0.100"),
            Err(ArgError::new(
                3,
                "invalid interface name 'ge-1/0/0.100': expecting pp0.N"
            ))
        );
        assert_eq!(
            read("clear pppoe sessions pp0."),
            Err(ArgError::new(
                3,
                "invalid interface name 'pp0.': expecting pp0.N"
            ))
        );
        assert_eq!(
            read("show pppoe statistics ge-1/0/0"),
            Err(ArgError::new(
                3,
                "invalid interface name 'ge-1/0/0': expecting a logical interface such as \
                 ge-1/0/0.100"
            ))
        );
        assert_eq!(
            read("clear pppoe sessions pp0.1 pp0.2"),
            Err(ArgError::new(4, "syntax error."))
        );
    }
}
