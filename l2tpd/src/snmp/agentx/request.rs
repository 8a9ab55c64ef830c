//! The master's Get, GetNext and GetBulk PDUs read straight into sub-identifiers
//! (RFC 2741 6.2.5-6.2.7). The `agentx` crate's parser keeps OIDs in a form whose only
//! way out is text, so reading them cost a format and a parse per varbind; this reader
//! costs one vector per OID and never panics on what the master sends.

use agentx::pdu::NETWORK_BYTE_ORDER;

use super::wire::HEADER_OCTETS;

/// Header flag NON_DEFAULT_CONTEXT (RFC 2741 6.1): an octet string follows the header.
const NON_DEFAULT_CONTEXT: u8 = 1 << 3;
/// PDU types (RFC 2741 6.1).
const GET: u8 = 5;
const GET_NEXT: u8 = 6;
const GET_BULK: u8 = 7;

/// One SearchRange (RFC 2741 5.2): names in [start, end), start itself only when
/// `include` is set; an empty `end` means no bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub start: Vec<u32>,
    pub include: bool,
    pub end: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Get,
    GetNext,
    GetBulk {
        non_repeaters: u16,
        max_repetitions: u16,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub kind: Kind,
    pub ranges: Vec<Range>,
}

/// Why a request could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// Reads the payload of one whole PDU (header included) of type Get, GetNext or GetBulk;
/// `None` for any other type.
pub fn parse(pdu: &[u8]) -> Option<Result<Request, Malformed>> {
    let header = pdu.get(..HEADER_OCTETS)?;
    let (ty, flags) = (header[1], header[2]);
    if !matches!(ty, GET | GET_NEXT | GET_BULK) {
        return None;
    }
    Some(parse_payload(pdu, ty, flags))
}

fn parse_payload(pdu: &[u8], ty: u8, flags: u8) -> Result<Request, Malformed> {
    let mut r = Reader {
        buf: pdu.get(HEADER_OCTETS..).ok_or(Malformed)?,
        big_endian: flags & (1 << NETWORK_BYTE_ORDER) != 0,
    };
    // Bound the reader to the payload the header announces: what follows is not ours.
    let announced = r.u32_at(pdu.get(16..20).ok_or(Malformed)?)? as usize;
    r.buf = r.buf.get(..announced).ok_or(Malformed)?;
    if flags & NON_DEFAULT_CONTEXT != 0 {
        // The MIB is served in the default context only; a context is read past (as the
        // crate did) and the request answered from the one view.
        let length = r.u32()? as usize;
        r.skip(length.checked_add(3).ok_or(Malformed)? / 4 * 4)?;
    }
    let kind = match ty {
        GET => Kind::Get,
        GET_NEXT => Kind::GetNext,
        _ => Kind::GetBulk {
            non_repeaters: r.u16()?,
            max_repetitions: r.u16()?,
        },
    };
    let mut ranges = Vec::new();
    while !r.buf.is_empty() {
        let (start, include) = r.oid()?;
        let (end, _) = r.oid()?;
        ranges.push(Range {
            start,
            include,
            end,
        });
    }
    Ok(Request { kind, ranges })
}

struct Reader<'a> {
    buf: &'a [u8],
    big_endian: bool,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        let (head, rest) = self.buf.split_first_chunk::<N>().ok_or(Malformed)?;
        self.buf = rest;
        Ok(*head)
    }

    fn skip(&mut self, n: usize) -> Result<(), Malformed> {
        self.buf = self.buf.get(n..).ok_or(Malformed)?;
        Ok(())
    }

    fn u16(&mut self) -> Result<u16, Malformed> {
        let b = self.take::<2>()?;
        Ok(if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    fn u32(&mut self) -> Result<u32, Malformed> {
        let b = self.take::<4>()?;
        Ok(self.word(b))
    }

    fn u32_at(&self, b: &[u8]) -> Result<u32, Malformed> {
        Ok(self.word(b.try_into().map_err(|_| Malformed)?))
    }

    fn word(&self, b: [u8; 4]) -> u32 {
        if self.big_endian {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        }
    }

    /// An Object Identifier (RFC 2741 5.1): a non-zero prefix stands for 1.3.6.1.prefix.
    fn oid(&mut self) -> Result<(Vec<u32>, bool), Malformed> {
        let [n_subid, prefix, include, _reserved] = self.take::<4>()?;
        let mut oid = Vec::with_capacity(usize::from(n_subid) + 5);
        if prefix != 0 {
            oid.extend_from_slice(&[1, 3, 6, 1, u32::from(prefix)]);
        }
        for _ in 0..n_subid {
            oid.push(self.u32()?);
        }
        Ok((oid, include != 0))
    }
}

#[cfg(test)]
mod tests {
    use agentx::encodings::{SearchRange, SearchRangeList, ID};
    use agentx::pdu::{GetBulk, GetNext, Header, Type};

    use super::*;

    fn id(oid: &[u32], include: bool) -> ID {
        let mut id = ID::try_from(oid.to_vec()).expect("oid");
        id.include = u8::from(include);
        id
    }

    #[test]
    fn reads_what_the_crate_writes_in_either_byte_order() {
        let ranges = vec![
            SearchRange::new(id(&[1, 3, 6, 1, 4, 1, 2636, 3], true), id(&[], false)),
            SearchRange::new(
                id(&[1, 3, 6, 1, 4, 1, 2636, 3, 9], false),
                id(&[1, 4], false),
            ),
        ];
        for flags in [0, 1 << NETWORK_BYTE_ORDER] {
            let mut bulk = GetBulk::new(SearchRangeList(ranges.clone()));
            bulk.header = Header::new(Type::GetBulk);
            bulk.header.flags = flags;
            bulk.non_repeaters = 1;
            bulk.max_repetitions = 300;
            let bytes = bulk.to_bytes().expect("encode");
            let request = parse(&bytes).expect("a request").expect("parses");
            assert_eq!(
                request.kind,
                Kind::GetBulk {
                    non_repeaters: 1,
                    max_repetitions: 300
                }
            );
            // The crate writes 1.3.6.1.4.… with prefix 4; it reads back whole.
            assert_eq!(
                request.ranges,
                vec![
                    Range {
                        start: vec![1, 3, 6, 1, 4, 1, 2636, 3],
                        include: true,
                        end: vec![]
                    },
                    Range {
                        start: vec![1, 3, 6, 1, 4, 1, 2636, 3, 9],
                        include: false,
                        end: vec![1, 4]
                    },
                ]
            );
        }
    }

    #[test]
    fn other_pdus_are_not_requests_and_short_ones_are_malformed() {
        let mut next = GetNext::new(SearchRangeList(vec![SearchRange::new(
            id(&[1, 3, 6, 1, 4, 1, 2636], false),
            id(&[], false),
        )]));
        next.header = Header::new(Type::GetNext);
        let bytes = next.to_bytes().expect("encode");
        assert_eq!(
            parse(&bytes).map(|r| r.map(|r| r.kind)),
            Some(Ok(Kind::GetNext))
        );
        // Every truncation of a request is refused, never a panic.
        for cut in HEADER_OCTETS..bytes.len() {
            assert_eq!(parse(&bytes[..cut]), Some(Err(Malformed)), "cut at {cut}");
        }
        assert_eq!(parse(&bytes[..HEADER_OCTETS - 1]), None);
        let ping = Header::new(Type::Ping).to_bytes();
        assert_eq!(parse(&ping), None);
    }

    #[test]
    fn a_lying_length_or_sub_identifier_count_is_malformed() {
        let mut bytes = Header::new(Type::GetNext).to_bytes();
        // 255 sub-identifiers announced, none present.
        bytes.extend_from_slice(&[255, 0, 0, 0]);
        bytes[16..20].copy_from_slice(&4u32.to_le_bytes());
        assert_eq!(parse(&bytes), Some(Err(Malformed)));
        bytes[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(parse(&bytes), Some(Err(Malformed)));
    }
}
