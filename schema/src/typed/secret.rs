//! A secret from the configuration (a tunnel, CHAP, PAP or RADIUS shared secret), kept in
//! a type whose `Debug` and `Display` print `<secret>`: a config, a tunnel setting or an
//! error that formats one can land in a log, a trace file or a `show` reply, and Junos
//! never shows a secret in clear. The clear bytes come out only through [`Secret::expose`],
//! a name to grep for, at the moment they are needed (an MD5 input, a hidden AVP).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// What `Debug` and `Display` print instead of the value.
const REDACTED: &str = "<secret>";

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(clear: impl Into<Vec<u8>>) -> Self {
        Self(clear.into())
    }

    /// The clear bytes, for the code that hashes or hides with them.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl From<&str> for Secret {
    fn from(clear: &str) -> Self {
        Self::new(clear)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Best effort: the buffer is overwritten before it goes back to the allocator, so a freed
/// secret does not linger in the heap. `black_box` keeps the compiler from dropping the
/// writes as dead stores; copies left by earlier reallocations are out of reach without a
/// crate such as `zeroize`, which this does not justify.
impl Drop for Secret {
    fn drop(&mut self) {
        self.0.fill(0);
        std::hint::black_box(&mut self.0);
    }
}

/// Serialized as Junos stores and prints it, `$9$` (see [`crate::secret`]), so no
/// serialized `RouterConfig` carries a secret in clear. Nothing hands a `RouterConfig` over
/// as data today (the engine gets it in memory); should that change, the `$9$` form reads
/// back to the same clear value. `$9$` is an obfuscation, not encryption.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let clear = String::from_utf8_lossy(&self.0);
        serializer.serialize_str(&crate::secret::encode(&clear))
    }
}

/// Reads only the `$9$` form that [`Serialize`] writes: a clear value in serialized data
/// is refused, so a clear secret never passes for a serialized one.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = String::deserialize(deserializer)?;
        if !stored.starts_with("$9$") {
            return Err(serde::de::Error::custom("a secret must be in `$9$` form"));
        }
        crate::secret::decode(&stored)
            .map(Self::new)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_print_the_value() {
        let secret = Secret::from("hunter2");
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(format!("{secret}"), REDACTED);
        assert_eq!(format!("{:?}", Some(&secret)), "Some(<secret>)");
        assert_eq!(secret.expose(), b"hunter2");
    }

    #[test]
    fn serializes_in_9_form_and_reads_back() {
        let secret = Secret::from("hunter2");
        let json = serde_json::to_string(&secret).expect("serializes");
        assert!(json.starts_with("\"$9$"), "{json}");
        assert!(!json.contains("hunter2"), "{json}");
        let back: Secret = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, secret);
    }

    #[test]
    fn a_clear_value_does_not_deserialize() {
        assert!(serde_json::from_str::<Secret>("\"hunter2\"").is_err());
    }
}
