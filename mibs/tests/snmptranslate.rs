//! net-snmp must load our MIB modules without a single warning and resolve the names to
//! Juniper's numbers. Skipped (with a note) only on a developer machine without net-snmp;
//! in CI (`CI` set) a missing `snmptranslate` fails the test.

use std::path::PathBuf;
use std::process::{Command, Output};

fn mib_path() -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    format!("{}:{}", dir.display(), dir.join("ietf-subset").display())
}

/// Runs snmptranslate with only our directories and only JNX-L2TP-MIB loaded, so a
/// warning can only come from our modules. `-Pw` turns on net-snmp's MIB warnings.
/// (Its `-PW` level also reports every SEQUENCE row type as untranslatable, for the
/// MIBs net-snmp itself ships too, so it says nothing about a module's health.)
fn snmptranslate(args: &[&str]) -> Option<Output> {
    // net-snmp reads the user's snmp.conf and, on its first run on a machine, announces on
    // stderr that it created its persistent directory; an empty private one avoids both.
    let state = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("net-snmp");
    std::fs::create_dir_all(state.join("cert_indexes")).expect("create net-snmp state dir");
    let mut command = Command::new("snmptranslate");
    command
        .env_remove("MIBS")
        .env_remove("MIBDIRS")
        .env("SNMPCONFPATH", &state)
        .env("SNMP_PERSISTENT_DIR", &state)
        .args(["-M", &mib_path(), "-m", "JNX-L2TP-MIB", "-Pw"])
        .args(args);
    match command.output() {
        Ok(output) => Some(output),
        Err(e) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: cannot run snmptranslate ({e}); install the Debian package snmp");
            None
        }
        Err(e) => panic!("CI must have snmptranslate (Debian package snmp): {e}"),
    }
}

fn stdout_of(output: &Output) -> String {
    assert!(
        output.status.success(),
        "snmptranslate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "snmptranslate printed warnings"
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

// The numbers come from the project's reference on Juniper's MIB.
const NAMES_AND_OIDS: [(&str, &str); 8] = [
    ("jnxL2tp", ".1.3.6.1.4.1.2636.3.49.1"),
    (
        "jnxL2tpStatsTotalTunnels",
        ".1.3.6.1.4.1.2636.3.49.1.1.1.1.1",
    ),
    (
        "jnxL2tpStatsPayloadRxOctets64",
        ".1.3.6.1.4.1.2636.3.49.1.1.1.1.13",
    ),
    (
        "jnxL2tpTunnelGroupStatsTotalSessions",
        ".1.3.6.1.4.1.2636.3.49.1.1.2.1.6",
    ),
    (
        "jnxL2tpTunnelStatsDataTxPkts",
        ".1.3.6.1.4.1.2636.3.49.1.1.3.1.26",
    ),
    (
        "jnxL2tpTunnelStatsDataRxPkts64",
        ".1.3.6.1.4.1.2636.3.49.1.1.3.1.35",
    ),
    (
        "jnxL2tpSessionStatsDataRxPkts64",
        ".1.3.6.1.4.1.2636.3.49.1.1.4.1.67",
    ),
    (
        "jnxL2tpMlpppBundleStatsOutputMrru",
        ".1.3.6.1.4.1.2636.3.49.1.1.5.1.5",
    ),
];

#[test]
fn names_resolve_to_junipers_numbers_without_warnings() {
    for (name, oid) in NAMES_AND_OIDS {
        let Some(output) = snmptranslate(&["-On", &format!("JNX-L2TP-MIB::{name}")]) else {
            return;
        };
        assert_eq!(stdout_of(&output), oid, "{name}");
    }
}

#[test]
fn numbers_resolve_back_to_names() {
    let Some(output) = snmptranslate(&["-OS", ".1.3.6.1.4.1.2636.3.49.1.1.3.1.26.17967"]) else {
        return;
    };
    assert_eq!(
        stdout_of(&output),
        "JNX-L2TP-MIB::jnxL2tpTunnelStatsDataTxPkts.17967"
    );
}

#[test]
fn the_whole_tree_loads_and_matches_the_generated_table() {
    let Some(output) = snmptranslate(&["-Tp", "JNX-L2TP-MIB::jnxL2tp"]) else {
        return;
    };
    let tree = stdout_of(&output);
    // Every OBJECT-TYPE the build script generated appears in net-snmp's view of the tree,
    // so the two readers of the MIB text agree.
    for object in mibs::OBJECTS {
        let arc = object.oid.last().copied().unwrap_or_default();
        assert!(
            tree.contains(&format!("{}({arc})", object.name)),
            "{} missing from snmptranslate -Tp",
            object.name
        );
    }
}

#[test]
fn enumerations_and_index_read_as_in_the_mib() {
    let Some(output) = snmptranslate(&["-Td", "JNX-L2TP-MIB::jnxL2tpTunnelGroupStatsEntry"]) else {
        return;
    };
    let detail = stdout_of(&output);
    assert!(
        detail.contains("INDEX\t\t{ IMPLIED jnxL2tpTunnelGroupStatsTnlGrpName }"),
        "{detail}"
    );
    let Some(output) = snmptranslate(&["-Td", "JNX-L2TP-MIB::jnxL2tpTunnelStatsState"]) else {
        return;
    };
    let detail = stdout_of(&output);
    assert!(detail.contains("established(8)"), "{detail}");
}
