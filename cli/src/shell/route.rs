//! `show route [PREFIX [exact]] [protocol P] [table T] [brief | terse | detail | extensive]`
//! and `show route summary [table T]` in the shell: the typed request from the words (in any
//! order, the destination a free word among them, as Junos takes them), the reply rendered
//! at the level asked (`render_routes`), or shown as JSON / XML.

use super::answer::Answer;
use super::options::ArgError;
use super::render_routes::{self, RouteLevel};
use super::transport::Transport;
use super::words::{resolve, Command, Resolved};
use super::{Input, Lost, Pipe, Shell};
use schema::mgmt::{Reply, Request};
use schema::opcmd::OpCmd;
use schema::route_rpc::{
    RouteDestination, RouteProtocol, RouteShow, RouteSummaryShow, ROUTE_ROOT, ROUTE_SUMMARY_ROOT,
};
use schema::tokenize::Word;

/// The request of `show route …`, and the level its text is printed at.
pub fn request(node: &'static OpCmd, args: &[Word]) -> Result<(Request, RouteLevel), ArgError> {
    let mut show = RouteShow::default();
    let mut level = None;
    let mut summary = None;
    let mut used: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let keyword = if word.quoted {
            Resolved::None
        } else {
            resolve(word.text.as_str(), node.children.iter(), |c| c.name)
        };
        let option = match keyword {
            Resolved::One(option) => option,
            Resolved::Ambiguous(_) => {
                return Err(ArgError::new(i, format!("'{}' is ambiguous.", word.text)))
            }
            Resolved::None => {
                match RouteDestination::parse(&word.text) {
                    Some(d) if show.destination.is_none() => show.destination = Some(d),
                    _ => return Err(ArgError::new(i, "syntax error.")),
                }
                i += 1;
                continue;
            }
        };
        if used.contains(&option.name) {
            return Err(ArgError::new(i, "syntax error."));
        }
        used.push(option.name);
        let value = match option.value {
            Some((placeholder, _)) => Some(args.get(i + 1).ok_or_else(|| {
                ArgError::new(i + 1, format!("syntax error, expecting {placeholder}."))
            })?),
            None => None,
        };
        match (option.name, value) {
            ("protocol", Some(v)) => {
                show.protocol = Some(RouteProtocol::from_keyword(&v.text).ok_or_else(|| {
                    ArgError::new(
                        i + 1,
                        "syntax error, expecting access, access-internal or static.",
                    )
                })?);
            }
            ("table", Some(v)) => show.table = Some(v.text.clone()),
            ("exact", _) => show.exact = true,
            ("summary", _) => summary = Some(i),
            (other, _) => {
                if level.is_some() {
                    return Err(ArgError::new(i, "syntax error."));
                }
                level = Some(match other {
                    "terse" => RouteLevel::Terse,
                    "detail" => RouteLevel::Detail,
                    "extensive" => RouteLevel::Extensive,
                    _ => RouteLevel::Brief,
                });
            }
        }
        i += 1 + usize::from(value.is_some());
    }
    if let Some(at) = summary {
        // `show route summary` takes a table and nothing else.
        if show.destination.is_some() || show.exact || show.protocol.is_some() || level.is_some() {
            return Err(ArgError::new(at, "syntax error."));
        }
        let request = Request::GetRouteSummaryInformation(RouteSummaryShow { table: show.table });
        return Ok((request, RouteLevel::Brief));
    }
    if show.exact && show.destination.is_none() {
        return Err(ArgError::new(
            args.len(),
            "missing mandatory argument: <destination>.",
        ));
    }
    Ok((
        Request::GetRouteInformation(show),
        level.unwrap_or(RouteLevel::Brief),
    ))
}

impl<T: Transport> Shell<T> {
    pub(super) fn route_command(
        &mut self,
        line: &str,
        cmd: &Command<'_>,
        pipes: &[Pipe],
        input: &mut dyn Input,
    ) -> Result<(), Lost> {
        let parsed = request(cmd.node, cmd.args);
        let level = parsed.as_ref().map_or(RouteLevel::Brief, |(_, l)| *l);
        let Some(request) = self.request_or_report(line, cmd.args, parsed.map(|(r, _)| r)) else {
            return Ok(());
        };
        self.answer(request, pipes, input, |reply| match reply {
            Reply::Routes(r) => Ok(Answer::rpc(ROUTE_ROOT, r, move |r| {
                render_routes::routes(r, level)
            })),
            Reply::RouteSummary(s) => {
                Ok(Answer::rpc(ROUTE_SUMMARY_ROOT, s, render_routes::summary))
            }
            other => Err(Box::new(other)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::words::{match_command, tests::plain_words};
    use schema::opcmd::{Action, OPERATIONAL};
    use std::net::Ipv4Addr;

    fn parsed(line: &str) -> Result<(Request, RouteLevel), ArgError> {
        let words = plain_words(line);
        let cmd = match_command(&OPERATIONAL, &words).expect("a command");
        assert_eq!(cmd.action, Action::ShowRoute);
        request(cmd.node, cmd.args)
    }

    fn show(show: RouteShow, level: RouteLevel) -> Result<(Request, RouteLevel), ArgError> {
        Ok((Request::GetRouteInformation(show), level))
    }

    #[test]
    fn the_words_make_the_request_in_any_order() {
        assert_eq!(
            parsed("show route"),
            show(RouteShow::default(), RouteLevel::Brief)
        );
        let host = RouteDestination {
            address: Ipv4Addr::new(198, 18, 1, 5),
            length: 32,
        };
        assert_eq!(
            parsed("show route 198.18.1.5 exact detail"),
            show(
                RouteShow {
                    destination: Some(host),
                    exact: true,
                    ..RouteShow::default()
                },
                RouteLevel::Detail
            )
        );
        assert_eq!(
            parsed("sh ro ext table ri1 198.18.1.5 pro access-internal"),
            show(
                RouteShow {
                    destination: Some(host),
                    protocol: Some(RouteProtocol::AccessInternal),
                    table: Some("ri1".into()),
                    ..RouteShow::default()
                },
                RouteLevel::Extensive
            )
        );
        assert_eq!(
            parsed("show route protocol access terse"),
            show(
                RouteShow {
                    protocol: Some(RouteProtocol::Access),
                    ..RouteShow::default()
                },
                RouteLevel::Terse
            )
        );
        assert_eq!(
            parsed("show route summary table ri1"),
            Ok((
                Request::GetRouteSummaryInformation(RouteSummaryShow {
                    table: Some("ri1".into())
                }),
                RouteLevel::Brief
            ))
        );
    }

    #[test]
    fn what_junos_refuses_is_refused_at_its_word() {
        let error = |line| parsed(line).map(|_| ()).unwrap_err();
        assert_eq!(
            error("show route protocol bgp"),
            ArgError::new(
                1,
                "syntax error, expecting access, access-internal or static."
            )
        );
        assert_eq!(
            error("show route protocol"),
            ArgError::new(1, "syntax error, expecting <protocol>.")
        );
        assert_eq!(
            error("show route 198.18.1.5/33"),
            ArgError::new(0, "syntax error.")
        );
        assert_eq!(
            error("show route 198.18.1.5 198.18.1.6"),
            ArgError::new(1, "syntax error.")
        );
        assert_eq!(
            error("show route terse detail"),
            ArgError::new(1, "syntax error.")
        );
        assert_eq!(
            error("show route exact"),
            ArgError::new(1, "missing mandatory argument: <destination>.")
        );
        assert_eq!(
            error("show route summary 198.18.1.5"),
            ArgError::new(0, "syntax error.")
        );
        assert_eq!(
            error("show route table a table b"),
            ArgError::new(2, "syntax error.")
        );
    }
}
