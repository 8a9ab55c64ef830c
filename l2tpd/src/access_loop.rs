//! The access-loop characteristics of a subscriber's line (its DSL rates, interleaving delays
//! and encapsulation), as a PPPoE intermediate agent reports them and as they travel on:
//! one set of sub-option numbers, three codings.
//!
//! | Sub-option | What | PPPoE tag (TR-101 §3.9.3) | RADIUS VSA 26-3561-N (RFC 4679) | L2TP AVP 3561:N (RFC 5515) |
//! |---|---|---|---|---|
//! | 0x81–0x8A | data rates | 4 octets, kbit/s | 4 octets, bit/s | 8 octets, bit/s |
//! | 0x8B–0x8E | interleaving delays | 4 octets, ms | 4 octets, ms | 4 octets, ms |
//! | 0x90 | Access-Loop-Encapsulation | 3 octets | 3 octets | 3 octets |
//!
//! The rates are kept in bit/s as u64 (the widest coding); a RADIUS integer above 4,294,967,295
//! bit/s is sent as that maximum. Sub-options outside the table (the ANCP DSL type 0x91, the
//! PON rates of later drafts, IWF-Session) are stepped over.

/// Sub-option / attribute numbers of the data rates, in TR-101's order (RFC 4679 §3.4–3.13).
pub const ACTUAL_RATE_UP: u8 = 0x81;
pub const ACTUAL_RATE_DOWN: u8 = 0x82;
pub const MINIMUM_RATE_UP: u8 = 0x83;
pub const MINIMUM_RATE_DOWN: u8 = 0x84;
pub const ATTAINABLE_RATE_UP: u8 = 0x85;
pub const ATTAINABLE_RATE_DOWN: u8 = 0x86;
pub const MAXIMUM_RATE_UP: u8 = 0x87;
pub const MAXIMUM_RATE_DOWN: u8 = 0x88;
pub const MINIMUM_LOW_POWER_RATE_UP: u8 = 0x89;
pub const MINIMUM_LOW_POWER_RATE_DOWN: u8 = 0x8A;
/// Interleaving delays, milliseconds (RFC 4679 §3.14–3.17).
pub const MAXIMUM_DELAY_UP: u8 = 0x8B;
pub const ACTUAL_DELAY_UP: u8 = 0x8C;
pub const MAXIMUM_DELAY_DOWN: u8 = 0x8D;
pub const ACTUAL_DELAY_DOWN: u8 = 0x8E;
/// Access-Loop-Encapsulation (RFC 4679 §3.18): data link, encapsulation 1, encapsulation 2.
pub const ENCAPSULATION: u8 = 0x90;

const FIRST_RATE: u8 = ACTUAL_RATE_UP;
const RATES: usize = 10;
const FIRST_DELAY: u8 = MAXIMUM_DELAY_UP;
const DELAYS: usize = 4;

/// How a protocol writes the characteristics (the table above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// The intermediate agent's tag: rates as 4-octet kbit/s.
    PppoeTag,
    /// DSL Forum VSAs: rates as 4-octet bit/s.
    Radius,
    /// RFC 5515 AVPs: rates as 8-octet bit/s.
    L2tp,
}

/// One characteristic, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Characteristic {
    /// Bits per second.
    Rate(u64),
    /// Milliseconds.
    Delay(u32),
    Encapsulation([u8; 3]),
}

/// What a sub-option said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    Known(Characteristic),
    /// One of the table's numbers with a value of the wrong length.
    Malformed,
    /// Not in the table: stepped over.
    Other,
}

/// The characteristics the agent gave (each `None` when it did not). Boxed, and absent for
/// the many lines without any: every subscriber carries one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AccessLoop {
    values: Option<Box<Values>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Values {
    /// Bit/s, by sub-option number from 0x81.
    rates: [Option<u64>; RATES],
    /// Milliseconds, by sub-option number from 0x8B.
    delays: [Option<u32>; DELAYS],
    encapsulation: Option<[u8; 3]>,
}

impl AccessLoop {
    /// No characteristic given (`Default`, usable in a `const` / `static`).
    pub const NONE: AccessLoop = AccessLoop { values: None };

    pub fn is_empty(&self) -> bool {
        self.values.is_none()
    }

    /// Actual-Data-Rate-Upstream, bit/s.
    pub fn actual_up(&self) -> Option<u64> {
        self.values.as_ref()?.rates[0]
    }

    /// Actual-Data-Rate-Downstream, bit/s.
    pub fn actual_down(&self) -> Option<u64> {
        self.values.as_ref()?.rates[1]
    }

    /// The characteristic numbered `kind`, if the agent gave it.
    pub fn get(&self, kind: u8) -> Option<Characteristic> {
        let values = self.values.as_ref()?;
        if let Some(i) = rate_index(kind) {
            return values.rates[i].map(Characteristic::Rate);
        }
        if let Some(i) = delay_index(kind) {
            return values.delays[i].map(Characteristic::Delay);
        }
        (kind == ENCAPSULATION)
            .then_some(values.encapsulation)
            .flatten()
            .map(Characteristic::Encapsulation)
    }

    /// Sets characteristic `kind`; false (and nothing set) when `value` is not of its kind.
    pub fn set(&mut self, kind: u8, value: Characteristic) -> bool {
        let fits = match value {
            Characteristic::Rate(_) => rate_index(kind).is_some(),
            Characteristic::Delay(_) => delay_index(kind).is_some(),
            Characteristic::Encapsulation(_) => kind == ENCAPSULATION,
        };
        if !fits {
            return false;
        }
        let values = self.values.get_or_insert_with(Box::default);
        match value {
            Characteristic::Rate(v) => rate_index(kind).map(|i| values.rates[i] = Some(v)),
            Characteristic::Delay(v) => delay_index(kind).map(|i| values.delays[i] = Some(v)),
            Characteristic::Encapsulation(v) => {
                values.encapsulation = Some(v);
                Some(())
            }
        }
        .is_some()
    }

    /// Every characteristic given, in sub-option order.
    pub fn entries(&self) -> impl Iterator<Item = (u8, Characteristic)> + '_ {
        all_kinds().filter_map(|kind| self.get(kind).map(|c| (kind, c)))
    }
}

/// The table's sub-option numbers, in order.
pub fn all_kinds() -> impl Iterator<Item = u8> {
    (FIRST_RATE..FIRST_DELAY + DELAYS as u8).chain([ENCAPSULATION])
}

fn rate_index(kind: u8) -> Option<usize> {
    let i = usize::from(kind.checked_sub(FIRST_RATE)?);
    (i < RATES).then_some(i)
}

fn delay_index(kind: u8) -> Option<usize> {
    let i = usize::from(kind.checked_sub(FIRST_DELAY)?);
    (i < DELAYS).then_some(i)
}

/// The value of sub-option `kind` as `coding` writes it.
pub fn decode(kind: u8, value: &[u8], coding: Coding) -> Decoded {
    let known = if rate_index(kind).is_some() {
        match (coding, value) {
            (Coding::PppoeTag, [a, b, c, d]) => Some(Characteristic::Rate(
                u64::from(u32::from_be_bytes([*a, *b, *c, *d])) * 1000,
            )),
            (Coding::Radius, [a, b, c, d]) => {
                Some(Characteristic::Rate(u64::from(u32::from_be_bytes([
                    *a, *b, *c, *d,
                ]))))
            }
            (Coding::L2tp, v) => <[u8; 8]>::try_from(v)
                .ok()
                .map(|v| Characteristic::Rate(u64::from_be_bytes(v))),
            _ => None,
        }
    } else if delay_index(kind).is_some() {
        <[u8; 4]>::try_from(value)
            .ok()
            .map(|v| Characteristic::Delay(u32::from_be_bytes(v)))
    } else if kind == ENCAPSULATION {
        <[u8; 3]>::try_from(value)
            .ok()
            .map(Characteristic::Encapsulation)
    } else {
        return Decoded::Other;
    };
    known.map_or(Decoded::Malformed, Decoded::Known)
}

/// The value of a characteristic as `coding` writes it (a rate that does not fit saturates).
pub fn encode(value: Characteristic, coding: Coding) -> Vec<u8> {
    let saturated = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    match (value, coding) {
        (Characteristic::Rate(bps), Coding::PppoeTag) => {
            saturated(bps / 1000).to_be_bytes().to_vec()
        }
        (Characteristic::Rate(bps), Coding::Radius) => saturated(bps).to_be_bytes().to_vec(),
        (Characteristic::Rate(bps), Coding::L2tp) => bps.to_be_bytes().to_vec(),
        (Characteristic::Delay(ms), _) => ms.to_be_bytes().to_vec(),
        (Characteristic::Encapsulation(e), _) => e.to_vec(),
    }
}

#[cfg(test)]
#[path = "access_loop_tests.rs"]
mod tests;
