//! The AAA operational RPCs (`show network-access aaa radius-servers | statistics |
//! subscribers`, `test aaa ppp`, `clear network-access aaa statistics`) as the engine takes
//! them. They travel the L2TP RPC path ([`super::rpc::L2tpRpc::Aaa`]) and are answered by
//! [`super::core::Core::aaa_rpc`] on the engine task, like every other show.

use schema::aaa_rpc::{
    AaaStatisticsShow, AaaSubscribersShow, AaaTest, RadiusServersShow, TerminateCodeShow,
};
use schema::mgmt::Request;

/// One AAA operational RPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AaaRpc {
    RadiusServers(RadiusServersShow),
    Statistics(AaaStatisticsShow),
    Subscribers(AaaSubscribersShow),
    /// `test aaa ppp`: answered when the server has (or the client gave up).
    Test(AaaTest),
    ClearStatistics,
    /// `show network-access terminate-code`: the committed configuration's codes.
    TerminateCode(TerminateCodeShow),
}

impl AaaRpc {
    /// The RPC a management request names, if it is one of these.
    pub fn from_request(request: &Request) -> Option<Self> {
        Some(match request {
            Request::GetRadiusServers(show) => Self::RadiusServers(show.clone()),
            Request::GetAaaStatistics(show) => Self::Statistics(show.clone()),
            Request::GetAaaSubscribers(show) => Self::Subscribers(show.clone()),
            Request::TestAaaPpp(test) => Self::Test(test.clone()),
            Request::ClearAaaStatistics => Self::ClearStatistics,
            Request::GetTerminateCode(show) => Self::TerminateCode(show.clone()),
            _ => return None,
        })
    }

    /// The command, for the answer that says it is not available yet.
    pub fn command(&self) -> &'static str {
        match self {
            Self::RadiusServers(_) => "show network-access aaa radius-servers",
            Self::Statistics(_) => "show network-access aaa statistics",
            Self::Subscribers(_) => "show network-access aaa subscribers",
            Self::Test(_) => "test aaa ppp",
            Self::ClearStatistics => "clear network-access aaa statistics",
            Self::TerminateCode(_) => "show network-access terminate-code",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aaa_request_is_routed_and_nothing_else() {
        let test = AaaTest {
            user: "u".into(),
            password: "p".into(),
            profile: None,
        };
        for (request, rpc) in [
            (
                Request::GetRadiusServers(RadiusServersShow::default()),
                AaaRpc::RadiusServers(RadiusServersShow::default()),
            ),
            (
                Request::GetAaaStatistics(AaaStatisticsShow::default()),
                AaaRpc::Statistics(AaaStatisticsShow::default()),
            ),
            (
                Request::GetAaaSubscribers(AaaSubscribersShow::default()),
                AaaRpc::Subscribers(AaaSubscribersShow::default()),
            ),
            (Request::TestAaaPpp(test.clone()), AaaRpc::Test(test)),
            (Request::ClearAaaStatistics, AaaRpc::ClearStatistics),
            (
                Request::GetTerminateCode(TerminateCodeShow::default()),
                AaaRpc::TerminateCode(TerminateCodeShow::default()),
            ),
        ] {
            assert_eq!(AaaRpc::from_request(&request), Some(rpc.clone()));
            assert_eq!(
                super::super::rpc::L2tpRpc::from_request(&request),
                Some(super::super::rpc::L2tpRpc::Aaa(rpc))
            );
        }
        assert_eq!(
            AaaRpc::from_request(&Request::GetPppoeServiceNameTables),
            None
        );
    }
}
