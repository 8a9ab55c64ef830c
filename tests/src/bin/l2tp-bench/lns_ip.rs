//! `l2tp-bench pppoe-setup --up-at ip` (issue 11): the LNS terminates PPP, so a subscriber is
//! set up when IPCP has given it an address. What the LNS needs for that (a pool big enough
//! for every subscriber and a service interface), and how the bench sees, cheaply, that every
//! subscriber is up or gone.

use std::time::{Duration, Instant};

use l2tp_tests::client::Client;
use l2tp_tests::DaemonProcess;
use schema::mgmt::{Reply, Request};
use schema::subscriber_rpc::{AddressPoolSelect, SubscriberShow, SubscriberState};

/// The pool: a /16 of 198.18.0.0/15 (the other /16 holds the other labs' addresses), room
/// for the 60,000 subscribers one tunnel carries. Its gateway (the lowest address outside
/// the range) is 198.19.0.1.
const POOL: &str = "bench";
const POOL_NETWORK: &str = "198.19.0.0/16";
const POOL_LOW: &str = "198.19.0.10";
const POOL_HIGH: &str = "198.19.255.250";

/// The set lines added to `subscriber_lab::lns_lines`: the tunnel group's subscribers leave
/// by a service interface (a TUN device the LNS opens: the bench runs as root) and get their
/// address from the pool.
pub fn lns_lines() -> String {
    format!(
        "set services l2tp tunnel-group g service-interface si-0/0/0\n\
         set access address-assignment pool {POOL} family inet network {POOL_NETWORK}\n\
         set access address-assignment pool {POOL} family inet range r low {POOL_LOW}\n\
         set access address-assignment pool {POOL} family inet range r high {POOL_HIGH}\n"
    )
}

/// Addresses of the pool in use (`show network-access address-assignment pool bench`).
pub fn pool_in_use(client: &mut Client) -> Result<u64, String> {
    let select = AddressPoolSelect {
        name: Some(POOL.into()),
    };
    match client.ok(&Request::GetAddressAssignmentPool(select)) {
        Reply::AddressPools(reply) => reply
            .pools
            .first()
            .map(|p| p.addresses_in_use)
            .ok_or_else(|| format!("no pool {POOL} at the LNS")),
        other => Err(format!("unexpected reply to the pool: {other:?}")),
    }
}

/// Subscribers in the `active` state (IPCP opened): `show subscribers summary`.
fn active_subscribers(client: &mut Client) -> Result<u64, String> {
    let show = SubscriberShow {
        summary: true,
        ..SubscriberShow::default()
    };
    match client.ok(&Request::GetSubscribers(show)) {
        Reply::Subscribers(reply) => Ok(reply
            .summary
            .ok_or("no summary in the reply")?
            .by_state
            .iter()
            .filter(|c| c.name == SubscriberState::Active)
            .map(|c| u64::from(c.count))
            .sum()),
        other => Err(format!("unexpected reply to the subscribers: {other:?}")),
    }
}

/// Waits until the LNS shows `count` subscribers active, each with a pool address; returns
/// the time from `since` to the reply that showed them all. The pool's count is polled (one
/// number); it reaches `count` when the last address is offered (IPCP's Configure-Nak), one
/// round trip before that IPCP opens, so from then on the subscriber summary is read until
/// it counts every subscriber active. The summary builds a row per subscriber (about as long
/// as the last round trips take at 10,000): reading it on every poll would take the LNS's CPU
/// from the subscribers being measured. The clock stops when its reply arrives.
pub fn wait_for_ip_up(
    lns: &DaemonProcess,
    count: usize,
    since: Instant,
    limit: Duration,
    poll: Duration,
) -> Result<Duration, String> {
    let deadline = since + limit;
    let mut client = Client::connect(&lns.socket()).map_err(|e| format!("LNS socket: {e}"))?;
    let count = count as u64;
    loop {
        let in_use = pool_in_use(&mut client)?;
        if in_use == count && active_subscribers(&mut client)? == count {
            return Ok(since.elapsed());
        }
        if Instant::now() >= deadline {
            let active = active_subscribers(&mut client)?;
            return Err(format!(
                "the LNS shows {active} subscribers active and {in_use} addresses in use, \
                 not {count}, after {limit:?}"
            ));
        }
        std::thread::sleep(poll);
    }
}

/// Waits until the LNS holds no address of the pool and no L2TP session: every subscriber
/// left and gave its address back. Returns the time from `since`.
pub fn wait_for_clean(
    lns: &DaemonProcess,
    since: Instant,
    limit: Duration,
    poll: Duration,
) -> Result<Duration, String> {
    let deadline = since + limit;
    let mut client = Client::connect(&lns.socket()).map_err(|e| format!("LNS socket: {e}"))?;
    loop {
        let in_use = pool_in_use(&mut client)?;
        let sessions = match client.ok(&Request::GetL2tpSummaryInformation { statistics: false }) {
            Reply::L2tpSummary(summary) => summary.sessions,
            other => return Err(format!("unexpected reply to the summary: {other:?}")),
        };
        if in_use == 0 && sessions == 0 {
            return Ok(since.elapsed());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "the LNS holds {in_use} addresses and {sessions} sessions after {limit:?}"
            ));
        }
        std::thread::sleep(poll);
    }
}
