//! `show subscribers …`, `show pppoe …`, `clear pppoe …`, `show interfaces` and
//! `clear network-access aaa subscriber`, `clear auto-configuration interfaces` in the shell: the reply rendered (or shown as
//! JSON / XML). The typed request from the words is `subscriber_args`'.

use super::answer::Answer;
use super::{render_interfaces, render_pools, render_pppoe, render_subscribers};
use schema::interface_rpc::{InterfaceLevel, INTERFACES_ROOT};
use schema::mgmt::{Reply, Request};
use schema::subscriber_rpc::{roots, PppoeSelect, SubscriberShow};

/// How the subscriber, PPPoE and interface commands show their reply (see
/// [`super::answer::Pick`]).
pub(super) fn reply(request: &Request, reply: Reply) -> Result<Answer<'_>, Box<Reply>> {
    let show = match request {
        Request::GetSubscribers(show) => show.clone(),
        _ => SubscriberShow::default(),
    };
    let select = match request {
        Request::GetPppoeStatistics(select) => select.clone(),
        _ => PppoeSelect::default(),
    };
    let level = match request {
        Request::GetInterfaceInformation(show) => show.level,
        _ => InterfaceLevel::Default,
    };
    Ok(match reply {
        Reply::Subscribers(s) => {
            let root = if show.summary {
                roots::SUBSCRIBERS_SUMMARY
            } else {
                roots::SUBSCRIBERS
            };
            Answer::rpc(root, s, move |s| render_subscribers::subscribers(s, &show))
        }
        Reply::PppoeInterfaces(i) => {
            Answer::rpc(roots::PPPOE_INTERFACES, i, render_pppoe::interfaces)
        }
        Reply::PppoeStatistics(s) => Answer::rpc(roots::PPPOE_STATISTICS, s, move |s| {
            render_pppoe::statistics(s, &select)
        }),
        Reply::PppoeServiceNameTables(t) => Answer::rpc(
            roots::PPPOE_SERVICE_NAME_TABLES,
            t,
            render_pppoe::service_name_tables,
        ),
        Reply::AddressPools(p) => Answer::rpc(roots::ADDRESS_POOLS, p, render_pools::address_pools),
        Reply::Interfaces(i) => Answer::rpc(INTERFACES_ROOT, i, move |i| {
            render_interfaces::interfaces(i, level)
        }),
        Reply::SubscribersLoggedOut(l) => Answer::print(render_interfaces::logged_out(&l)),
        Reply::AutoVlanCleared(c) => Answer::print(render_interfaces::auto_vlan_cleared(&c)),
        Reply::PppoeCleared(c) => Answer::print(render_pppoe::cleared(&c)),
        other => return Err(Box::new(other)),
    })
}
