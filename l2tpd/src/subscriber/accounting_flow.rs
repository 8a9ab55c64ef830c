//! When accounting requests go out: Start once a subscriber is up (its L2TP session at the
//! LAC, IPCP where PPP ends), Interim-Updates on their schedule, Stop at its end; Stops
//! nobody took are sent again (`accounting`).

use std::sync::Arc;
use std::time::Instant;

use schema::typed::{RadiusMessage, RouterConfig};

use super::aaa::nas_identifier;
use super::aaa::{Answer, Purpose};
use super::accounting::{
    self, accounting_servers, set_delay, update_interval, Accounted, Kind, QueuedStop, Status,
    Usage, STOP_RETRY_AFTER,
};
use super::decision::{map_aaa_routing_instance, radius_user_name};
use super::lac::SubscriberLayer;
use super::radius_options::{accounting_port_attributes, fix_acct_session_id};
use super::table::{EndCause, Subscriber, SubscriberId};
use crate::aaa::client::Service;
use crate::aaa::radius::Packet;
use crate::registry::Registry;

impl SubscriberLayer {
    /// The subscriber is up: Start, and its first Interim-Update scheduled.
    pub(super) fn accounting_start(
        &mut self,
        now: Instant,
        id: SubscriberId,
        config: &RouterConfig,
        registry: &Registry,
    ) {
        let Some(subscriber) = self.table.get_mut(id) else {
            return;
        };
        if subscriber.is_test_call() || self.accounting.is_accounted(id) {
            return;
        }
        let Some(profile) = subscriber.access_profile(config) else {
            return;
        };
        let servers = accounting_servers(config, profile);
        if servers.is_empty() {
            return;
        }
        fix_acct_session_id(subscriber, &profile.radius_options);
        let algorithm = profile.radius_options.client_accounting_algorithm;
        let Some(subscriber) = self.table.get(id) else {
            return;
        };
        let nas_identifier = nas_identifier(profile, &self.host_name);
        let line = super::radius_options::access_line(subscriber, registry);
        let mut carried = accounting_port_attributes(
            &profile.radius_options,
            nas_identifier,
            subscriber,
            config,
            &line,
        );
        // LAC: the records name the tunnel (the LNS's name theirs in the access leg).
        if let (Some(_), Some((tunnel_id, Some(session_id)))) =
            (subscriber.pppoe_key(), registry.locate_call(id))
        {
            let (server, local) = registry.tunnel_endpoints(tunnel_id);
            carried.extend(accounting::tunnel_attributes(
                tunnel_id, session_id, local, server,
            ));
        }
        // LNS: `override nas-ip-address` fixes it at the Start, as the other carried values.
        let (nas_address, nas_ip) =
            super::radius_override::nas_address(&profile.radius_options, subscriber, registry);
        carried.extend(nas_ip);
        let user_name: Option<Box<str>> = subscriber
            .user
            .as_deref()
            .map(|user| Box::from(radius_user_name(config, profile, user)));
        let mut request = accounting::request(
            subscriber,
            user_name.as_deref(),
            Status::Start,
            None,
            &carried,
            nas_identifier,
        );
        super::radius_exclude::apply(&mut request, profile, RadiusMessage::AccountingStart);
        // Interim-Updates leave out what the Stop does (`radius_exclude`).
        let excluded_from_stop =
            super::radius_exclude::excluded(profile, RadiusMessage::AccountingStop);
        let nas_identifier = Box::from(nas_identifier);
        let interval = update_interval(profile);
        let options = profile.accounting.as_ref();
        let instance = subscriber
            .user
            .as_deref()
            .and_then(|user| map_aaa_routing_instance(config, user))
            .map(Arc::from);
        self.accounting.account(
            id,
            Accounted {
                servers,
                algorithm,
                instance: instance.clone(),
                interval,
                next: interval.map(|every| now + every),
                immediate_update: options.is_some_and(|a| a.immediate_update),
                coa_immediate_update: options.is_some_and(|a| a.coa_immediate_update),
                nas_identifier,
                nas_address,
                carried,
                excluded_from_stop,
                user_name,
            },
        );
        self.send_accounting(now, id, instance.as_deref(), request, Kind::Start);
    }

    /// Interim-Updates due now; each schedules the next.
    pub(super) fn accounting_interims(&mut self, now: Instant) {
        for (_, id) in self.accounting.due_interims(now) {
            self.send_interim(now, id);
            self.accounting.reschedule(id, now);
        }
    }

    /// An Interim-Update of `id` with its usage at `now`, if it is accounted.
    fn send_interim(&mut self, now: Instant, id: SubscriberId) {
        let (Some(subscriber), Some(accounted)) = (self.table.get(id), self.accounting.get(id))
        else {
            return;
        };
        let usage = Usage::of(subscriber, now);
        let mut request = accounting::request(
            subscriber,
            accounted.user_name.as_deref(),
            Status::Interim,
            Some(&usage),
            &accounted.carried,
            &accounted.nas_identifier,
        );
        super::radius_exclude::leave_out(&mut request, &accounted.excluded_from_stop);
        let instance = accounted.instance.clone();
        self.send_accounting(now, id, instance.as_deref(), request, Kind::Interim);
    }

    /// A CoA-Request changed `id`: `coa-immediate-update` reports it at once.
    pub(super) fn accounting_after_coa(&mut self, now: Instant, id: SubscriberId) {
        if self
            .accounting
            .get(id)
            .is_some_and(|a| a.coa_immediate_update)
        {
            self.send_interim(now, id);
        }
    }

    /// A Start or Interim-Update of an accounted subscriber, to its servers in the order
    /// `client-accounting-algorithm` gives; counted as sent, or failed when it cannot even be
    /// queued.
    fn send_accounting(
        &mut self,
        now: Instant,
        id: SubscriberId,
        instance: Option<&str>,
        request: Packet,
        kind: Kind,
    ) {
        let Some(accounted) = self.accounting.get(id) else {
            return;
        };
        let servers =
            self.aaa
                .server_order(Service::Accounting, accounted.algorithm, &accounted.servers);
        let request = (request, accounted.nas_address);
        let servers = servers.as_slice();
        self.accounting.stats.of(kind).sent += 1;
        let purpose = Purpose::Accounting { kind, stop: None };
        if self
            .aaa
            .start_with(now, id, servers, instance, request, purpose)
            .is_err()
        {
            self.accounting.stats.of(kind).failed += 1;
        }
    }

    /// The subscriber ended (its counters final): Stop, if it was accounted.
    pub(super) fn accounting_stop(
        &mut self,
        now: Instant,
        subscriber: &Subscriber,
        cause: EndCause,
    ) {
        let Some(accounted) = self.accounting.forget(subscriber.id) else {
            return;
        };
        let usage = Usage::of(subscriber, now);
        let servers =
            self.aaa
                .server_order(Service::Accounting, accounted.algorithm, &accounted.servers);
        let mut request = accounting::request(
            subscriber,
            accounted.user_name.as_deref(),
            Status::Stop(super::terminate_reason::terminate_cause(
                cause,
                &self.accounting.terminate_codes,
            )),
            Some(&usage),
            &accounted.carried,
            &accounted.nas_identifier,
        );
        super::radius_exclude::leave_out(&mut request, &accounted.excluded_from_stop);
        self.accounting.stats.stops.sent += 1;
        let stop = QueuedStop {
            subscriber: subscriber.id,
            due: now,
            attempts: 0,
            ended: now,
            servers,
            instance: accounted.instance,
            request,
            nas_address: accounted.nas_address,
        };
        self.send_stop(now, stop);
    }

    fn send_stop(&mut self, now: Instant, mut stop: QueuedStop) {
        stop.attempts += 1;
        let (id, servers) = (stop.subscriber, stop.servers.clone());
        let request = (stop.request.clone(), stop.nas_address);
        let instance = stop.instance.clone();
        let purpose = Purpose::Accounting {
            kind: Kind::Stop,
            stop: Some(Box::new(stop)),
        };
        if let Err(Purpose::Accounting {
            stop: Some(mut stop),
            ..
        }) = self
            .aaa
            .start_with(now, id, &servers, instance.as_deref(), request, purpose)
        {
            self.accounting.stats.stops.failed += 1;
            stop.due = now + STOP_RETRY_AFTER;
            self.accounting.requeue_stop(*stop);
        }
    }

    /// Interim-Updates and Stops sent again, when due.
    pub(super) fn accounting_timers(&mut self, now: Instant) {
        self.accounting_interims(now);
        for mut stop in self.accounting.due_stops(now) {
            set_delay(&mut stop.request, now.saturating_duration_since(stop.ended));
            self.send_stop(now, stop);
        }
    }

    /// An accounting request's fate: a Stop no server took waits for its next try; a
    /// Start's answer may call for an Interim-Update at once.
    pub(super) fn accounting_answered(
        &mut self,
        now: Instant,
        id: SubscriberId,
        kind: Kind,
        stop: Option<Box<QueuedStop>>,
        answer: &Answer,
    ) {
        // `immediate-update`: on the Start's answer, or its time-out, as Junos words it.
        if kind == Kind::Start && self.accounting.get(id).is_some_and(|a| a.immediate_update) {
            self.send_interim(now, id);
        }
        match answer {
            Answer::Reply { .. } => self.accounting.stats.of(kind).acknowledged += 1,
            Answer::Unanswered => {
                self.accounting.stats.of(kind).failed += 1;
                if let Some(mut stop) = stop {
                    stop.due = now + STOP_RETRY_AFTER;
                    self.accounting.requeue_stop(*stop);
                }
            }
        }
    }
}
