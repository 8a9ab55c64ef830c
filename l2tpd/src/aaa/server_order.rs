//! Junos `client-authentication-algorithm` / `client-accounting-algorithm`: the order one
//! request tries its profile's servers in. `direct`: the list's own order every time, so the
//! first live server takes everything and the next ones only what it fails. `round-robin`:
//! each request starts one server further along the list than the previous request with the
//! same list and service did, and fails over in list order from there. Dead servers are the
//! client's business (it skips them in whatever order it is given). No clock, no I/O.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use schema::typed::ServerAlgorithm;

use super::client::Service;

/// Where round-robin starts next, per server list and service. Lists come from the
/// configuration, so the map holds a handful of entries; a commit empties it.
#[derive(Debug, Default)]
pub struct ServerRotation {
    next: HashMap<(Service, Box<[Ipv4Addr]>), usize>,
}

impl ServerRotation {
    /// The order the next request of `service` to `servers` tries them in.
    pub fn order(
        &mut self,
        service: Service,
        algorithm: ServerAlgorithm,
        servers: &[Ipv4Addr],
    ) -> Vec<Ipv4Addr> {
        let mut order = servers.to_vec();
        if algorithm == ServerAlgorithm::Direct || servers.len() < 2 {
            return order;
        }
        let next = self.next.entry((service, servers.into())).or_default();
        let start = *next % servers.len();
        *next = start + 1;
        order.rotate_left(start);
        order
    }

    /// A commit: lists may have changed, every rotation starts again at the first server.
    pub fn clear(&mut self) {
        self.next.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 11);
    const B: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 12);
    const C: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 13);

    #[test]
    fn direct_keeps_the_lists_order_for_every_request() {
        let mut rotation = ServerRotation::default();
        for _ in 0..3 {
            assert_eq!(
                rotation.order(Service::Authentication, ServerAlgorithm::Direct, &[A, B, C]),
                [A, B, C]
            );
        }
    }

    #[test]
    fn round_robin_starts_each_request_at_the_next_server_and_fails_over_in_list_order() {
        let mut rotation = ServerRotation::default();
        let mut next = |service| rotation.order(service, ServerAlgorithm::RoundRobin, &[A, B, C]);
        assert_eq!(next(Service::Authentication), [A, B, C]);
        assert_eq!(next(Service::Authentication), [B, C, A]);
        // Accounting has a rotation of its own.
        assert_eq!(next(Service::Accounting), [A, B, C]);
        assert_eq!(next(Service::Authentication), [C, A, B]);
        assert_eq!(next(Service::Authentication), [A, B, C]);
    }

    #[test]
    fn a_commit_starts_the_rotation_again() {
        let mut rotation = ServerRotation::default();
        let rr = ServerAlgorithm::RoundRobin;
        rotation.order(Service::Accounting, rr, &[A, B]);
        rotation.clear();
        assert_eq!(rotation.order(Service::Accounting, rr, &[A, B]), [A, B]);
        assert_eq!(rotation.order(Service::Accounting, rr, &[A]), [A]);
    }
}
