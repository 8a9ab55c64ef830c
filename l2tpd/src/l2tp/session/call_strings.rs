//! A call's own byte strings (Calling Number, the access line's agent IDs, ...) in one
//! allocation.
//!
//! They were six `Option<Vec<u8>>` fields of `CallInfo`, 144 octets of the session entry, and
//! a teardown's drop of the call read each one's capacity (the entry's cache lines one after
//! another) and freed each present one separately: at 65,000 sessions the call's drop was
//! the largest source of cache misses in a teardown (issue 15, item 4; docs/performance.md,
//! stage h87). Here they are one boxed slice: the drop reads two words and frees at most one
//! block, and a call with none of them allocates nothing.

use std::fmt;

/// The byte strings a call may carry, in the order they are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallString {
    /// Calling Number (AVP 22).
    CallingNumber,
    /// Called Number (AVP 21).
    CalledNumber,
    /// Sub-Address (AVP 23).
    SubAddress,
    /// RFC 5515 §3.1 Agent-Circuit-Id.
    AgentCircuitId,
    /// RFC 5515 §3.2 Agent-Remote-Id.
    AgentRemoteId,
    /// Private Group ID (AVP 37).
    PrivateGroupId,
}

impl CallString {
    const ALL: [Self; FIELDS] = [
        Self::CallingNumber,
        Self::CalledNumber,
        Self::SubAddress,
        Self::AgentCircuitId,
        Self::AgentRemoteId,
        Self::PrivateGroupId,
    ];
}

const FIELDS: usize = 6;

/// Each string present or absent (present may be empty), as `Option<&[u8]>` per field.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CallStrings {
    /// The present strings one after another, in `CallString` order: built once, exactly
    /// sized, so equal contents are equal values.
    bytes: Box<[u8]>,
    /// Where each string ends in `bytes`; an absent one ends where the one before it does.
    ends: [u32; FIELDS],
    /// Bit `i`: field `i` is present.
    present: u8,
}

impl CallStrings {
    /// `fields[i]` is the value of `CallString::ALL[i]`. `None` if together they exceed
    /// 4 GiB (no AVP carries more than 1,017 octets, so no peer or user can reach this).
    fn build(fields: [Option<&[u8]>; FIELDS]) -> Option<Self> {
        let total: usize = fields.iter().flatten().map(|s| s.len()).sum();
        u32::try_from(total).ok()?;
        let mut bytes = Vec::with_capacity(total);
        let mut ends = [0; FIELDS];
        let mut present = 0;
        for (i, field) in fields.iter().enumerate() {
            if let Some(value) = field {
                bytes.extend_from_slice(value);
                present |= 1 << i;
            }
            ends[i] = u32::try_from(bytes.len()).ok()?;
        }
        Some(Self {
            bytes: bytes.into_boxed_slice(),
            ends,
            present,
        })
    }

    pub fn get(&self, field: CallString) -> Option<&[u8]> {
        let i = field as usize;
        if self.present & (1 << i) == 0 {
            return None;
        }
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before]);
        self.bytes.get(start as usize..self.ends[i] as usize)
    }

    /// Replaces one string (`None` removes it). Left as it was if the strings would exceed
    /// 4 GiB together (see `build`).
    pub fn set(&mut self, field: CallString, value: Option<&[u8]>) {
        let fields = CallString::ALL.map(|f| if f == field { value } else { self.get(f) });
        if let Some(rebuilt) = Self::build(fields) {
            *self = rebuilt;
        }
    }

    /// Removes every string of `fields` in one rebuild (none when none of them is present).
    pub fn remove(&mut self, fields: &[CallString]) {
        if fields.iter().all(|&f| self.get(f).is_none()) {
            return;
        }
        let kept = CallString::ALL.map(|f| match fields.contains(&f) {
            true => None,
            false => self.get(f),
        });
        if let Some(rebuilt) = Self::build(kept) {
            *self = rebuilt;
        }
    }

    /// These strings with `field` set to `value`: for building a call in one expression.
    pub fn with(mut self, field: CallString, value: &[u8]) -> Self {
        self.set(field, Some(value));
        self
    }

    /// Many strings at once, in one allocation; a field not named is absent, one named
    /// twice takes its last value.
    pub fn from_fields(fields: &[(CallString, Option<&[u8]>)]) -> Self {
        let mut values = [None; FIELDS];
        for &(field, value) in fields {
            values[field as usize] = value;
        }
        Self::build(values).unwrap_or_default()
    }
}

impl fmt::Debug for CallStrings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(CallString::ALL.iter().filter_map(|&field| {
                let value = self.get(field)?;
                Some((field, String::from_utf8_lossy(value)))
            }))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn field() -> impl Strategy<Value = CallString> {
        (0..FIELDS).prop_map(|i| CallString::ALL[i])
    }

    proptest! {
        /// Any sequence of sets reads back as six independent `Option<Vec<u8>>` would, and
        /// equal contents compare equal whatever order they were set in.
        #[test]
        fn behaves_as_six_options(
            ops in proptest::collection::vec(
                (field(), proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8))),
                0..40,
            )
        ) {
            let mut strings = CallStrings::default();
            let mut model: [Option<Vec<u8>>; FIELDS] = Default::default();
            for (field, value) in ops {
                strings.set(field, value.as_deref());
                model[field as usize] = value;
                for f in CallString::ALL {
                    prop_assert_eq!(strings.get(f), model[f as usize].as_deref());
                }
            }
            let rebuilt = CallStrings::from_fields(
                &CallString::ALL.map(|f| (f, model[f as usize].as_deref())),
            );
            prop_assert_eq!(rebuilt, strings);
        }
    }

    proptest! {
        /// Removing several strings at once is setting each of them to `None`.
        #[test]
        fn remove_is_setting_each_to_none(
            initial in proptest::collection::vec(
                (field(), proptest::option::of(proptest::collection::vec(any::<u8>(), 0..8))),
                0..12,
            ),
            removed in proptest::collection::vec(field(), 0..4),
        ) {
            let mut strings = CallStrings::default();
            for (field, value) in &initial {
                strings.set(*field, value.as_deref());
            }
            let mut one_by_one = strings.clone();
            for &field in &removed {
                one_by_one.set(field, None);
            }
            strings.remove(&removed);
            prop_assert_eq!(strings, one_by_one);
        }
    }

    #[test]
    fn present_and_empty_is_not_absent() {
        let strings = CallStrings::default().with(CallString::SubAddress, b"");
        assert_eq!(strings.get(CallString::SubAddress), Some(&b""[..]));
        assert_eq!(strings.get(CallString::CalledNumber), None);
        assert_ne!(strings, CallStrings::default());
        assert_eq!(format!("{strings:?}"), r#"{SubAddress: ""}"#);
    }
}
