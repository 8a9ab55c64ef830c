//! `show ppp interface [NAME] [extensive | terse]`, `show ppp summary` and
//! `show ppp statistics` in the shell: the typed request from the words, the reply rendered
//! by `render_ppp` (or shown as JSON / XML).

use super::answer::Answer;
use super::options::ArgError;
use super::render_ppp;
use schema::mgmt::{Reply, Request};
use schema::opcmd::{Action, OpCmd};
use schema::ppp_rpc::{roots, PppLevel, PppShow};
use schema::tokenize::Word;

/// The request of one of the `show ppp` commands (`action` names which). The interface and
/// the level come in any order, each at most once; the summary and statistics take no words
/// (the command walk refuses any).
pub fn request(action: Action, node: &'static OpCmd, args: &[Word]) -> Result<Request, ArgError> {
    match action {
        Action::ShowPppSummary => return Ok(Request::GetPppSummary),
        Action::ShowPppStatistics => return Ok(Request::GetPppStatistics),
        _ => {}
    }
    let (interface, level) = super::interface_args::name_and_level(node, args)?;
    Ok(Request::GetPppInterfaceInformation(PppShow {
        interface,
        level: match level {
            None => PppLevel::Default,
            Some("terse") => PppLevel::Terse,
            Some(_) => PppLevel::Extensive,
        },
    }))
}

/// How the `show ppp` commands show their reply (see [`super::answer::Pick`]).
pub(super) fn reply(request: &Request, reply: Reply) -> Result<Answer<'_>, Box<Reply>> {
    let level = match request {
        Request::GetPppInterfaceInformation(show) => show.level,
        _ => PppLevel::Default,
    };
    Ok(match reply {
        Reply::PppSessions(s) => Answer::rpc(roots::PPP_INTERFACES, s, move |s| {
            render_ppp::sessions(s, level)
        }),
        Reply::PppSummary(s) => Answer::rpc(roots::PPP_SUMMARY, s, render_ppp::summary),
        Reply::PppStatistics(s) => Answer::rpc(roots::PPP_STATISTICS, s, render_ppp::statistics),
        other => return Err(Box::new(other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::opcmd::OPERATIONAL;

    fn words(line: &str) -> Vec<Word> {
        schema::tokenize::split_words(line).expect("words")
    }

    fn interface_node() -> &'static OpCmd {
        OPERATIONAL
            .child("show")
            .and_then(|c| c.child("ppp"))
            .and_then(|c| c.child("interface"))
            .expect("show ppp interface")
    }

    #[test]
    fn the_name_and_the_level_come_in_either_order() {
        let node = interface_node();
        let ask = |line: &str| request(Action::ShowPppInterface, node, &words(line));
        let show = |interface: Option<&str>, level| {
            Ok(Request::GetPppInterfaceInformation(PppShow {
                interface: interface.map(str::to_string),
                level,
            }))
        };
        assert_eq!(ask(""), show(None, PppLevel::Default));
        assert_eq!(ask("ext"), show(None, PppLevel::Extensive));
        assert_eq!(ask("pp0.5 terse"), show(Some("pp0.5"), PppLevel::Terse));
        assert_eq!(
            ask("extensive si-0/0/0.7"),
            show(Some("si-0/0/0.7"), PppLevel::Extensive)
        );
        // A quoted word is a name even when it spells a level.
        assert_eq!(ask("\"terse\""), show(Some("terse"), PppLevel::Default));
        for bad in ["pp0.5 pp0.6", "terse extensive", "terse terse"] {
            assert!(ask(bad).is_err(), "{bad}");
        }
        assert_eq!(
            request(Action::ShowPppSummary, node, &[]),
            Ok(Request::GetPppSummary)
        );
        assert_eq!(
            request(Action::ShowPppStatistics, node, &[]),
            Ok(Request::GetPppStatistics)
        );
    }
}
