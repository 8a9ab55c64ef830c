//! The arguments of `show services l2tp ...` and `clear services l2tp ...`, read into the
//! typed RPCs of `schema::l2tp_rpc`. Values are checked here, as Junos checks them before
//! anything is sent: addresses are IPv4, tunnel and session IDs 1..65535.

use super::options::{parse_options, ArgError, Given};
use schema::l2tp_rpc::{ClearTarget, L2tpClear, L2tpFilter, L2tpShow, Level};
use schema::mgmt::Request;
use schema::opcmd::{Action, OpCmd};
use schema::tokenize::Word;
use std::net::Ipv4Addr;

/// The request of an L2TP show (`action` is one of the `ShowL2tp*` actions of `node`).
pub fn show_request(
    action: Action,
    node: &'static OpCmd,
    args: &[Word],
) -> Result<Request, ArgError> {
    let given = parse_options(node, args)?;
    let mut show = L2tpShow::default();
    let mut level_given = false;
    for g in &given {
        match g.name() {
            "statistics" => show.statistics = true,
            "brief" | "detail" | "extensive" => {
                // The levels exclude each other: only the first one is an option.
                if level_given {
                    return Err(ArgError::new(g.word, "syntax error."));
                }
                level_given = true;
                show.level = level_of(g.name());
            }
            _ => set_filter(&mut show.filter, g)?,
        }
    }
    // Junos documents `destination statistics` as not taking a level.
    if action == Action::ShowL2tpDestination && show.statistics && level_given {
        let later = given
            .iter()
            .filter(|g| matches!(g.name(), "statistics" | "brief" | "detail" | "extensive"))
            .map(|g| g.word)
            .max()
            .unwrap_or(0);
        return Err(ArgError::new(later, "syntax error."));
    }
    Ok(match action {
        Action::ShowL2tpSummary => Request::GetL2tpSummaryInformation {
            statistics: show.statistics,
        },
        Action::ShowL2tpDestination => Request::GetL2tpDestinationInformation(show),
        Action::ShowL2tpTunnel => Request::GetL2tpTunnelInformation(show),
        Action::ShowL2tpDisconnectCauses => Request::GetL2tpDisconnectCauseSummary,
        _ => Request::GetL2tpSessionInformation(show),
    })
}

/// The request of an L2TP clear: `[statistics]`, exactly one target, `[force]`.
pub fn clear_request(
    action: Action,
    node: &'static OpCmd,
    args: &[Word],
) -> Result<Request, ArgError> {
    let given = parse_options(node, args)?;
    let mut statistics = false;
    let mut confirmed = false;
    let mut target = None;
    for g in &given {
        match g.name() {
            "statistics" => statistics = true,
            "force" => confirmed = true,
            _ if target.is_some() => return Err(ArgError::new(g.word, "syntax error.")),
            _ => target = Some(clear_target(g)?),
        }
    }
    let Some(target) = target else {
        let targets: Vec<&str> = node
            .children
            .iter()
            .map(|c| c.name)
            .filter(|n| !matches!(*n, "statistics" | "force"))
            .collect();
        return Err(ArgError::new(
            args.len(),
            format!(
                "missing mandatory argument: target ({}).",
                targets.join(", ")
            ),
        ));
    };
    let clear = L2tpClear {
        statistics,
        target,
        confirmed,
    };
    Ok(match action {
        Action::ClearL2tpDestination => Request::ClearL2tpDestination(clear),
        Action::ClearL2tpTunnel => Request::ClearL2tpTunnel(clear),
        _ => Request::ClearL2tpSession(clear),
    })
}

/// `test services l2tp tunnel`: `user U password P tunnel-name T`, all three required.
pub fn tunnel_test_request(node: &'static OpCmd, args: &[Word]) -> Result<Request, ArgError> {
    let given = parse_options(node, args)?;
    let value = |name: &str| {
        given
            .iter()
            .find(|g| g.name() == name)
            .map(|g| g.text().to_string())
            .ok_or_else(|| {
                ArgError::new(args.len(), format!("missing mandatory argument: {name}."))
            })
    };
    Ok(Request::TestL2tpTunnel {
        user: value("user")?,
        password: value("password")?,
        tunnel_name: value("tunnel-name")?,
    })
}

fn level_of(name: &str) -> Level {
    match name {
        "detail" => Level::Detail,
        "extensive" => Level::Extensive,
        _ => Level::Brief,
    }
}

fn set_filter(filter: &mut L2tpFilter, g: &Given<'_>) -> Result<(), ArgError> {
    let text = || g.text().to_string();
    match g.name() {
        "local-gateway" => filter.local_gateway = Some(address(g)?),
        "peer-gateway" => filter.peer_gateway = Some(address(g)?),
        "local-gateway-name" => filter.local_gateway_name = Some(text()),
        "peer-gateway-name" => filter.peer_gateway_name = Some(text()),
        "local-tunnel-id" => filter.local_tunnel_id = Some(id(g)?),
        "local-session-id" => filter.local_session_id = Some(id(g)?),
        "tunnel-group" => filter.tunnel_group = Some(text()),
        "user" => filter.user = Some(text()),
        "interface" => filter.interface = Some(text()),
        _ => return Err(ArgError::new(g.word, "syntax error.")),
    }
    Ok(())
}

fn clear_target(g: &Given<'_>) -> Result<ClearTarget, ArgError> {
    let text = || g.text().to_string();
    Ok(match g.name() {
        "all" => ClearTarget::All,
        "local-gateway" => ClearTarget::LocalGateway(address(g)?),
        "peer-gateway" => ClearTarget::PeerGateway(address(g)?),
        "local-gateway-name" => ClearTarget::LocalGatewayName(text()),
        "peer-gateway-name" => ClearTarget::PeerGatewayName(text()),
        "local-tunnel-id" => ClearTarget::LocalTunnelId(id(g)?),
        "local-session-id" => ClearTarget::LocalSessionId(id(g)?),
        "tunnel-group" => ClearTarget::TunnelGroup(text()),
        "user" => ClearTarget::User(text()),
        "interface" => ClearTarget::Interface(text()),
        _ => return Err(ArgError::new(g.word, "syntax error.")),
    })
}

fn address(g: &Given<'_>) -> Result<Ipv4Addr, ArgError> {
    g.text()
        .parse()
        .map_err(|_| ArgError::new(g.value_word(), format!("invalid ip address '{}'", g.text())))
}

/// A tunnel or session ID: 0 is reserved by RFC 2661 (it addresses "no tunnel/session yet").
fn id(g: &Given<'_>) -> Result<u16, ArgError> {
    let text = g.text();
    let bad = |message: String| ArgError::new(g.value_word(), message);
    let value: u64 = text
        .parse()
        .map_err(|_| bad(format!("invalid numeric value: '{text}'")))?;
    match u16::try_from(value) {
        Ok(v) if v >= 1 => Ok(v),
        _ => Err(bad(format!("Value {value} is not within range (1..65535)"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::{match_command, tests::plain_words};
    use schema::opcmd::OPERATIONAL;

    /// Reads a whole typed line as the shell does: the command words, then the options.
    fn request(line: &str) -> Result<Request, ArgError> {
        let words = plain_words(line);
        let cmd = match_command(&OPERATIONAL, &words).expect("a command");
        let offset = words.len() - cmd.args.len();
        let result = match line.split(' ').next() {
            Some("show" | "sh") => show_request(cmd.action, cmd.node, cmd.args),
            Some("test") => tunnel_test_request(cmd.node, cmd.args),
            _ => clear_request(cmd.action, cmd.node, cmd.args),
        };
        // Report word indexes of the whole line, which the tests read more easily.
        result.map_err(|e| ArgError::new(e.word + offset, e.message))
    }

    fn show(level: Level, statistics: bool, filter: L2tpFilter) -> L2tpShow {
        L2tpShow {
            level,
            statistics,
            filter,
        }
    }

    #[test]
    fn shows_with_levels_and_filters() {
        assert_eq!(
            request("show services l2tp summary").unwrap(),
            Request::GetL2tpSummaryInformation { statistics: false }
        );
        assert_eq!(
            request("sh ser l2 sum stat").unwrap(),
            Request::GetL2tpSummaryInformation { statistics: true }
        );
        assert_eq!(
            request("show services l2tp tunnel").unwrap(),
            Request::GetL2tpTunnelInformation(L2tpShow::default())
        );
        let filter = L2tpFilter {
            local_tunnel_id: Some(17967),
            peer_gateway: Some(Ipv4Addr::new(127, 0, 0, 2)),
            tunnel_group: Some("tp-lns1".into()),
            ..L2tpFilter::default()
        };
        assert_eq!(
            request("show services l2tp tunnel tunnel-g tp-lns1 ext peer-gateway 127.0.0.2 local-t 17967")
                .unwrap(),
            Request::GetL2tpTunnelInformation(show(Level::Extensive, false, filter))
        );
        let filter = L2tpFilter {
            user: Some("u1@example.net".into()),
            interface: Some("pp0.1073741825".into()),
            local_session_id: Some(40553),
            local_gateway: Some(Ipv4Addr::LOCALHOST),
            ..L2tpFilter::default()
        };
        assert_eq!(
            request("show services l2tp session detail user u1@example.net interface pp0.1073741825 local-s 40553 local-gateway 127.0.0.1 statistics")
                .unwrap(),
            Request::GetL2tpSessionInformation(show(Level::Detail, true, filter))
        );
        let filter = L2tpFilter {
            local_gateway: Some(Ipv4Addr::LOCALHOST),
            ..L2tpFilter::default()
        };
        assert_eq!(
            request("show services l2tp destination local-gateway 127.0.0.1 statistics").unwrap(),
            Request::GetL2tpDestinationInformation(show(Level::Brief, true, filter))
        );
        assert_eq!(
            request("show services l2tp disconnect-cause-summary").unwrap(),
            Request::GetL2tpDisconnectCauseSummary
        );
    }

    #[test]
    fn show_errors_point_at_the_word() {
        assert_eq!(
            request("show services l2tp tunnel brief extensive").unwrap_err(),
            ArgError::new(5, "syntax error.")
        );
        assert_eq!(
            request("show services l2tp tunnel local-gateway 127.0.0.300").unwrap_err(),
            ArgError::new(5, "invalid ip address '127.0.0.300'")
        );
        assert_eq!(
            request("show services l2tp tunnel local-tunnel-id 0").unwrap_err(),
            ArgError::new(5, "Value 0 is not within range (1..65535)")
        );
        assert_eq!(
            request("show services l2tp session local-session-id 65536").unwrap_err(),
            ArgError::new(5, "Value 65536 is not within range (1..65535)")
        );
        assert_eq!(
            request("show services l2tp session local-session-id x1").unwrap_err(),
            ArgError::new(5, "invalid numeric value: 'x1'")
        );
        assert_eq!(
            request("show services l2tp destination statistics detail").unwrap_err(),
            ArgError::new(5, "syntax error.")
        );
        // `user` is a session filter, not a tunnel one.
        assert_eq!(
            request("show services l2tp tunnel user u1").unwrap_err(),
            ArgError::new(4, "syntax error.")
        );
    }

    fn clear(statistics: bool, target: ClearTarget, confirmed: bool) -> L2tpClear {
        L2tpClear {
            statistics,
            target,
            confirmed,
        }
    }

    #[test]
    fn tunnel_test_options_in_any_order() {
        let expected = Request::TestL2tpTunnel {
            user: "u1@example.net".into(),
            password: "pw".into(),
            tunnel_name: "tp-lns1".into(),
        };
        let t = "test services l2tp tunnel";
        assert_eq!(
            request(&format!(
                "{t} user u1@example.net password pw tunnel-name tp-lns1"
            )),
            Ok(expected.clone())
        );
        assert_eq!(
            request(&format!("{t} tunnel-name tp-lns1 pass pw u u1@example.net")),
            Ok(expected)
        );
        assert_eq!(request(&format!("{t} user a user b")).unwrap_err().word, 6);
        assert_eq!(request(&format!("{t} user")).unwrap_err().word, 5);
        assert_eq!(request(&format!("{t} bogus x")).unwrap_err().word, 4);
        assert_eq!(
            request(&format!("{t} user a password b")),
            Err(ArgError::new(8, "missing mandatory argument: tunnel-name."))
        );
    }

    #[test]
    fn clears_take_one_target() {
        assert_eq!(
            request("clear services l2tp destination all").unwrap(),
            Request::ClearL2tpDestination(clear(false, ClearTarget::All, false))
        );
        assert_eq!(
            request("cl se l2 dest stat all").unwrap(),
            Request::ClearL2tpDestination(clear(true, ClearTarget::All, false))
        );
        assert_eq!(
            request("clear services l2tp tunnel local-gateway-name lns-mx960 force").unwrap(),
            Request::ClearL2tpTunnel(clear(
                false,
                ClearTarget::LocalGatewayName("lns-mx960".into()),
                true
            ))
        );
        assert_eq!(
            request("clear services l2tp session local-session-id 40553").unwrap(),
            Request::ClearL2tpSession(clear(false, ClearTarget::LocalSessionId(40553), false))
        );
        assert_eq!(
            request("clear services l2tp session force statistics interface si-0/0/0.1073741824")
                .unwrap(),
            Request::ClearL2tpSession(clear(
                true,
                ClearTarget::Interface("si-0/0/0.1073741824".into()),
                true
            ))
        );
        assert_eq!(
            request("clear services l2tp destination peer-gateway 127.0.0.2").unwrap(),
            Request::ClearL2tpDestination(clear(
                false,
                ClearTarget::PeerGateway(Ipv4Addr::new(127, 0, 0, 2)),
                false
            ))
        );
    }

    #[test]
    fn clear_errors() {
        assert_eq!(
            request("clear services l2tp tunnel statistics").unwrap_err(),
            ArgError::new(
                5,
                "missing mandatory argument: target (all, local-gateway, local-gateway-name, \
                 local-tunnel-id, peer-gateway, peer-gateway-name, tunnel-group)."
            )
        );
        assert_eq!(
            request("clear services l2tp tunnel all local-tunnel-id 3").unwrap_err(),
            ArgError::new(5, "syntax error.")
        );
        assert_eq!(
            request("clear services l2tp destination local-gateway lns1").unwrap_err(),
            ArgError::new(5, "invalid ip address 'lns1'")
        );
        assert_eq!(
            request("clear services l2tp destination tunnel-group g").unwrap_err(),
            ArgError::new(4, "syntax error.")
        );
    }
}
