//! The subscriber, PPPoE and address pool operational RPCs (`show subscribers`, `show |
//! clear pppoe …`, `show ppp …`, `show network-access address-assignment pool`, `show interfaces`,
//! `clear network-access aaa subscriber`, `clear auto-configuration interfaces`, `show firewall`, `show route`)
//! as the engine takes them. They travel the L2TP RPC path ([`super::rpc::L2tpRpc`]), so
//! that they are answered on the engine task, between turns, like every other show.

use schema::firewall_rpc::FirewallSelect;
use schema::interface_rpc::{AutoVlanClear, InterfaceShow, SubscriberLogout};
use schema::mgmt::Request;
use schema::ppp_rpc::PppShow;
use schema::route_rpc::{RouteShow, RouteSummaryShow};
use schema::subscriber_rpc::{AddressPoolSelect, PppoeSelect, SubscriberShow};
use schema::system_rpc::StatisticsProtocol;

/// One subscriber or PPPoE operational RPC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriberRpc {
    Subscribers(SubscriberShow),
    PppoeInterfaces(PppoeSelect),
    PppoeStatistics(PppoeSelect),
    PppoeServiceNameTables,
    /// `show ppp interface [NAME] [extensive | terse]`.
    PppInterfaces(PppShow),
    /// `show ppp summary`.
    PppSummary,
    /// `show ppp statistics`.
    PppStatistics,
    /// `show network-access address-assignment pool [NAME]`.
    AddressPools(AddressPoolSelect),
    ClearPppoeSessions(PppoeSelect),
    ClearPppoeStatistics(PppoeSelect),
    /// `show interfaces [NAME] [LEVEL]` (subscriber interfaces).
    Interfaces(InterfaceShow),
    /// `clear network-access aaa subscriber (username U | session-id N)`.
    Logout(SubscriberLogout),
    /// `clear auto-configuration interfaces IFD.UNIT`.
    ClearAutoVlan(AutoVlanClear),
    /// `show firewall [filter NAME]`.
    Firewall(FirewallSelect),
    /// `clear firewall (all | filter NAME)`.
    ClearFirewall(FirewallSelect),
    /// `show route …`.
    Routes(RouteShow),
    /// `show route summary [table T]`.
    RouteSummary(RouteSummaryShow),
    /// `show system statistics [tcp | icmp]`.
    SystemStatistics(StatisticsProtocol),
}

impl SubscriberRpc {
    /// The RPC a management request names, if it is one of these.
    pub fn from_request(request: &Request) -> Option<Self> {
        Some(match request {
            Request::GetSubscribers(show) => Self::Subscribers(show.clone()),
            Request::GetPppoeInterfaceInformation(select) => Self::PppoeInterfaces(select.clone()),
            Request::GetPppoeStatistics(select) => Self::PppoeStatistics(select.clone()),
            Request::GetPppoeServiceNameTables => Self::PppoeServiceNameTables,
            Request::GetPppInterfaceInformation(show) => Self::PppInterfaces(show.clone()),
            Request::GetPppSummary => Self::PppSummary,
            Request::GetPppStatistics => Self::PppStatistics,
            Request::GetAddressAssignmentPool(select) => Self::AddressPools(select.clone()),
            Request::ClearPppoeSessions(select) => Self::ClearPppoeSessions(select.clone()),
            Request::ClearPppoeStatistics(select) => Self::ClearPppoeStatistics(select.clone()),
            Request::GetInterfaceInformation(show) => Self::Interfaces(show.clone()),
            Request::ClearNetworkAccessAaaSubscriber(target) => Self::Logout(target.clone()),
            Request::ClearAutoConfigurationInterfaces(vlan) => Self::ClearAutoVlan(vlan.clone()),
            Request::GetFirewallInformation(select) => Self::Firewall(select.clone()),
            Request::ClearFirewall(select) => Self::ClearFirewall(select.clone()),
            Request::GetRouteInformation(show) => Self::Routes(show.clone()),
            Request::GetRouteSummaryInformation(show) => Self::RouteSummary(show.clone()),
            Request::GetSystemStatistics(protocol) => Self::SystemStatistics(*protocol),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subscriber_request_is_routed_and_nothing_else() {
        let select = PppoeSelect::default();
        for (request, rpc) in [
            (
                Request::GetSubscribers(SubscriberShow::default()),
                SubscriberRpc::Subscribers(SubscriberShow::default()),
            ),
            (
                Request::GetPppoeInterfaceInformation(select.clone()),
                SubscriberRpc::PppoeInterfaces(select.clone()),
            ),
            (
                Request::GetPppoeStatistics(select.clone()),
                SubscriberRpc::PppoeStatistics(select.clone()),
            ),
            (
                Request::GetPppoeServiceNameTables,
                SubscriberRpc::PppoeServiceNameTables,
            ),
            (
                Request::GetPppInterfaceInformation(PppShow::default()),
                SubscriberRpc::PppInterfaces(PppShow::default()),
            ),
            (Request::GetPppSummary, SubscriberRpc::PppSummary),
            (Request::GetPppStatistics, SubscriberRpc::PppStatistics),
            (
                Request::GetAddressAssignmentPool(AddressPoolSelect::default()),
                SubscriberRpc::AddressPools(AddressPoolSelect::default()),
            ),
            (
                Request::ClearPppoeSessions(select.clone()),
                SubscriberRpc::ClearPppoeSessions(select.clone()),
            ),
            (
                Request::ClearPppoeStatistics(select.clone()),
                SubscriberRpc::ClearPppoeStatistics(select.clone()),
            ),
            (
                Request::GetInterfaceInformation(InterfaceShow::default()),
                SubscriberRpc::Interfaces(InterfaceShow::default()),
            ),
            (
                Request::ClearNetworkAccessAaaSubscriber(SubscriberLogout::SessionId(3)),
                SubscriberRpc::Logout(SubscriberLogout::SessionId(3)),
            ),
            (
                Request::ClearAutoConfigurationInterfaces(AutoVlanClear {
                    interface: "ge-1/0/0.1073741824".into(),
                }),
                SubscriberRpc::ClearAutoVlan(AutoVlanClear {
                    interface: "ge-1/0/0.1073741824".into(),
                }),
            ),
            (
                Request::GetFirewallInformation(FirewallSelect::default()),
                SubscriberRpc::Firewall(FirewallSelect::default()),
            ),
            (
                Request::ClearFirewall(FirewallSelect::default()),
                SubscriberRpc::ClearFirewall(FirewallSelect::default()),
            ),
            (
                Request::GetRouteInformation(RouteShow::default()),
                SubscriberRpc::Routes(RouteShow::default()),
            ),
            (
                Request::GetRouteSummaryInformation(RouteSummaryShow::default()),
                SubscriberRpc::RouteSummary(RouteSummaryShow::default()),
            ),
            (
                Request::GetSystemStatistics(StatisticsProtocol::Tcp),
                SubscriberRpc::SystemStatistics(StatisticsProtocol::Tcp),
            ),
        ] {
            assert_eq!(SubscriberRpc::from_request(&request), Some(rpc));
        }
        assert_eq!(
            SubscriberRpc::from_request(&Request::GetL2tpDisconnectCauseSummary),
            None
        );
    }
}
