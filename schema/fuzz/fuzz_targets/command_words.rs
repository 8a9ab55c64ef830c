//! A typed command line: splitting and resolving against the schema never panic, and word
//! spans stay inside the line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(line) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(words) = schema::tokenize::split_words(line) else {
        return;
    };
    for w in &words {
        assert!(w.start <= w.end && w.end <= line.len());
    }
    // The editing commands take the words with their quoting, as the shell sends them.
    let args: Vec<schema::edit::Arg> = words.iter().map(schema::edit::Arg::from).collect();
    let texts: Vec<String> = words.into_iter().map(|w| w.text).collect();
    let mut tree = schema::Node::default();
    let _ = schema::edit::resolve(&texts);
    let _ = schema::edit::edit_target(&texts);
    let _ = schema::edit::set(&mut tree, &args);
    let _ = schema::edit::deactivate(&mut tree, &args);
    let _ = schema::edit::delete(&mut tree, &args);
});
