//! Junos `$9$` secret obfuscation.
//!
//! Junos never shows a shared secret in clear: it stores and prints it as `$9$...`, a
//! reversible obfuscation (not encryption: anyone with this file can read the secret back).
//! We use the same form so configurations move between our router and Junos unchanged.
//!
//! The scheme: a 65-character alphabet made of four families. The first character after
//! `$9$` is a random salt; its family says how many random filler characters follow it.
//! Each clear byte is then written as 2 to 4 characters, chosen by a rotating table of
//! weights: the byte is split into digits of those weights, and each digit is written as
//! the distance (gap) from the previous character in the alphabet, minus one.

use smallvec::SmallVec;

/// The four character families; a salt from family `i` is followed by `3 - i` filler chars.
const FAMILIES: [&str; 4] = [
    "QzF3n6/9CAtpu0O",
    "B1IREhcSyrleKvMW8LXx",
    "7N-dVbwsY2g4oaJZGUDj",
    "iHkq.mPf5T",
];

/// Weights of the characters that encode the n-th clear byte (cycling through the rows).
const ENCODING: [&[u32]; 7] = [
    &[1, 4, 32],
    &[1, 16, 32],
    &[1, 8, 32],
    &[1, 64],
    &[1, 32],
    &[1, 4, 16, 128],
    &[1, 32, 64],
];

const MAGIC: &str = "$9$";

/// The alphabet: the families one after the other.
fn alphabet() -> impl Iterator<Item = (usize, char)> {
    FAMILIES.iter().flat_map(|f| f.chars()).enumerate()
}

const ALPHABET_LEN: usize = 65;

/// Position of each ASCII character in the alphabet (`NOT_IN` if it is not there): every
/// commit decodes each `$9$` secret of the configuration twice (its check and its typed
/// view), and a search of the alphabet per character was a sixth of the check's
/// instructions (docs/performance.md, "Stage h89").
const POSITIONS: [u8; 128] = positions();
const NOT_IN: u8 = u8::MAX;

const fn positions() -> [u8; 128] {
    let mut table = [NOT_IN; 128];
    let mut position = 0;
    let mut family = 0;
    while family < FAMILIES.len() {
        let chars = FAMILIES[family].as_bytes();
        let mut i = 0;
        while i < chars.len() {
            table[chars[i] as usize] = position;
            position += 1;
            i += 1;
        }
        family += 1;
    }
    table
}

/// Position of `c` in the alphabet.
fn index_of(c: char) -> Option<usize> {
    let position = *POSITIONS.get(c as usize)?;
    (position != NOT_IN).then_some(usize::from(position))
}

/// The character at position `i` (taken modulo the alphabet's length).
fn char_at(i: usize) -> char {
    alphabet().nth(i % ALPHABET_LEN).map_or('Q', |(_, c)| c)
}

/// How many filler characters follow the salt `c`.
fn filler_count(c: char) -> Option<usize> {
    FAMILIES
        .iter()
        .position(|f| f.contains(c))
        .map(|family| 3 - family)
}

/// The form a secret is stored in: a clear value is obfuscated to `$9$...`; a value that is
/// already a valid `$9$` string is kept as it is. Either way the clear text is at most
/// [`MAX_SECRET_LEN`](crate::limits::MAX_SECRET_LEN) characters.
pub fn store_form(value: &str) -> Result<String, String> {
    if value.starts_with(MAGIC) {
        check_stored(value).map(|()| value.to_string())
    } else {
        check_clear_len(value)?;
        Ok(encode(value))
    }
}

/// A stored (`$9$`) secret decodes, to a clear text within the limit.
pub fn check_stored(value: &str) -> Result<(), String> {
    // Each clear byte takes at least two characters: a longer value is refused undecoded.
    let max = MAGIC.len() + 4 + 4 * crate::limits::MAX_SECRET_LEN;
    if value.len() > max {
        return Err(too_long());
    }
    // Decoded on the stack: every commit checks each secret of the configuration, and the
    // typed view decodes it again for its clear bytes; a heap `String` per check was an
    // allocation per secret for nothing kept (docs/performance.md, stage h93).
    let mut clear: SmallVec<[u8; 64]> = SmallVec::new();
    decode_into(value, &mut clear)?;
    let clear = std::str::from_utf8(&clear).map_err(|_| bad("not UTF-8 text"))?;
    check_clear_len(clear)
}

fn check_clear_len(clear: &str) -> Result<(), String> {
    match clear.chars().nth(crate::limits::MAX_SECRET_LEN) {
        Some(_) => Err(too_long()),
        None => Ok(()),
    }
}

fn too_long() -> String {
    format!(
        "secret is longer than {} characters",
        crate::limits::MAX_SECRET_LEN
    )
}

/// Obfuscates a clear secret with a random salt.
pub fn encode(clear: &str) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    encode_with(clear, |n| rng.random_range(0..n))
}

/// Obfuscates a clear secret, drawing the salt and filler from `pick(n)`, which must return
/// a number below `n` (values out of range are reduced modulo `n`). Deterministic for a
/// deterministic `pick`, which is what tests need.
pub fn encode_with(clear: &str, mut pick: impl FnMut(usize) -> usize) -> String {
    let salt = char_at(pick(ALPHABET_LEN));
    let mut out = String::with_capacity(MAGIC.len() + 4 + clear.len() * 4);
    out.push_str(MAGIC);
    out.push(salt);
    for _ in 0..filler_count(salt).unwrap_or(0) {
        out.push(char_at(pick(ALPHABET_LEN)));
    }
    let mut prev = salt;
    for (pos, byte) in clear.bytes().enumerate() {
        let weights = ENCODING[pos % ENCODING.len()];
        // Split the byte into digits, heaviest weight first; the lightest digit takes the rest.
        let mut rest = u32::from(byte);
        let mut digits = vec![0u32; weights.len()];
        for (digit, weight) in digits.iter_mut().zip(weights.iter()).rev() {
            *digit = rest / weight;
            rest %= weight;
        }
        for digit in digits {
            let next = char_at(index_of(prev).unwrap_or(0) + digit as usize + 1);
            out.push(next);
            prev = next;
        }
    }
    out
}

/// Recovers the clear value of a `$9$` secret. Malformed input is an error, never a panic.
pub fn decode(obfuscated: &str) -> Result<String, String> {
    // Each clear byte takes at least two characters: one allocation, no regrowth.
    let mut clear = Vec::with_capacity(obfuscated.len() / 2);
    decode_into(obfuscated, &mut clear)?;
    String::from_utf8(clear).map_err(|_| bad("not UTF-8 text"))
}

fn bad(why: &str) -> String {
    format!("invalid $9$ secret: {why}")
}

/// The clear bytes of a `$9$` secret, appended to `clear` (empty on entry).
fn decode_into(obfuscated: &str, clear: &mut impl Extend<u8>) -> Result<(), String> {
    let mut count = 0;
    let body = obfuscated
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad("missing $9$ prefix"))?;
    let mut chars = body.chars();
    let salt = chars.next().ok_or_else(|| bad("no salt"))?;
    let filler = filler_count(salt).ok_or_else(|| bad("character outside the alphabet"))?;
    for _ in 0..filler {
        chars.next().ok_or_else(|| bad("truncated"))?;
    }
    let mut prev = index_of(salt).ok_or_else(|| bad("character outside the alphabet"))?;
    let mut chars = chars.peekable();
    while chars.peek().is_some() {
        let weights = ENCODING[count % ENCODING.len()];
        let mut value: u32 = 0;
        for weight in weights {
            let c = chars.next().ok_or_else(|| bad("truncated"))?;
            let index = index_of(c).ok_or_else(|| bad("character outside the alphabet"))?;
            // The encoder always moves forward by at least one position.
            let gap = (index + ALPHABET_LEN - prev) % ALPHABET_LEN;
            if gap == 0 {
                return Err(bad("repeated character"));
            }
            value += (gap as u32 - 1) * weight;
            prev = index;
        }
        let byte = u8::try_from(value).map_err(|_| bad("value out of range"))?;
        clear.extend([byte]);
        count += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Picks from a fixed script, so the output is known in advance.
    fn scripted(script: &[usize]) -> impl FnMut(usize) -> usize + '_ {
        let mut i = 0;
        move |n| {
            let v = script.get(i).copied().unwrap_or(0) % n;
            i += 1;
            v
        }
    }

    #[test]
    fn alphabet_has_65_distinct_characters() {
        let all: String = FAMILIES.concat();
        assert_eq!(all.chars().count(), ALPHABET_LEN);
        let mut sorted: Vec<char> = all.chars().collect();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ALPHABET_LEN);
    }

    #[test]
    fn the_position_table_is_the_alphabet() {
        for c in (0..=0x2ffu32).filter_map(char::from_u32) {
            let searched = alphabet().find(|&(_, a)| a == c).map(|(i, _)| i);
            assert_eq!(index_of(c), searched, "{c:?}");
        }
    }

    #[test]
    fn known_vector_by_hand() {
        // Salt 'Q' (index 0, family 0 → 3 fillers 'Q','Q','Q').
        // 'a' = 97 with weights [1,4,32]: 97 = 3*32 + 0*4 + 1*1 → digits [1,0,3].
        // Gaps +2, +1, +4 from index 0: indices 2 ('F'), 3 ('3'), 7 ('9').
        assert_eq!(encode_with("a", scripted(&[0, 0, 0, 0])), "$9$QQQQF39");
        assert_eq!(decode("$9$QQQQF39").unwrap(), "a");
    }

    #[test]
    fn salt_family_decides_filler() {
        // Salt 'i' (index 55, family 3) has no filler.
        let s = encode_with("x", scripted(&[55]));
        assert!(s.starts_with("$9$i"));
        assert_eq!(decode(&s).unwrap(), "x");
        // Salt 'B' (family 1) has two.
        let s = encode_with("x", scripted(&[15, 1, 2]));
        assert!(s.starts_with("$9$BzF"));
        assert_eq!(decode(&s).unwrap(), "x");
    }

    #[test]
    fn fixed_salt_round_trips_longer_text() {
        let s = encode_with("s3cret-testing123", scripted(&[7, 8, 9, 10]));
        assert_eq!(decode(&s).unwrap(), "s3cret-testing123");
        assert_ne!(
            s,
            encode_with("s3cret-testing124", scripted(&[7, 8, 9, 10]))
        );
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "$9",
            "$9$",
            "s3cret",
            "$9$QQ",
            "$9$QQQQF3",
            "$9$QQQQF3!",
            "$9$QQQQFF9",
            "$9$€",
            "$9$iAAA",
        ] {
            assert!(decode(bad).is_err(), "{bad:?} decoded");
        }
    }

    /// Past 64 clear bytes the check's stack buffer moves to the heap: still the same
    /// answer, up to the limit and just over it.
    #[test]
    fn check_stored_reads_long_secrets() {
        let max = crate::limits::MAX_SECRET_LEN;
        for (len, ok) in [(64, true), (65, true), (max, true), (max + 1, false)] {
            let stored = encode(&"x".repeat(len));
            assert_eq!(check_stored(&stored).is_ok(), ok, "{len} characters");
        }
    }

    #[test]
    fn store_form_keeps_valid_and_obfuscates_clear() {
        assert_eq!(store_form("$9$QQQQF39").unwrap(), "$9$QQQQF39");
        assert!(store_form("$9$QQ").is_err());
        let stored = store_form("testing123").unwrap();
        assert!(stored.starts_with("$9$"));
        assert_eq!(decode(&stored).unwrap(), "testing123");
    }

    proptest! {
        #[test]
        fn round_trip_printable(clear in "[ -~]{0,64}") {
            prop_assert_eq!(decode(&encode(&clear)).unwrap(), clear);
        }

        #[test]
        fn round_trip_any_text(clear in "\\PC{0,16}", script in proptest::collection::vec(0usize..65, 4)) {
            prop_assert_eq!(decode(&encode_with(&clear, scripted(&script))).unwrap(), clear);
        }

        #[test]
        fn decode_never_panics(s in "\\$9\\$[ -~]{0,40}") {
            let _ = decode(&s);
        }

        /// The check decodes on the stack, the typed view into a `String`: they accept the
        /// same values, errors included (each malformed input's reason).
        #[test]
        fn check_stored_agrees_with_decode(s in "\\$9\\$[ -~]{0,40}") {
            let decoded = decode(&s).and_then(|clear| check_clear_len(&clear));
            prop_assert_eq!(check_stored(&s), decoded);
        }
    }
}
