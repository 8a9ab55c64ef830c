//! Tunnel authentication (RFC 2661 §5.1.1): each side that has a secret may challenge the
//! other in its SCCRQ or SCCRP, and the other answers in its SCCRP (identifier 2) or SCCCN
//! (identifier 3) with MD5(identifier ‖ secret ‖ challenge).

use rand::RngCore;

use super::event::AuthFailure;
use crate::l2tp::wire::{challenge_response, MessageType};

/// RFC 2661 asks for a challenge that is random and never repeated; 16 octets is what the
/// MD5-based response can make use of.
pub const CHALLENGE_LEN: usize = 16;

pub type Challenge = [u8; CHALLENGE_LEN];

/// A fresh challenge when a secret is configured.
pub fn new_challenge(secret: Option<&[u8]>, rng: &mut impl RngCore) -> Option<Challenge> {
    secret.map(|_| {
        let mut challenge = [0u8; CHALLENGE_LEN];
        rng.fill_bytes(&mut challenge);
        challenge
    })
}

/// Our answer to the peer's challenge, carried in a message of type `carrier`.
pub fn answer(
    carrier: MessageType,
    secret: Option<&[u8]>,
    their_challenge: Option<&[u8]>,
) -> Result<Option<[u8; 16]>, AuthFailure> {
    match (their_challenge, secret) {
        (None, _) => Ok(None),
        (Some(_), None) => Err(AuthFailure::NoSecretToAnswer),
        (Some(challenge), Some(secret)) => Ok(Some(challenge_response(
            identifier(carrier),
            secret,
            challenge,
        ))),
    }
}

/// Checks the peer's answer, carried in a message of type `carrier`, to the challenge we sent.
pub fn verify(
    carrier: MessageType,
    secret: Option<&[u8]>,
    our_challenge: Option<&Challenge>,
    their_response: Option<&[u8; 16]>,
) -> Result<(), AuthFailure> {
    let (Some(secret), Some(challenge)) = (secret, our_challenge) else {
        return Ok(());
    };
    let Some(response) = their_response else {
        return Err(AuthFailure::MissingResponse);
    };
    let expected = challenge_response(identifier(carrier), secret, challenge);
    // Compared without an early exit, so the time taken says nothing about how many leading
    // octets an attacker got right.
    let difference = response
        .iter()
        .zip(expected.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    if difference == 0 {
        Ok(())
    } else {
        Err(AuthFailure::WrongResponse)
    }
}

fn identifier(carrier: MessageType) -> u8 {
    // Only SCCRP (2) and SCCCN (3) carry responses; both fit an octet.
    u8::try_from(carrier.0).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn answer_verifies_with_the_same_secret_and_carrier_only() {
        let mut rng = StdRng::seed_from_u64(7);
        let secret: &[u8] = b"s3cret";
        let challenge = new_challenge(Some(secret), &mut rng);
        let ours = challenge.as_ref();
        let reply = answer(MessageType::SCCRP, Some(secret), ours.map(|c| &c[..]));
        let reply = reply.ok().flatten();
        assert!(reply.is_some());
        assert_eq!(
            verify(MessageType::SCCRP, Some(secret), ours, reply.as_ref()),
            Ok(())
        );
        assert_eq!(
            verify(MessageType::SCCCN, Some(secret), ours, reply.as_ref()),
            Err(AuthFailure::WrongResponse)
        );
        assert_eq!(
            verify(MessageType::SCCRP, Some(b"other"), ours, reply.as_ref()),
            Err(AuthFailure::WrongResponse)
        );
        assert_eq!(
            verify(MessageType::SCCRP, Some(secret), ours, None),
            Err(AuthFailure::MissingResponse)
        );
    }

    #[test]
    fn a_challenge_without_a_secret_cannot_be_answered() {
        assert_eq!(
            answer(MessageType::SCCCN, None, Some(&[1, 2, 3])),
            Err(AuthFailure::NoSecretToAnswer)
        );
        assert_eq!(answer(MessageType::SCCCN, None, None), Ok(None));
        assert!(new_challenge(None, &mut StdRng::seed_from_u64(1)).is_none());
    }
}
