//! Values as SNMP types them, independent of the BER codec so the AgentX path can reuse
//! the view.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One instance value, typed as the MIB's SYNTAX (after textual conventions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Integer(i32),
    OctetString(Vec<u8>),
    IpAddress([u8; 4]),
    Counter32(u32),
    Gauge32(u32),
    /// Unsigned32 shares Gauge32's wire tag; kept apart so tests can check the SYNTAX.
    Unsigned32(u32),
    TimeTicks(u32),
    Counter64(u64),
    /// The arcs of an OBJECT IDENTIFIER value (sysObjectID).
    ObjectIdentifier(Vec<u32>),
}

impl Value {
    /// Counter32 of a 64-bit count: Counter32 wraps at 2^32 (RFC 2578 7.1.6), so the low 32
    /// bits are the right reading.
    pub fn counter32(count: u64) -> Self {
        Value::Counter32(count as u32)
    }

    /// Gauge32 latches at its maximum instead of wrapping (RFC 2578 7.1.7).
    pub fn gauge32(value: u64) -> Self {
        Value::Gauge32(u32::try_from(value).unwrap_or(u32::MAX))
    }

    pub fn string(text: &str) -> Self {
        Value::OctetString(text.as_bytes().to_vec())
    }

    /// TimeTicks count hundredths of a second and saturate (about 497 days).
    pub fn time_ticks(elapsed: Duration) -> Self {
        Value::TimeTicks(u32::try_from(elapsed.as_millis() / 10).unwrap_or(u32::MAX))
    }

    pub fn truth(on: bool) -> Self {
        // The MIB's "off(1), on(2)" style enumerations.
        Value::Integer(if on { 2 } else { 1 })
    }
}

/// InetAddressType (RFC 4001): unknown(0), ipv4(1), ipv6(2).
pub fn inet_address_type(address: Option<IpAddr>) -> Value {
    Value::Integer(match address {
        None => 0,
        Some(IpAddr::V4(_)) => 1,
        Some(IpAddr::V6(_)) => 2,
    })
}

/// InetAddress (RFC 4001): the address octets in network order, empty for unknown(0).
pub fn inet_address(address: Option<IpAddr>) -> Value {
    Value::OctetString(match address {
        None => Vec::new(),
        Some(IpAddr::V4(a)) => a.octets().to_vec(),
        Some(IpAddr::V6(a)) => a.octets().to_vec(),
    })
}

/// DateAndTime (RFC 2579) in UTC, the 11-octet form with "+0:0" so managers do not take
/// it for local time. Times before 1970 or after year 65535 are clamped.
pub fn date_and_time(at: SystemTime) -> Value {
    let since_epoch = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    let days = seconds / 86_400;
    let of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let year = u16::try_from(year).unwrap_or(u16::MAX).to_be_bytes();
    let deci = (since_epoch.subsec_millis() / 100) as u8;
    Value::OctetString(vec![
        year[0],
        year[1],
        month,
        day,
        (of_day / 3600) as u8,
        (of_day % 3600 / 60) as u8,
        (of_day % 60) as u8,
        deci,
        b'+',
        0,
        0,
    ])
}

/// Gregorian (year, month, day) of a count of days since 1970-01-01, by counting whole
/// 400-year eras (146097 days each) and then years within the era starting in March, so
/// the leap day falls at the end of the counted year.
fn civil_from_days(days: u64) -> (u64, u8, u8) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u8;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u8;
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(20_818), (2026, 12, 31));
    }

    #[test]
    fn date_and_time_octets() {
        // 2026-11-25 07:50:49.3 UTC
        let at = UNIX_EPOCH + Duration::from_millis(1_795_593_049_300);
        assert_eq!(
            date_and_time(at),
            Value::OctetString(vec![0x07, 0xEA, 11, 25, 7, 50, 49, 3, b'+', 0, 0])
        );
    }

    #[test]
    fn counters_wrap_and_gauges_latch() {
        assert_eq!(Value::counter32((1 << 32) + 5), Value::Counter32(5));
        assert_eq!(Value::gauge32(1 << 40), Value::Gauge32(u32::MAX));
        assert_eq!(
            Value::time_ticks(Duration::from_secs(3)),
            Value::TimeTicks(300)
        );
    }
}
