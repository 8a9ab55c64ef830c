//! The hidden passwords: User-Password (RFC 2865 §5.2), Tunnel-Password (RFC 2868 §3.5,
//! also ERX-Tunnel-Password 26-9) and the CHAP-Password layout (RFC 2865 §5.3).

use md5::{Digest, Md5};

use super::attribute::Attribute;
use super::dictionary::attr;

/// RFC 2865 §5.2: "the password MUST be ≤ 128 octets".
pub const MAX_USER_PASSWORD: usize = 128;
const BLOCK: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("hidden password of {0} octets: not a multiple of 16 between 16 and 128")]
    BadUserPasswordLength(usize),
    #[error("Tunnel-Password of {0} octets: tag, salt and a multiple of 16 expected")]
    BadTunnelPasswordLength(usize),
    #[error("Tunnel-Password data length {stated} exceeds the {available} octets decrypted (wrong secret?)")]
    BadDataLength { stated: usize, available: usize },
}

/// XORs `data` in place block by block, each key being MD5(secret ‖ previous ciphertext
/// block), the first one MD5(secret ‖ `first`). `encrypting` says which side the ciphertext is.
fn chain(data: &mut [u8], secret: &[u8], first: &[&[u8]], encrypting: bool) {
    let mut previous: [u8; BLOCK] = {
        let mut md5 = Md5::new();
        md5.update(secret);
        for part in first {
            md5.update(part);
        }
        md5.finalize().into()
    };
    for block in data.chunks_mut(BLOCK) {
        let cipher_before: Vec<u8> = block.to_vec();
        for (byte, key) in block.iter_mut().zip(previous.iter()) {
            *byte ^= key;
        }
        let cipher: &[u8] = if encrypting { block } else { &cipher_before };
        let mut md5 = Md5::new();
        md5.update(secret);
        md5.update(cipher);
        previous = md5.finalize().into();
    }
}

/// RFC 2865 §5.2: padded with NULs to a multiple of 16 (at least 16), XORed with the MD5
/// chain from the Request Authenticator. Passwords beyond 128 octets are cut at 128: the
/// encoder refuses them before it gets here.
pub fn hide_user_password(password: &[u8], secret: &[u8], authenticator: &[u8; 16]) -> Vec<u8> {
    let password = password.get(..MAX_USER_PASSWORD).unwrap_or(password);
    let padded = password.len().div_ceil(BLOCK).max(1) * BLOCK;
    let mut data = password.to_vec();
    data.resize(padded, 0);
    chain(&mut data, secret, &[authenticator], true);
    data
}

/// The reverse of [`hide_user_password`]; the NUL padding is removed.
pub fn unhide_user_password(
    hidden: &[u8],
    secret: &[u8],
    authenticator: &[u8; 16],
) -> Result<Vec<u8>, PasswordError> {
    if hidden.is_empty() || !hidden.len().is_multiple_of(BLOCK) || hidden.len() > MAX_USER_PASSWORD
    {
        return Err(PasswordError::BadUserPasswordLength(hidden.len()));
    }
    let mut data = hidden.to_vec();
    chain(&mut data, secret, &[authenticator], false);
    while data.last() == Some(&0) {
        data.pop();
    }
    Ok(data)
}

/// RFC 2868 §3.5: tag ‖ salt (top bit forced to 1) ‖ encrypted (Data-Length ‖ password ‖
/// padding). Passwords beyond 255 octets (what Data-Length can say) are cut; beyond 239 the
/// value no longer fits one attribute and the encoder refuses it.
pub fn encrypt_tunnel_password(
    tag: u8,
    salt: u16,
    password: &[u8],
    secret: &[u8],
    request_authenticator: &[u8; 16],
) -> Vec<u8> {
    let password = password.get(..255).unwrap_or(password);
    let salt = (salt | 0x8000).to_be_bytes();
    let mut data = Vec::with_capacity(3 + (1 + password.len()).div_ceil(BLOCK) * BLOCK);
    data.push(password.len() as u8);
    data.extend_from_slice(password);
    data.resize((1 + password.len()).div_ceil(BLOCK) * BLOCK, 0);
    chain(&mut data, secret, &[request_authenticator, &salt], true);
    let mut value = Vec::with_capacity(3 + data.len());
    value.push(tag);
    value.extend_from_slice(&salt);
    value.extend_from_slice(&data);
    value
}

/// The value of a Tunnel-Password (tag included) → (tag, password).
pub fn decrypt_tunnel_password(
    value: &[u8],
    secret: &[u8],
    request_authenticator: &[u8; 16],
) -> Result<(u8, Vec<u8>), PasswordError> {
    let Some(([tag, salt_high, salt_low], cipher)) = value.split_first_chunk::<3>() else {
        return Err(PasswordError::BadTunnelPasswordLength(value.len()));
    };
    if cipher.is_empty() || !cipher.len().is_multiple_of(BLOCK) {
        return Err(PasswordError::BadTunnelPasswordLength(value.len()));
    }
    let mut data = cipher.to_vec();
    chain(
        &mut data,
        secret,
        &[request_authenticator, &[*salt_high, *salt_low]],
        false,
    );
    let Some((&stated, rest)) = data.split_first() else {
        return Err(PasswordError::BadTunnelPasswordLength(value.len()));
    };
    let password = rest
        .get(..usize::from(stated))
        .ok_or(PasswordError::BadDataLength {
            stated: usize::from(stated),
            available: rest.len(),
        })?;
    Ok((*tag, password.to_vec()))
}

/// CHAP-Password (RFC 2865 §5.3): CHAP Ident ‖ the 16-octet response.
pub fn chap_password(identifier: u8, response: &[u8; 16]) -> Attribute {
    let mut value = Vec::with_capacity(17);
    value.push(identifier);
    value.extend_from_slice(response);
    Attribute::string(attr::CHAP_PASSWORD, value)
}
