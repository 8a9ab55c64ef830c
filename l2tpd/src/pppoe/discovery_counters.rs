//! Every frame the discovery server received, sent and refused, by reason
//! (`show pppoe statistics`). Declared through one macro so that `add` cannot miss a field.

macro_rules! counters {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$field_meta:meta])* pub $field:ident,)* }) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: u64,)*
        }

        impl $name {
            /// Adds `other` field by field (a port's units summed, and units gone since).
            pub fn add(&mut self, other: &$name) {
                $(self.$field += other.$field;)*
            }

            /// Every counter by its field name, for views and tests that must miss none.
            pub fn fields_mut(&mut self) -> Vec<(&'static str, &mut u64)> {
                vec![$((stringify!($field), &mut self.$field),)*]
            }
        }
    };
}

counters! {
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct DiscoveryCounters {
        pub padi_received,
        pub pado_sent,
        pub padr_received,
        pub pads_sent,
        pub padt_received,
        pub padt_sent,
        /// Frames the codec refused.
        pub malformed,
        /// Unicast to another MAC (another access concentrator on the segment), or a PADI that
        /// is neither broadcast nor to us.
        pub not_for_us,
        /// A group address as source: no client has one.
        pub bad_source,
        /// PADO or PADS received: we are the concentrator, not a host.
        pub unexpected_code,
        /// PADI or PADR with a non-zero SESSION_ID (RFC 2516 §5.1, §5.3).
        pub nonzero_session_id,
        /// PADI or PADR without exactly one Service-Name tag (RFC 2516 §5.1).
        pub service_name_missing,
        /// A Service-Name we do not serve: no PADO, or a PADS with Service-Name-Error.
        pub service_name_refused,
        /// A Service-Name whose `service-name-table` action is `drop`.
        pub service_name_dropped,
        /// Refused at the service's `max-sessions` in the `service-name-table`.
        pub service_max_sessions_refused,
        /// PADOs held back by `action delay N`, sent once the delay has passed.
        pub pado_delayed,
        /// PADIs refused because the queue of delayed PADOs was full.
        pub pado_delay_queue_full,
        /// A PADI repeated while its delayed PADO is still waiting: not queued twice.
        pub padi_while_delayed,
        pub padr_cookie_missing,
        /// Forged, for another MAC, or expired: indistinguishable by design.
        pub padr_cookie_invalid,
        /// A PADR repeated because its PADS was lost: the same PADS again, no new session.
        pub padr_retransmitted,
        /// Refused at `max-sessions` (or with the session-id space exhausted).
        pub max_sessions_refused,
        /// Refused by `duplicate-protection`.
        pub duplicate_refused,
        /// Refused by `short-cycle-protection`: the client MAC is locked out.
        pub short_cycle_refused,
        /// Refused while `services l2tp drain` is set (and delayed PADOs dropped by it).
        pub draining_refused,
        pub padt_unknown_session,
        pub padt_wrong_mac,
        pub session_frame_unknown_session,
        pub session_frame_wrong_mac,
    }
}
