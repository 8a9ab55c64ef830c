//! The trap sender as a trap receiver sees it: a UDP socket on 127.0.12.9 decodes what an
//! `l2tpd` with `snmp trap-group` sends — warmStart when SNMP is configured in a running
//! daemon, coldStart when the daemon starts, authenticationFailure for a wrong community
//! (SNMPv2c, then SNMPv1 with `agent-address outgoing-interface`) — and `show snmp
//! statistics` counts them.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use l2tp_tests::ops::run_ok as run;
use l2tp_tests::DaemonProcess;
use rasn::types::{Integer, ObjectIdentifier, OctetString};
use rasn_smi::v2::{ObjectSyntax, SimpleSyntax};
use rasn_snmp::v2::{GetRequest, Pdu, Pdus, VarBind, VarBindValue};

const AGENT: &str = "127.0.12.2";
const AGENT_PORT: u16 = 16_212;
const RECEIVER: &str = "127.0.12.9";
const SNMP_TRAPS: [u32; 9] = [1, 3, 6, 1, 6, 3, 1, 1, 5];

/// The next datagram at the receiver, within a bounded wait.
fn next_trap(receiver: &UdpSocket) -> (Vec<u8>, SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 2048];
    loop {
        match receiver.recv_from(&mut buf) {
            Ok((len, from)) => return (buf[..len].to_vec(), from),
            Err(e) => assert!(Instant::now() < deadline, "no trap: {e}"),
        }
    }
}

/// An SNMPv2c trap's community and snmpTrapOID.0 value.
fn v2(datagram: &[u8]) -> (String, Vec<u32>) {
    let m: rasn_snmp::v2c::Message<Pdus> = rasn::ber::decode(datagram).expect("an SNMPv2c message");
    let Pdus::Trap(trap) = m.data else {
        panic!("not a trap: {:?}", m.data)
    };
    let oid = match &trap.0.variable_bindings[1].value {
        VarBindValue::Value(ObjectSyntax::Simple(SimpleSyntax::ObjectId(oid))) => oid.to_vec(),
        other => panic!("snmpTrapOID.0 is {other:?}"),
    };
    (String::from_utf8(m.community.to_vec()).unwrap(), oid)
}

fn notification(arc: u32) -> Vec<u32> {
    [&SNMP_TRAPS[..], &[arc]].concat()
}

fn get_with_community(community: &str) -> Vec<u8> {
    rasn::ber::encode(&rasn_snmp::v2c::Message {
        version: Integer::from(1),
        community: OctetString::from(community.as_bytes().to_vec()),
        data: Pdus::GetRequest(GetRequest(Pdu {
            request_id: 7,
            error_status: 0,
            error_index: 0,
            variable_bindings: vec![VarBind {
                name: ObjectIdentifier::new(vec![1, 3, 6, 1, 2, 1, 1, 3, 0]).unwrap(),
                value: VarBindValue::Unspecified,
            }],
        })),
    })
    .unwrap()
}

#[test]
fn traps_reach_their_targets() {
    let receiver = UdpSocket::bind((RECEIVER, 0)).expect("bind the receiver");
    receiver
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let port = receiver.local_addr().unwrap().port();
    let mut daemon = DaemonProcess::start_named("traps", None);
    daemon.commit(&format!(
        "set snmp community public clients 127.0.0.0/8\n\
         set snmp listen-address {AGENT}\n\
         set snmp port {AGENT_PORT}\n\
         set snmp trap-group noc version v2\n\
         set snmp trap-group noc destination-port {port}\n\
         set snmp trap-group noc categories startup\n\
         set snmp trap-group noc categories authentication\n\
         set snmp trap-group noc targets {RECEIVER}\n\
         set snmp trap-options source-address {AGENT}\n"
    ));
    // SNMP configured in a running daemon: the agent starts, warmStart.
    let (trap, from) = next_trap(&receiver);
    assert_eq!(from.ip().to_string(), AGENT, "sent from source-address");
    assert_eq!(v2(&trap), ("noc".to_string(), notification(2)));

    // The daemon starts with the configuration: coldStart.
    daemon.restart();
    let (trap, _) = next_trap(&receiver);
    assert_eq!(v2(&trap), ("noc".to_string(), notification(1)));

    // A wrong community: no answer, an authenticationFailure.
    let poller = UdpSocket::bind("127.0.12.5:0").unwrap();
    poller
        .send_to(&get_with_community("guess"), (AGENT, AGENT_PORT))
        .unwrap();
    let (trap, _) = next_trap(&receiver);
    assert_eq!(v2(&trap), ("noc".to_string(), notification(5)));

    // SNMPv1, with the address the trap leaves by as its agent address.
    daemon.commit(
        "set snmp trap-group noc version v1\n\
         set snmp trap-options agent-address outgoing-interface\n",
    );
    poller
        .send_to(&get_with_community("guess"), (AGENT, AGENT_PORT))
        .unwrap();
    let (trap, _) = next_trap(&receiver);
    let m: rasn_snmp::v1::Message<rasn_snmp::v1::Pdus> =
        rasn::ber::decode(&trap).expect("an SNMPv1 message");
    let rasn_snmp::v1::Pdus::Trap(v1) = m.data else {
        panic!("not a Trap-PDU: {:?}", m.data)
    };
    assert_eq!(v1.generic_trap, Integer::from(4));
    assert_eq!(
        v1.agent_addr,
        rasn_smi::v1::NetworkAddress::Internet(rasn_smi::v1::IpAddress([127, 0, 12, 2].into()))
    );

    let shown = run(&daemon, "show snmp statistics");
    assert!(shown.contains("Traps: 3, Trap drops: 0"), "{shown}");
    assert!(shown.contains("Bad community names: 2"), "{shown}");
}
