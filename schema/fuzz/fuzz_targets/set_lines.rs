//! `load set` lines: applying never panics, and the result reads back from its set form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use schema::Node;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(tree) = schema::parse::apply_set_lines(&Node::default(), text) {
        let lines = schema::print::to_set_lines(&[], &tree);
        let back = schema::parse::apply_set_lines(&Node::default(), &lines).ok();
        let mut expected = tree;
        strip_annotations(&mut expected);
        assert_eq!(back, Some(expected));
    }
});

fn strip_annotations(node: &mut Node) {
    node.annotation = None;
    node.children.values_mut().for_each(strip_annotations);
}
