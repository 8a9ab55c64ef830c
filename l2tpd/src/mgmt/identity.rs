//! Who is on the other end of the management socket, and what they may do.
//!
//! The user comes from the socket's peer credentials (never from the client's words). The
//! login class follows Junos: root is always super-user; while no `system login user` is
//! configured every local user who can open the socket is super-user (a fresh install);
//! once users are configured, only listed users get in, with their configured class.

use schema::mgmt::{LoginClass, Request};
use std::collections::BTreeMap;

/// Resolves a uid to a login name ("uid1234" when the account has no passwd entry).
pub fn user_name(uid: u32) -> String {
    match nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)) {
        Ok(Some(u)) => u.name,
        _ => format!("uid{uid}"),
    }
}

/// The class of `user` under the configured `system login user` list.
pub fn login_class(
    uid: u32,
    user: &str,
    configured: &BTreeMap<String, LoginClass>,
) -> Result<LoginClass, String> {
    if uid == 0 {
        return Ok(LoginClass::SuperUser);
    }
    if configured.is_empty() {
        return Ok(LoginClass::SuperUser);
    }
    configured.get(user).copied().ok_or_else(|| {
        format!("user '{user}' is not configured on this router (system login user); access denied")
    })
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

/// Junos' `secret` permission: only super-user has it; read-only and operator see
/// `/* SECRET-DATA */` in place of every `$9$` value.
pub fn may_see_secrets(class: LoginClass) -> bool {
    class == LoginClass::SuperUser
}

/// The least class a request needs: `read-only` may only show, `operator` may show and clear,
/// `super-user` may also configure.
pub fn required_class(req: &Request) -> LoginClass {
    match req {
        // Leaving configuration mode gives rights up: a user downgraded by a commit while
        // editing may still leave.
        Request::Hello { .. }
        | Request::ExitConfiguration { .. }
        | Request::ShowConfiguration { .. }
        | Request::ShowSystemCommit
        | Request::ShowSystemUsers
        | Request::Compare { .. }
        | Request::GetL2tpSummaryInformation { .. }
        | Request::GetL2tpDestinationInformation(_)
        | Request::GetL2tpTunnelInformation(_)
        | Request::GetL2tpSessionInformation(_)
        | Request::GetL2tpDisconnectCauseSummary
        | Request::GetSnmpObject { .. }
        | Request::WalkSnmpObject { .. }
        | Request::GetSnmpStatistics
        | Request::GetSubscribers(_)
        | Request::GetPppoeInterfaceInformation(_)
        | Request::GetPppoeStatistics(_)
        | Request::GetPppoeServiceNameTables
        | Request::GetAddressAssignmentPool(_)
        | Request::GetInterfaceInformation(_)
        | Request::GetRadiusServers(_)
        | Request::GetAaaStatistics(_)
        | Request::GetAaaSubscribers(_)
        | Request::GetSoftwareInformation
        | Request::GetSystemUptimeInformation
        | Request::GetSystemProcessInformation
        | Request::GetSystemStorage
        | Request::GetLog { .. }
        | Request::MonitorStart { .. }
        | Request::MonitorStop { .. }
        | Request::ShowRescue => LoginClass::ReadOnly,
        Request::TestL2tpTunnel { .. }
        | Request::ClearL2tpDestination(_)
        | Request::ClearL2tpTunnel(_)
        | Request::ClearL2tpSession(_)
        | Request::ClearPppoeSessions(_)
        | Request::ClearPppoeStatistics(_)
        | Request::ClearNetworkAccessAaaSubscriber(_)
        | Request::TestAaaPpp(_)
        | Request::ClearAaaStatistics => LoginClass::Operator,
        _ => LoginClass::SuperUser,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        let mut users = BTreeMap::new();
        assert_eq!(
            login_class(1000, "op", &users).unwrap(),
            LoginClass::SuperUser
        );
        users.insert("op".to_string(), LoginClass::Operator);
        assert_eq!(
            login_class(1000, "op", &users).unwrap(),
            LoginClass::Operator
        );
        assert!(login_class(1001, "eve", &users).is_err());
        assert_eq!(
            login_class(0, "root", &users).unwrap(),
            LoginClass::SuperUser
        );
        assert_eq!(
            required_class(&Request::ShowSystemCommit),
            LoginClass::ReadOnly
        );
        assert_eq!(
            required_class(&Request::Configure {
                mode: schema::mgmt::ConfigureMode::Shared
            }),
            LoginClass::SuperUser
        );
    }

    /// Subscriber and PPPoE shows are for everyone; ending sessions or resetting counters
    /// needs an operator, as the L2TP clears do.
    #[test]
    fn subscriber_shows_are_read_only_and_pppoe_clears_need_an_operator() {
        use schema::subscriber_rpc::{PppoeSelect, SubscriberShow};
        for show in [
            Request::GetSubscribers(SubscriberShow::default()),
            Request::GetPppoeInterfaceInformation(PppoeSelect::default()),
            Request::GetPppoeStatistics(PppoeSelect::default()),
            Request::GetPppoeServiceNameTables,
            Request::GetAddressAssignmentPool(Default::default()),
            Request::GetInterfaceInformation(Default::default()),
            Request::GetRadiusServers(Default::default()),
            Request::GetAaaStatistics(Default::default()),
            Request::GetAaaSubscribers(Default::default()),
        ] {
            assert_eq!(required_class(&show), LoginClass::ReadOnly, "{show:?}");
        }
        for clear in [
            Request::ClearPppoeSessions(PppoeSelect::default()),
            Request::ClearPppoeStatistics(PppoeSelect::default()),
            Request::ClearNetworkAccessAaaSubscriber(
                schema::interface_rpc::SubscriberLogout::Username("u".into()),
            ),
            // The test sends a password to the RADIUS server and costs it a request.
            Request::TestAaaPpp(schema::aaa_rpc::AaaTest {
                user: "u".into(),
                password: "p".into(),
                profile: None,
            }),
            Request::ClearAaaStatistics,
        ] {
            assert_eq!(required_class(&clear), LoginClass::Operator, "{clear:?}");
        }
    }
}
