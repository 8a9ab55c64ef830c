//! Hidden AVPs (RFC 2661 §4.3): the value is prefixed with its 2-octet Original Length,
//! optionally padded, and XORed with an MD5 keystream:
//!
//! ```text
//! b(1) = MD5(attribute type ‖ secret ‖ random vector)   c(1) = p(1) ⊕ b(1)
//! b(i) = MD5(secret ‖ c(i-1))                           c(i) = p(i) ⊕ b(i)
//! ```
//!
//! over 16-octet blocks, the last one possibly short. The random vector is the value of the
//! most recent Random Vector AVP before the hidden AVP in the same message.

use md5::{Digest, Md5};

use super::error::WireError;

const BLOCK: usize = 16;

/// Returns the hidden value of `value` for attribute `attribute_type`: the Original Length,
/// `value`, then `padding` (which the caller fills with random octets to mask the length, or
/// leaves empty), all XORed with the keystream.
pub fn hide(
    attribute_type: u16,
    secret: &[u8],
    random_vector: &[u8],
    value: &[u8],
    padding: &[u8],
) -> Result<Vec<u8>, WireError> {
    let original_len = u16::try_from(value.len()).map_err(|_| WireError::AvpTooLong {
        attribute: attribute_type,
        len: value.len(),
    })?;
    let mut data = Vec::with_capacity(2 + value.len() + padding.len());
    data.extend_from_slice(&original_len.to_be_bytes());
    data.extend_from_slice(value);
    data.extend_from_slice(padding);
    let mut key = first_key(attribute_type, secret, random_vector);
    for chunk in data.chunks_mut(BLOCK) {
        for (byte, k) in chunk.iter_mut().zip(key.iter()) {
            *byte ^= k;
        }
        key = next_key(secret, chunk);
    }
    Ok(data)
}

/// Recovers the original value of a hidden AVP.
pub fn unhide(
    attribute_type: u16,
    secret: &[u8],
    random_vector: &[u8],
    hidden: &[u8],
) -> Result<Vec<u8>, WireError> {
    let mut data = Vec::with_capacity(hidden.len());
    let mut key = first_key(attribute_type, secret, random_vector);
    for chunk in hidden.chunks(BLOCK) {
        data.extend(chunk.iter().zip(key.iter()).map(|(c, k)| c ^ k));
        // The next key chains on the ciphertext, so it is computed before the plaintext is used.
        key = next_key(secret, chunk);
    }
    let bad = WireError::HiddenLength {
        attribute: attribute_type,
    };
    let original_len = match data.get(..2) {
        Some([hi, lo]) => usize::from(u16::from_be_bytes([*hi, *lo])),
        _ => return Err(bad),
    };
    data.get(2..2 + original_len).map(<[u8]>::to_vec).ok_or(bad)
}

fn first_key(attribute_type: u16, secret: &[u8], random_vector: &[u8]) -> [u8; BLOCK] {
    let mut md5 = Md5::new();
    md5.update(attribute_type.to_be_bytes());
    md5.update(secret);
    md5.update(random_vector);
    md5.finalize().into()
}

fn next_key(secret: &[u8], previous_cipher_block: &[u8]) -> [u8; BLOCK] {
    let mut md5 = Md5::new();
    md5.update(secret);
    md5.update(previous_cipher_block);
    md5.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A second, deliberately plain implementation of §4.3: whole blocks with index arithmetic,
    /// one MD5 call per block over a concatenated buffer. It shares no code with `hide`.
    fn reference_hide(attr: u16, secret: &[u8], rv: &[u8], value: &[u8], pad: &[u8]) -> Vec<u8> {
        let mut plain = vec![(value.len() >> 8) as u8, value.len() as u8];
        plain.extend_from_slice(value);
        plain.extend_from_slice(pad);
        let mut out = Vec::new();
        let mut i = 0;
        while i < plain.len() {
            let mut input = Vec::new();
            if i == 0 {
                input.push((attr >> 8) as u8);
                input.push(attr as u8);
                input.extend_from_slice(secret);
                input.extend_from_slice(rv);
            } else {
                input.extend_from_slice(secret);
                input.extend_from_slice(&out[i - 16..i]);
            }
            let b = Md5::digest(&input);
            let end = (i + 16).min(plain.len());
            for j in i..end {
                out.push(plain[j] ^ b[j - i]);
            }
            i += 16;
        }
        out
    }

    #[test]
    fn known_vector_assigned_session_id() {
        // Assigned Session ID 0x1234 hidden with secret "s3cret" and a fixed random vector:
        // the first keystream block is MD5(00 0e ‖ "s3cret" ‖ rv), applied to 00 02 12 34.
        let rv = [0x5a; 16];
        let hidden = hide(14, b"s3cret", &rv, &[0x12, 0x34], &[]).expect("fits");
        let mut input = vec![0x00, 0x0e];
        input.extend_from_slice(b"s3cret");
        input.extend_from_slice(&rv);
        let b1 = Md5::digest(&input);
        assert_eq!(hidden, [b1[0], 0x02 ^ b1[1], 0x12 ^ b1[2], 0x34 ^ b1[3]]);
        assert_eq!(unhide(14, b"s3cret", &rv, &hidden), Ok(vec![0x12, 0x34]));
    }

    #[test]
    fn wrong_secret_is_detected_when_the_length_does_not_fit() {
        let hidden = hide(7, b"right", b"rv", b"x", &[]).expect("fits");
        // Three octets: with another key the Original Length is almost surely > 1.
        let result = unhide(7, b"wrong", b"rv", &hidden);
        assert_ne!(result, Ok(b"x".to_vec()));
        assert_eq!(
            unhide(7, b"s", b"rv", &[0x01]),
            Err(WireError::HiddenLength { attribute: 7 })
        );
    }

    proptest! {
        #[test]
        fn matches_reference_and_round_trips(
            attr in any::<u16>(),
            secret in proptest::collection::vec(any::<u8>(), 0..40),
            rv in proptest::collection::vec(any::<u8>(), 1..40),
            value in proptest::collection::vec(any::<u8>(), 0..100),
            pad in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            let hidden = hide(attr, &secret, &rv, &value, &pad).expect("fits");
            prop_assert_eq!(&hidden, &reference_hide(attr, &secret, &rv, &value, &pad));
            prop_assert_eq!(unhide(attr, &secret, &rv, &hidden), Ok(value));
        }

        #[test]
        fn unhide_never_panics(hidden in proptest::collection::vec(any::<u8>(), 0..80)) {
            let _ = unhide(1, b"secret", b"rv", &hidden);
        }
    }
}
