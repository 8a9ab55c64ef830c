//! A unit's `service-name-table` applied to the Service-Name of a PADI or PADR, with the
//! sessions each service holds (its `max-sessions`).
//!
//! Junos ("service (PPPoE)" statement page): every table holds an `empty` entry and an `any`
//! entry even when they are not configured; an entry's action defaults to `terminate`. The
//! entry that decides is the table's `lookup`: the exact name, else `empty` for the
//! zero-length name, else `any`. An `empty` that is not configured terminates (documented);
//! an `any` that is not configured drops, so a table of names is the list of services offered
//! (our reading: JunosE documents the same for a table of terminating services, MX does not
//! say).
//! Without a table every Service-Name is served.

use std::collections::BTreeMap;
use std::time::Duration;

use schema::typed::{PppoeService, ServiceAction, ServiceName, ServiceNameTable};

/// What a PADI's Service-Name gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Not in the table (and `any` is not configured): refused.
    NotOffered,
    /// `action drop`.
    Drop,
    /// The service's `max-sessions` is reached.
    Full,
    /// Answered, at once or after `delay`.
    Answer { delay: Option<Duration> },
}

#[derive(Debug, Default)]
pub struct ServicePolicy {
    table: Option<ServiceNameTable>,
    /// Sessions per deciding entry (only entries with `max-sessions` are limited, all counted).
    sessions: BTreeMap<ServiceName, usize>,
}

impl ServicePolicy {
    /// `sessions` are the Service-Names of the unit's sessions, counted again against the
    /// new table (a commit changes the table under live sessions).
    pub fn new<'s>(
        table: Option<ServiceNameTable>,
        sessions: impl IntoIterator<Item = &'s [u8]>,
    ) -> Self {
        let mut policy = Self {
            table,
            sessions: BTreeMap::new(),
        };
        for name in sessions {
            policy.session_added(name);
        }
        policy
    }

    pub fn verdict(&self, requested: &[u8]) -> Verdict {
        let Some(table) = &self.table else {
            return Verdict::Answer { delay: None };
        };
        let Some(entry) = entry(table, requested) else {
            // The implicit entries: `empty` terminates, `any` drops.
            return if requested.is_empty() {
                Verdict::Answer { delay: None }
            } else {
                Verdict::NotOffered
            };
        };
        let held = self.sessions.get(&entry.name).copied().unwrap_or(0);
        match entry.action {
            ServiceAction::Drop => Verdict::Drop,
            _ if entry.max_sessions.is_some_and(|max| held >= max as usize) => Verdict::Full,
            ServiceAction::Terminate => Verdict::Answer { delay: None },
            ServiceAction::Delay(seconds) => Verdict::Answer {
                delay: Some(Duration::from_secs(u64::from(seconds))),
            },
        }
    }

    /// The named services a PADO lists besides the one asked for (RFC 2516 §5.2): those the
    /// table answers. Without a table, none.
    pub fn offered(&self) -> impl Iterator<Item = &str> {
        self.table
            .iter()
            .flat_map(|table| table.services.iter())
            .filter(|s| s.action != ServiceAction::Drop)
            .filter_map(|s| match &s.name {
                ServiceName::Named(name) => Some(name.as_str()),
                ServiceName::Any | ServiceName::Empty => None,
            })
    }

    pub fn session_added(&mut self, requested: &[u8]) {
        if let Some(key) = self.key(requested) {
            *self.sessions.entry(key).or_default() += 1;
        }
    }

    pub fn session_removed(&mut self, requested: &[u8]) {
        if let Some(key) = self.key(requested) {
            if let Some(count) = self.sessions.get_mut(&key) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    self.sessions.remove(&key);
                }
            }
        }
    }

    /// Sessions held by the entry `name` (`show pppoe service-name-tables`).
    pub fn sessions_of(&self, name: &ServiceName) -> usize {
        self.sessions.get(name).copied().unwrap_or(0)
    }

    fn key(&self, requested: &[u8]) -> Option<ServiceName> {
        entry(self.table.as_ref()?, requested).map(|e| e.name.clone())
    }
}

/// The table's `lookup` on the octets of a Service-Name tag: a name that is not UTF-8 matches
/// no named entry, so only `any` can take it.
fn entry<'t>(table: &'t ServiceNameTable, requested: &[u8]) -> Option<&'t PppoeService> {
    match std::str::from_utf8(requested) {
        Ok(name) => table.lookup(name),
        Err(_) => table.services.iter().find(|s| s.name == ServiceName::Any),
    }
}
