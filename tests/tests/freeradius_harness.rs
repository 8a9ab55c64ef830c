//! The FreeRADIUS harness itself (tests/src/freeradius.rs): the reference's users entry
//! answers with its tagged tunnel attributes, and the detail logs show what arrived.

use l2tp_tests::freeradius::{FreeRadius, Options, RequestKind};

/// peers-and-interop.md §5.2: one user with two tagged tunnels, and a DEFAULT for a realm.
const USERS: &str = r#"l2tpuser@example.test	Cleartext-Password := "test"
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Tunnel-Type:1 = L2TP,
	Tunnel-Medium-Type:1 = IPv4,
	Tunnel-Server-Endpoint:1 = "198.18.1.10",
	Tunnel-Password:1 = "s3cret",
	Tunnel-Assignment-Id:1 = "lns1",
	Tunnel-Client-Auth-Id:1 = "dut-lac",
	Tunnel-Server-Auth-Id:1 = "LNS1",
	Tunnel-Preference:1 = 1,
	Tunnel-Type:2 = L2TP,
	Tunnel-Medium-Type:2 = IPv4,
	Tunnel-Server-Endpoint:2 = "198.18.1.11",
	Tunnel-Password:2 = "s3cret2",
	Tunnel-Assignment-Id:2 = "lns2",
	Tunnel-Preference:2 = 2

DEFAULT	User-Name =~ "@l2tp\.example$", Auth-Type := Accept
	Service-Type = Framed-User,
	Framed-Protocol = PPP,
	Tunnel-Type:1 = L2TP,
	Tunnel-Medium-Type:1 = IPv4,
	Tunnel-Server-Endpoint:1 = "198.18.1.10",
	Tunnel-Password:1 = "s3cret",
	Tunnel-Assignment-Id:1 = "lns1"
"#;

fn start() -> Option<FreeRadius> {
    FreeRadius::start(USERS, Options::default()).ok()
}

#[test]
fn the_reference_user_is_accepted_with_tagged_tunnels_and_logged() {
    let Some(server) = start() else { return };
    let out = server.radclient(
        server.auth_port(),
        RequestKind::Auth,
        "User-Name = \"l2tpuser@example.test\", User-Password = \"test\", \
         NAS-IP-Address = 127.0.0.1, Message-Authenticator = 0x00\n",
    );
    assert!(
        out.contains("Received Access-Accept"),
        "{out}\n{}",
        server.log()
    );
    for attribute in [
        "Tunnel-Type:1 = L2TP",
        "Tunnel-Server-Endpoint:1 = \"198.18.1.10\"",
        "Tunnel-Assignment-Id:2 = \"lns2\"",
        "Tunnel-Preference:2 = 2",
        "Tunnel-Password:2 = \"s3cret2\"",
    ] {
        assert!(out.contains(attribute), "{attribute} missing from:\n{out}");
    }
    let detail = server.auth_detail();
    assert!(
        detail.contains("User-Name = \"l2tpuser@example.test\""),
        "{detail}"
    );
    assert!(detail.contains("NAS-IP-Address = 127.0.0.1"), "{detail}");

    // A wrong password is rejected, and logged too.
    let out = server.radclient(
        server.auth_port(),
        RequestKind::Auth,
        "User-Name = \"l2tpuser@example.test\", User-Password = \"wrong\"\n",
    );
    assert!(out.contains("Received Access-Reject"), "{out}");
    assert_eq!(
        server
            .auth_detail()
            .matches("l2tpuser@example.test")
            .count(),
        2
    );
}

#[test]
fn accounting_start_lands_in_the_acct_detail() {
    let Some(server) = start() else { return };
    assert_eq!(server.acct_detail(), "");
    let out = server.radclient(
        server.acct_port(),
        RequestKind::Acct,
        "User-Name = \"alice@l2tp.example\", Acct-Status-Type = Start, \
         Acct-Session-Id = \"0001\", NAS-IP-Address = 127.0.0.1, Tunnel-Type:1 = L2TP, \
         Tunnel-Medium-Type:1 = IPv4, Tunnel-Server-Endpoint:1 = \"198.18.1.10\", \
         Acct-Tunnel-Connection = \"1/1\"\n",
    );
    assert!(out.contains("Received Accounting-Response"), "{out}");
    let detail = server.acct_detail();
    for line in [
        "Acct-Status-Type = Start",
        "Acct-Session-Id = \"0001\"",
        "Tunnel-Server-Endpoint:1 = \"198.18.1.10\"",
        "Acct-Tunnel-Connection = \"1/1\"",
    ] {
        assert!(detail.contains(line), "{line} missing from:\n{detail}");
    }
    assert!(server.auth_detail().is_empty());
}

#[test]
fn a_reload_reads_the_users_file_again() {
    let Some(mut server) = start() else { return };
    let ask = |server: &FreeRadius| {
        server.radclient(
            server.auth_port(),
            RequestKind::Auth,
            "User-Name = \"bob@example.test\", User-Password = \"pw\"\n",
        )
    };
    assert!(ask(&server).contains("Received Access-Reject"));
    server.reload_users(&format!(
        "bob@example.test\tCleartext-Password := \"pw\"\n\tService-Type = Framed-User\n\n{USERS}"
    ));
    let out = ask(&server);
    assert!(
        out.contains("Received Access-Accept"),
        "{out}\n{}",
        server.log()
    );
}
