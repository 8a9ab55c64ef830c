//! What the tunnel adds to hide a message's sensitive AVPs (RFC 2661 §4.3) when it has a
//! secret: a fresh Random Vector and random padding.

use rand::RngCore;

use crate::l2tp::wire::ControlMessageBuilder;

/// Random Vector length: RFC 2661 leaves it open; 16 octets match the MD5 block, and a fresh
/// one per message keeps two messages from sharing a keystream.
const RANDOM_VECTOR_LEN: usize = 16;

/// The hidden value (2-octet Original Length, value, padding) is padded to a whole number of
/// these, so an observer learns a password's length only to within this many octets.
const PADDED_BLOCK: usize = 16;

/// Makes `builder`'s sensitive AVPs ready to be emitted hidden with the tunnel secret.
pub(super) fn prepare(
    builder: &ControlMessageBuilder,
    rng: &mut impl RngCore,
) -> ControlMessageBuilder {
    if !builder.has_sensitive() {
        return builder.clone();
    }
    let mut random_vector = vec![0u8; RANDOM_VECTOR_LEN];
    rng.fill_bytes(&mut random_vector);
    builder.clone().hide_sensitive(random_vector, |value_len| {
        let mut padding = vec![0u8; padding_len(value_len)];
        rng.fill_bytes(&mut padding);
        padding
    })
}

fn padding_len(value_len: usize) -> usize {
    let hidden_len = 2 + value_len;
    (PADDED_BLOCK - hidden_len % PADDED_BLOCK) % PADDED_BLOCK
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::l2tp::wire::{Avp, ControlHeader, ControlMessage, MessageType};
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn padding_fills_the_last_block() {
        assert_eq!(padding_len(0), 14);
        assert_eq!(padding_len(8), 6);
        assert_eq!(padding_len(14), 0);
        assert_eq!(padding_len(15), 15);
        for len in 0..100 {
            assert_eq!((2 + len + padding_len(len)) % PADDED_BLOCK, 0);
        }
    }

    #[test]
    fn each_message_gets_its_own_random_vector() {
        let builder = ControlMessageBuilder::new(MessageType::ICCN)
            .sensitive_avp(Avp::ProxyAuthenResponse(b"pw".to_vec()));
        let mut rng = StdRng::seed_from_u64(3);
        let vectors: Vec<Option<Avp>> = (0..2)
            .map(|_| {
                let bytes = prepare(&builder, &mut rng)
                    .emit(ControlHeader::default(), Some(b"secret"))
                    .expect("fits");
                let msg = ControlMessage::parse(&bytes, Some(b"secret")).expect("valid");
                assert_eq!(
                    msg.avps.last(),
                    Some(&Avp::ProxyAuthenResponse(b"pw".to_vec()))
                );
                msg.avps.first().cloned()
            })
            .collect();
        assert!(matches!(&vectors[0], Some(Avp::RandomVector(rv)) if rv.len() == 16));
        assert_ne!(vectors[0], vectors[1]);
    }

    #[test]
    fn a_message_without_sensitive_avps_is_left_alone() {
        let builder = ControlMessageBuilder::new(MessageType::CDN).avp(Avp::AssignedSessionId(1));
        assert_eq!(prepare(&builder, &mut StdRng::seed_from_u64(1)), builder);
    }
}
