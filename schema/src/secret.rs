//! Junos `$9$` secret obfuscation. (Placeholder signatures; implemented in full with tests.)

/// The form a secret is stored in: a clear value is obfuscated to `$9$...`; a value that is
/// already a valid `$9$` string is kept as it is.
pub fn store_form(value: &str) -> Result<String, String> {
    if value.starts_with("$9$") {
        decode(value).map(|_| value.to_string())
    } else {
        Ok(encode(value))
    }
}

/// Obfuscates a clear secret.
pub fn encode(clear: &str) -> String {
    todo!("$9$ encode of {} chars", clear.len())
}

/// Recovers the clear value of a `$9$` secret.
pub fn decode(obfuscated: &str) -> Result<String, String> {
    todo!("$9$ decode of {} chars", obfuscated.len())
}
