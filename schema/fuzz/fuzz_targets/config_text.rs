//! Brace-form text: parsing never panics, and whatever parses prints back to the same tree.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(tree) = schema::parse::parse_config(text) {
        let printed = schema::print::to_text(&[], &tree);
        assert_eq!(schema::parse::parse_config(&printed).ok(), Some(tree));
    }
});
