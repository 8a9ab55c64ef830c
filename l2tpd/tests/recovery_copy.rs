//! `juniper.conf`, the text copy of the active configuration: written afresh from the database
//! at every start, and a commit whose copy cannot be written still completes (the database is
//! authoritative) but says so, with a `warning:` line as Junos prints one.

mod mgmt_harness;

use mgmt_harness::{commit, start};

fn commit_host_name(m: &mut l2tpd::mgmt::Mgmt, name: &str) -> Vec<String> {
    commit(m, &[&format!("system host-name {name}")])
}

#[test]
fn start_rewrites_the_copy_from_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join(commit_db::RECOVERY_FILE_NAME);
    {
        let mut m = start(dir.path());
        commit_host_name(&mut m, "r1");
    }
    std::fs::write(&copy, "edited by hand\n").unwrap();
    drop(start(dir.path()));
    let text = std::fs::read_to_string(&copy).unwrap();
    assert!(text.contains("host-name r1;"), "{text}");

    std::fs::remove_file(&copy).unwrap();
    drop(start(dir.path()));
    let text = std::fs::read_to_string(&copy).unwrap();
    assert!(text.contains("host-name r1;"), "{text}");
}

#[test]
fn commit_whose_copy_fails_completes_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = start(dir.path());
    // A directory where the copy belongs: the rename over it fails.
    let copy = dir.path().join(commit_db::RECOVERY_FILE_NAME);
    let _ = std::fs::remove_file(&copy);
    std::fs::create_dir(&copy).unwrap();
    std::fs::write(copy.join("keep"), "x").unwrap();

    let messages = commit_host_name(&mut m, "r2");
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].starts_with("warning: ") && messages[0].contains("juniper.conf"),
        "{messages:?}"
    );
    assert_eq!(messages[1], "commit complete");
    assert_eq!(
        m.active()
            .get(&[
                schema::NodeId::new("system"),
                schema::NodeId::new("host-name")
            ])
            .map(|n| n.values.to_strings()),
        Some(vec!["r2".to_string()])
    );
}
