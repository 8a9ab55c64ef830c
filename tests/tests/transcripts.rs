//! Replays every `tests/transcripts/*.txt` operator session against a real daemon and the real
//! shell. Set `TRANSCRIPT_BLESS=1` to rewrite the files from the actual output (then read the
//! diff before committing: a blessed transcript is a claim about behaviour).

use l2tp_tests::transcript::{compare, replay};
use std::path::PathBuf;

fn transcripts() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/transcripts")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

fn expected_status(text: &str) -> i32 {
    text.lines()
        .filter_map(|l| l.strip_prefix("#! exit-status "))
        .filter_map(|n| n.trim().parse().ok())
        .next_back()
        .unwrap_or(0)
}

#[test]
fn operator_sessions() {
    let only = std::env::var("TRANSCRIPT").ok();
    let bless = std::env::var_os("TRANSCRIPT_BLESS").is_some();
    let mut failures = Vec::new();
    let files = transcripts();
    assert!(!files.is_empty(), "no transcripts found");
    for path in files {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        let expected = std::fs::read_to_string(&path).expect("read transcript");
        let (actual, status) = replay(&expected);
        if bless {
            std::fs::write(&path, &actual).expect("write transcript");
            continue;
        }
        if let Err(diff) = compare(&expected, &actual) {
            failures.push(format!("{name}: {diff}"));
        }
        let want = expected_status(&expected);
        if status != want {
            failures.push(format!("{name}: cli exit status {status}, expected {want}"));
        }
        eprintln!("transcript {name}: replayed");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
