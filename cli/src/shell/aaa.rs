//! `show network-access aaa radius-servers | statistics | subscribers`, `test aaa ppp` and
//! `clear network-access aaa statistics` in the shell: the typed request from the words, the
//! reply rendered (or shown as JSON / XML).

use super::answer::Answer;
use super::options::{parse_options, ArgError};
use super::render_aaa;
use schema::aaa_rpc::{
    roots, AaaStatisticsSection, AaaStatisticsShow, AaaSubscribersShow, AaaTest, RadiusServersShow,
    TerminateCodeShow,
};
use schema::mgmt::{Reply, Request};
use schema::opcmd::{Action, OpCmd};
use schema::tokenize::Word;

/// The request of one of the AAA commands (`action` names which).
pub fn request(action: Action, node: &'static OpCmd, args: &[Word]) -> Result<Request, ArgError> {
    let given = parse_options(node, args)?;
    Ok(match action {
        Action::ShowAaaRadiusServers => Request::GetRadiusServers(RadiusServersShow {
            detail: !given.is_empty(),
        }),
        Action::ShowAaaStatistics => {
            // The sections exclude each other: a second is an error.
            if let Some(second) = given.get(1) {
                return Err(ArgError::new(second.word, "syntax error."));
            }
            Request::GetAaaStatistics(AaaStatisticsShow {
                section: given.first().map(|g| match g.name() {
                    "accounting" => AaaStatisticsSection::Accounting,
                    "dynamic-requests" => AaaStatisticsSection::DynamicRequests,
                    _ => AaaStatisticsSection::Authentication,
                }),
            })
        }
        Action::ShowTerminateCode => {
            let mut show = TerminateCodeShow::default();
            for g in &given {
                match schema::terminate_code::Protocol::from_keyword(g.name()) {
                    // One protocol at a time, as Junos takes it.
                    Some(_) if show.protocol.is_some() => {
                        return Err(ArgError::new(g.word, "syntax error."))
                    }
                    Some(protocol) => show.protocol = Some(protocol),
                    None => show.detail = true,
                }
            }
            Request::GetTerminateCode(show)
        }
        Action::ShowAaaSubscribers => Request::GetAaaSubscribers(AaaSubscribersShow {
            username: given.first().map(|g| g.text().to_string()),
        }),
        Action::TestAaaPpp => {
            let value = |name: &str| {
                given
                    .iter()
                    .find(|g| g.name() == name)
                    .map(|g| g.text().to_string())
            };
            let mandatory = |name: &str| {
                value(name).ok_or_else(|| {
                    ArgError::new(args.len(), format!("missing mandatory argument: {name}."))
                })
            };
            Request::TestAaaPpp(AaaTest {
                user: mandatory("user")?,
                password: mandatory("password")?,
                profile: value("profile"),
            })
        }
        // It takes no words: the command walk refuses any (`syntax error.`).
        _ => Request::ClearAaaStatistics,
    })
}

/// How the AAA commands show their reply (see [`super::answer::Pick`]).
pub(super) fn reply(request: &Request, reply: Reply) -> Result<Answer<'_>, Box<Reply>> {
    let detail = matches!(request, Request::GetRadiusServers(show) if show.detail);
    let section = match request {
        Request::GetAaaStatistics(show) => show.section,
        _ => None,
    };
    let terminate_detail = matches!(request, Request::GetTerminateCode(show) if show.detail);
    Ok(match reply {
        Reply::RadiusServers(s) => Answer::rpc(roots::RADIUS_SERVERS, s, move |s| {
            render_aaa::radius_servers(s, detail)
        }),
        Reply::AaaStatistics(s) => Answer::rpc(roots::AAA_STATISTICS, s, move |s| {
            render_aaa::statistics(s, section)
        }),
        Reply::AaaSubscribers(s) => Answer::rpc(roots::AAA_SUBSCRIBERS, s, render_aaa::subscribers),
        Reply::TerminateCode(s) => Answer::rpc(roots::TERMINATE_CODE, s, move |s| {
            super::render_terminate_code::terminate_code(s, terminate_detail)
        }),
        // A test that was not accepted fails the command (`cli -c`), as the L2TP test.
        Reply::AaaTest(report) => Answer::Print {
            failed: report.result != schema::aaa_rpc::AaaTestResult::Accept,
            text: render_aaa::test(&report),
        },
        // Junos prints nothing after a clear.
        Reply::AaaStatisticsCleared(_) => Answer::Silent,
        other => return Err(Box::new(other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::{match_command, tests::plain_words};
    use schema::opcmd::OPERATIONAL;

    fn read(line: &str) -> Result<Request, ArgError> {
        let words = plain_words(line);
        let cmd = match_command(&OPERATIONAL, &words).expect("a command");
        let offset = words.len() - cmd.args.len();
        request(cmd.action, cmd.node, cmd.args)
            .map_err(|e| ArgError::new(e.word + offset, e.message))
    }

    #[test]
    fn shows_read_their_options() {
        assert_eq!(
            read("show network-access aaa radius-servers"),
            Ok(Request::GetRadiusServers(RadiusServersShow {
                detail: false
            }))
        );
        assert_eq!(
            read("show network-access aaa radius-servers detail"),
            Ok(Request::GetRadiusServers(RadiusServersShow {
                detail: true
            }))
        );
        assert_eq!(
            read("show network-access aaa statistics"),
            Ok(Request::GetAaaStatistics(AaaStatisticsShow::default()))
        );
        assert_eq!(
            read("sh network-access aaa stat acc"),
            Ok(Request::GetAaaStatistics(AaaStatisticsShow {
                section: Some(AaaStatisticsSection::Accounting)
            }))
        );
        assert_eq!(
            read("show network-access aaa statistics authentication"),
            Ok(Request::GetAaaStatistics(AaaStatisticsShow {
                section: Some(AaaStatisticsSection::Authentication)
            }))
        );
        assert_eq!(
            read("show network-access aaa statistics authentication accounting"),
            Err(ArgError::new(5, "syntax error."))
        );
        assert_eq!(
            read("show network-access aaa subscribers"),
            Ok(Request::GetAaaSubscribers(AaaSubscribersShow::default()))
        );
        assert_eq!(
            read("show network-access aaa subscribers username alice@isp.example"),
            Ok(Request::GetAaaSubscribers(AaaSubscribersShow {
                username: Some("alice@isp.example".into())
            }))
        );
        assert_eq!(
            read("clear network-access aaa statistics"),
            Ok(Request::ClearAaaStatistics)
        );
    }

    #[test]
    fn terminate_code_takes_one_protocol_and_detail_in_any_order() {
        use schema::terminate_code::Protocol;
        assert_eq!(
            read("show network-access terminate-code"),
            Ok(Request::GetTerminateCode(TerminateCodeShow::default()))
        );
        assert_eq!(
            read("show network-access terminate-code detail l2tp"),
            Ok(Request::GetTerminateCode(TerminateCodeShow {
                protocol: Some(Protocol::L2tp),
                detail: true,
            }))
        );
        assert_eq!(
            read("sh network-access term aaa"),
            Ok(Request::GetTerminateCode(TerminateCodeShow {
                protocol: Some(Protocol::Aaa),
                detail: false,
            }))
        );
        assert_eq!(
            read("show network-access terminate-code aaa ppp"),
            Err(ArgError::new(4, "syntax error."))
        );
    }

    #[test]
    fn test_needs_user_and_password_and_takes_a_profile() {
        assert_eq!(
            read("test aaa ppp user alice@isp.example password pw"),
            Ok(Request::TestAaaPpp(AaaTest {
                user: "alice@isp.example".into(),
                password: "pw".into(),
                profile: None,
            }))
        );
        assert_eq!(
            read("test aaa ppp profile isp password pw user bob"),
            Ok(Request::TestAaaPpp(AaaTest {
                user: "bob".into(),
                password: "pw".into(),
                profile: Some("isp".into()),
            }))
        );
        assert_eq!(
            read("test aaa ppp user bob"),
            Err(ArgError::new(5, "missing mandatory argument: password."))
        );
    }
}
