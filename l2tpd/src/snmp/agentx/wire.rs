//! AgentX framing and the PDUs the subagent sends, in network byte order (the header flag
//! says so, RFC 2741 6.1).

use agentx::pdu::{Header, Type, NETWORK_BYTE_ORDER};

use crate::snmp::value::Value;

/// The fixed PDU header.
pub const HEADER_OCTETS: usize = 20;
/// PDUs above this are not read: a master has no reason to send one (a GetBulk of the
/// whole subtree is a few kilobytes), so it means a broken stream and the session is reset.
pub const MAX_PDU_OCTETS: usize = 256 * 1024;

/// Response error codes (RFC 2741 6.2.16; SNMP's own below 256).
pub const NO_ERROR: u16 = 0;
pub const GEN_ERR: u16 = 5;
pub const NOT_WRITABLE: u16 = 17;
pub const PARSE_ERROR: u16 = 266;
pub const PROCESSING_ERROR: u16 = 268;

/// The length of the whole PDU starting at `buf`, once its header is in; `Err` when the
/// header announces more than `MAX_PDU_OCTETS`.
pub fn pdu_length(buf: &[u8]) -> Result<Option<usize>, usize> {
    let Some(header) = buf.get(..HEADER_OCTETS) else {
        return Ok(None);
    };
    let big_endian = header[2] & (1 << NETWORK_BYTE_ORDER) != 0;
    let length = [header[16], header[17], header[18], header[19]];
    let payload = if big_endian {
        u32::from_be_bytes(length)
    } else {
        u32::from_le_bytes(length)
    } as usize;
    let total = HEADER_OCTETS.saturating_add(payload);
    if total > MAX_PDU_OCTETS {
        return Err(total);
    }
    Ok(Some(total))
}

/// One variable binding's value as the Response carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    Value(Value),
    NoSuchObject,
    NoSuchInstance,
    EndOfMibView,
}

/// A PDU header of ours: network byte order, the session's IDs.
pub fn header(ty: Type, session_id: u32, transaction_id: u32, packet_id: u32) -> Header {
    let mut header = Header::new(ty);
    header.flags = 1 << NETWORK_BYTE_ORDER;
    header.session_id = session_id;
    header.transaction_id = transaction_id;
    header.packet_id = packet_id;
    header
}

/// Prepends `header` (with the payload length filled in) to `payload`.
pub fn pdu(mut header: Header, payload: &[u8]) -> Vec<u8> {
    header.payload_length = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut out = header.to_bytes();
    out.extend_from_slice(payload);
    out
}

/// A Response PDU answering `request` (RFC 2741 6.2.16).
pub fn response(
    request: &Header,
    sys_up_time: u32,
    error: u16,
    index: u16,
    bindings: &[(Vec<u32>, Binding)],
) -> Vec<u8> {
    let mut payload = Vec::with_capacity(8 + bindings.len() * 64);
    payload.extend_from_slice(&sys_up_time.to_be_bytes());
    payload.extend_from_slice(&error.to_be_bytes());
    payload.extend_from_slice(&index.to_be_bytes());
    for (name, binding) in bindings {
        var_bind(&mut payload, name, binding);
    }
    let header = header(
        Type::Response,
        request.session_id,
        request.transaction_id,
        request.packet_id,
    );
    pdu(header, &payload)
}

/// An object identifier (RFC 2741 5.1), without the `prefix` shortcut. The view's OIDs
/// have far fewer than 128 sub-identifiers; a longer name is cut rather than mis-encoded.
pub fn object_identifier(out: &mut Vec<u8>, oid: &[u32], include: bool) {
    let oid = oid.get(..128).unwrap_or(oid);
    out.extend_from_slice(&[oid.len() as u8, 0, u8::from(include), 0]);
    for sub in oid {
        out.extend_from_slice(&sub.to_be_bytes());
    }
}

/// An octet string (RFC 2741 5.3): length, octets, padding to a multiple of 4.
pub fn octet_string(out: &mut Vec<u8>, octets: &[u8]) {
    out.extend_from_slice(
        &u32::try_from(octets.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    out.extend_from_slice(octets);
    out.resize(out.len() + (4 - octets.len() % 4) % 4, 0);
}

/// A variable binding (RFC 2741 5.4).
fn var_bind(out: &mut Vec<u8>, name: &[u32], binding: &Binding) {
    let ty: u16 = match binding {
        Binding::Value(Value::Integer(_)) => 2,
        Binding::Value(Value::OctetString(_)) => 4,
        Binding::Value(Value::IpAddress(_)) => 64,
        Binding::Value(Value::Counter32(_)) => 65,
        Binding::Value(Value::Gauge32(_) | Value::Unsigned32(_)) => 66,
        Binding::Value(Value::TimeTicks(_)) => 67,
        Binding::Value(Value::Counter64(_)) => 70,
        Binding::Value(Value::ObjectIdentifier(_)) => 6,
        Binding::NoSuchObject => 128,
        Binding::NoSuchInstance => 129,
        Binding::EndOfMibView => 130,
    };
    out.extend_from_slice(&ty.to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    object_identifier(out, name, false);
    match binding {
        Binding::Value(Value::Integer(v)) => out.extend_from_slice(&v.to_be_bytes()),
        Binding::Value(Value::OctetString(v)) => octet_string(out, v),
        Binding::Value(Value::IpAddress(v)) => octet_string(out, v),
        Binding::Value(
            Value::Counter32(v) | Value::Gauge32(v) | Value::Unsigned32(v) | Value::TimeTicks(v),
        ) => out.extend_from_slice(&v.to_be_bytes()),
        Binding::Value(Value::Counter64(v)) => out.extend_from_slice(&v.to_be_bytes()),
        Binding::Value(Value::ObjectIdentifier(v)) => object_identifier(out, v, false),
        Binding::NoSuchObject | Binding::NoSuchInstance | Binding::EndOfMibView => {}
    }
}

/// The error status of a Response the master sent us (after its header).
pub fn response_error(pdu: &[u8]) -> Option<u16> {
    let status = pdu.get(HEADER_OCTETS + 4..HEADER_OCTETS + 6)?;
    let big_endian = pdu.get(2)? & (1 << NETWORK_BYTE_ORDER) != 0;
    let status = [status[0], status[1]];
    Some(if big_endian {
        u16::from_be_bytes(status)
    } else {
        u16::from_le_bytes(status)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octet_strings_are_padded_and_binary_safe() {
        let mut out = Vec::new();
        octet_string(&mut out, &[0x07, 0xea, 0xff]);
        assert_eq!(out, [0, 0, 0, 3, 0x07, 0xea, 0xff, 0]);
    }

    #[test]
    fn a_response_round_trips_through_the_crate_header() {
        let request = header(Type::Get, 7, 8, 9);
        let bytes = response(
            &request,
            100,
            NO_ERROR,
            0,
            &[(vec![1, 3, 6, 1], Binding::Value(Value::Counter64(5)))],
        );
        let parsed = Header::from_bytes(&bytes).expect("header");
        assert_eq!(parsed.ty, Type::Response);
        assert_eq!(
            (parsed.session_id, parsed.transaction_id, parsed.packet_id),
            (7, 8, 9)
        );
        assert_eq!(pdu_length(&bytes), Ok(Some(bytes.len())));
        assert_eq!(response_error(&bytes), Some(NO_ERROR));
        // sysUpTime, error, index, then type 70 (Counter64), the 4-arc name, the value.
        assert_eq!(bytes.len(), 20 + 8 + 4 + 4 + 16 + 8);
    }

    #[test]
    fn framing_waits_for_a_header_and_refuses_giants() {
        assert_eq!(pdu_length(&[1, 2, 3]), Ok(None));
        let mut giant = header(Type::Get, 0, 0, 0);
        giant.payload_length = u32::MAX;
        assert!(pdu_length(&giant.to_bytes()).is_err());
    }
}
