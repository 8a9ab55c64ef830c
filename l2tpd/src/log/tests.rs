use super::*;
use std::fs;

#[test]
fn junos_line_layout() {
    assert_eq!(stamp(1_796_322_001), "Dec  3 18:20:01");
    assert_eq!(stamp(1_797_618_000), "Dec 18 18:20:00");
    let dir = tempfile::tempdir().expect("tempdir");
    let log = SystemLog::new(None);
    log.open_file(dir.path(), MESSAGES_SIZE, MESSAGES_FILES)
        .expect("open");
    log.set_host_name("r1");
    log.write(
        1_796_322_001,
        &Level::INFO,
        Some(tags::UI_COMMIT),
        "User 'root' requested 'commit' operation (comment: none)",
    );
    log.write(1_796_322_002, &Level::WARN, None, "two\nlines");
    let text = fs::read_to_string(dir.path().join(MESSAGES)).expect("read");
    let pid = std::process::id();
    assert_eq!(
        text,
        format!(
            "Dec  3 18:20:01  r1 l2tpd[{pid}]: UI_COMMIT: User 'root' requested 'commit' operation (comment: none)\n\
             Dec  3 18:20:02  r1 l2tpd[{pid}]: two lines\n"
        )
    );
}

/// However much is logged, the files stay bounded: `messages` and `messages.0` ..= `.9`,
/// none past its size.
#[test]
fn rotation_is_bounded_in_count_and_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = SystemLog::new(None);
    let size = 1000;
    log.open_file(dir.path(), size, MESSAGES_FILES)
        .expect("open");
    for n in 0..2000 {
        log.write(1_796_322_001, &Level::INFO, None, &format!("event {n}"));
    }
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<String> = (0..10).map(|n| format!("messages.{n}")).collect();
    want.push("messages".into());
    want.sort();
    assert_eq!(names, want);
    for name in &names {
        let len = fs::metadata(dir.path().join(name)).expect("meta").len();
        assert!(len <= size, "{name} is {len} octets");
    }
    // The newest line is in `messages`, the ones just before it in `messages.0`.
    let newest = fs::read_to_string(dir.path().join(MESSAGES)).expect("read");
    assert!(newest.ends_with("event 1999\n"), "{newest}");
}

#[test]
fn every_tag_is_documented() {
    let doc = include_str!("../../../docs/system-log.md");
    for tag in tags::ALL {
        assert!(
            doc.contains(&format!("`{tag}`")),
            "{tag} missing from docs/system-log.md"
        );
    }
}
