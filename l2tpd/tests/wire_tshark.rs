//! Wireshark as an independent oracle: every message kind we emit goes into a pcap file
//! (raw IPv4, UDP 1701 on loopback), and tshark must name each one and find nothing malformed.
//!
//! Skips with a message when tshark is missing, except under CI (CI set), where it fails.

use std::path::Path;
use std::process::Command;

use l2tpd::l2tp::wire::attribute::{bearer, framing, proxy_authen};
use l2tpd::l2tp::wire::{
    challenge_response, zlb, Accm, Avp, CallErrors, ControlHeader, ControlMessageBuilder,
    DataHeader, DataMessage, MessageType, PppDisconnectCause, ResultCode, Sequence, UDP_PORT,
};

const SECRET: &[u8] = b"s3cret";
/// pcap LINKTYPE_RAW: each record is an IPv4 packet.
const LINKTYPE_RAW: u32 = 101;

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn ipv4_udp(payload: &[u8]) -> Vec<u8> {
    let total = 20 + 8 + payload.len();
    let mut ip = vec![
        0x45,
        0x00,
        (total >> 8) as u8,
        total as u8,
        0x00,
        0x01, // identification
        0x40,
        0x00, // don't fragment
        64,
        17, // TTL, UDP
        0x00,
        0x00, // checksum, below
        127,
        0,
        0,
        1,
        127,
        0,
        0,
        1,
    ];
    let sum = ip
        .chunks(2)
        .map(|w| u32::from(u16::from_be_bytes([w[0], w[1]])))
        .sum::<u32>();
    let folded = (sum & 0xffff) + (sum >> 16);
    let checksum = !((folded & 0xffff) + (folded >> 16)) as u16;
    ip[10..12].copy_from_slice(&checksum.to_be_bytes());
    let udp_len = (8 + payload.len()) as u16;
    ip.extend_from_slice(&UDP_PORT.to_be_bytes());
    ip.extend_from_slice(&UDP_PORT.to_be_bytes());
    ip.extend_from_slice(&udp_len.to_be_bytes());
    ip.extend_from_slice(&[0, 0]); // no UDP checksum: legal over IPv4
    ip.extend_from_slice(payload);
    ip
}

fn write_pcap(path: &Path, datagrams: &[Vec<u8>]) {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes()); // magic, microseconds
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes()); // thiszone
    out.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
    out.extend_from_slice(&65535u32.to_le_bytes()); // snaplen
    out.extend_from_slice(&LINKTYPE_RAW.to_le_bytes());
    for (i, datagram) in datagrams.iter().enumerate() {
        let packet = ipv4_udp(datagram);
        out.extend_from_slice(&(1_700_000_000u32 + i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        out.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        out.extend_from_slice(&packet);
    }
    std::fs::write(path, out).expect("write pcap");
}

fn header(tunnel_id: u16, session_id: u16, ns: u16) -> ControlHeader {
    ControlHeader {
        tunnel_id,
        session_id,
        ns,
        nr: ns,
    }
}

fn result(result: u16) -> Avp {
    Avp::ResultCode(ResultCode {
        result,
        error: Some(0),
        message: b"Goodbye".to_vec(),
    })
}

fn tunnel_setup(kind: MessageType) -> ControlMessageBuilder {
    ControlMessageBuilder::new(kind)
        .avp(Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        })
        .avp(Avp::HostName(b"dut-lac".to_vec()))
        .avp(Avp::FramingCapabilities(framing::SYNC | framing::ASYNC))
        .avp(Avp::BearerCapabilities(bearer::DIGITAL | bearer::ANALOG))
        .avp(Avp::AssignedTunnelId(0x1234))
        .avp(Avp::ReceiveWindowSize(16))
        .avp(Avp::FirmwareRevision(0x0100))
        .avp(Avp::VendorName(b"l2tpd".to_vec()))
}

/// One of every message kind, in a plausible order, with the name tshark gives each.
fn messages() -> Vec<(&'static str, Vec<u8>)> {
    let challenge = vec![0x5a; 16];
    // RFC 2661 §4.4.5: the CONFREQ AVPs carry the options only, from the first one on:
    // MRU 1492, Magic-Number.
    let lcp_confreq = vec![0x01, 0x04, 0x05, 0xd4, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78];
    let control = |kind: MessageType, builder: ControlMessageBuilder, h: ControlHeader| {
        let name = kind.name().expect("known");
        (name, builder.emit(h, Some(SECRET)).expect("fits"))
    };
    let session = |kind| ControlMessageBuilder::new(kind);
    let mut out = vec![
        control(
            MessageType::SCCRQ,
            tunnel_setup(MessageType::SCCRQ)
                .avp(Avp::TieBreaker([1, 2, 3, 4, 5, 6, 7, 8]))
                .avp(Avp::Challenge(challenge.clone())),
            header(0, 0, 0),
        ),
        control(
            MessageType::SCCRP,
            tunnel_setup(MessageType::SCCRP)
                .avp(Avp::Challenge(challenge.clone()))
                .avp(Avp::ChallengeResponse(challenge_response(
                    2, SECRET, &challenge,
                ))),
            header(0x1234, 0, 0),
        ),
        control(
            MessageType::SCCCN,
            ControlMessageBuilder::new(MessageType::SCCCN).avp(Avp::ChallengeResponse(
                challenge_response(3, SECRET, &challenge),
            )),
            header(0x1234, 0, 1),
        ),
        control(
            MessageType::HELLO,
            ControlMessageBuilder::new(MessageType::HELLO),
            header(0x1234, 0, 2),
        ),
        control(
            MessageType::ICRQ,
            session(MessageType::ICRQ)
                .avp(Avp::RandomVector(vec![9; 16]))
                .hidden_avp(Avp::AssignedSessionId(0x42), vec![])
                .avp(Avp::CallSerialNumber(7))
                .avp(Avp::BearerType(bearer::DIGITAL))
                .avp(Avp::PhysicalChannelId(3))
                .avp(Avp::CallingNumber(b"ge-0/0/1.100".to_vec()))
                .avp(Avp::CalledNumber(b"lns1".to_vec())),
            header(0x1234, 0, 3),
        ),
        control(
            MessageType::ICRP,
            session(MessageType::ICRP).avp(Avp::AssignedSessionId(0x43)),
            header(0x1234, 0x42, 1),
        ),
        control(
            MessageType::ICCN,
            session(MessageType::ICCN)
                .avp(Avp::TxConnectSpeed(1_000_000_000))
                .avp(Avp::FramingType(framing::SYNC))
                .avp(Avp::InitialReceivedLcpConfreq(lcp_confreq.clone()))
                .avp(Avp::LastSentLcpConfreq(lcp_confreq.clone()))
                .avp(Avp::LastReceivedLcpConfreq(lcp_confreq))
                .avp(Avp::ProxyAuthenType(proxy_authen::CHAP))
                .avp(Avp::ProxyAuthenName(b"user@example.test".to_vec()))
                .avp(Avp::ProxyAuthenChallenge(vec![0x11; 16]))
                .avp(Avp::ProxyAuthenId(1))
                .avp(Avp::ProxyAuthenResponse(vec![0x22; 16]))
                .avp(Avp::PrivateGroupId(b"vrf-a".to_vec()))
                .avp(Avp::RxConnectSpeed(1_000_000_000))
                .avp(Avp::SequencingRequired),
            header(0x1234, 0x43, 4),
        ),
        control(
            MessageType::SLI,
            session(MessageType::SLI).avp(Avp::Accm(Accm {
                send: 0xffff_ffff,
                receive: 0,
            })),
            header(0x1234, 0x43, 5),
        ),
        control(
            MessageType::WEN,
            session(MessageType::WEN).avp(Avp::CallErrors(CallErrors {
                crc: 1,
                framing: 2,
                hardware_overruns: 3,
                buffer_overruns: 4,
                timeouts: 5,
                alignment: 6,
            })),
            header(0x1234, 0x43, 6),
        ),
        control(
            MessageType::OCRQ,
            session(MessageType::OCRQ)
                .avp(Avp::AssignedSessionId(0x44))
                .avp(Avp::CallSerialNumber(8))
                .avp(Avp::MinimumBps(64_000))
                .avp(Avp::MaximumBps(2_048_000))
                .avp(Avp::BearerType(bearer::DIGITAL))
                .avp(Avp::FramingType(framing::SYNC))
                .avp(Avp::CalledNumber(b"5551234".to_vec()))
                .avp(Avp::SubAddress(b"1".to_vec())),
            header(0x1234, 0, 7),
        ),
        control(
            MessageType::OCRP,
            session(MessageType::OCRP).avp(Avp::AssignedSessionId(0x45)),
            header(0x1234, 0x44, 2),
        ),
        control(
            MessageType::OCCN,
            session(MessageType::OCCN)
                .avp(Avp::TxConnectSpeed(64_000))
                .avp(Avp::FramingType(framing::SYNC)),
            header(0x1234, 0x45, 3),
        ),
        control(
            MessageType::CDN,
            session(MessageType::CDN)
                .avp(result(3))
                .avp(Avp::AssignedSessionId(0x42))
                .avp(Avp::PppDisconnectCause(PppDisconnectCause {
                    code: 3,
                    protocol: 0xc021,
                    direction: 2,
                    message: b"bye".to_vec(),
                })),
            header(0x1234, 0x43, 8),
        ),
        control(
            MessageType::STOPCCN,
            ControlMessageBuilder::new(MessageType::STOPCCN)
                .avp(Avp::AssignedTunnelId(0x1234))
                .avp(result(1)),
            header(0x1234, 0, 9),
        ),
        ("ZLB", zlb(header(0x1234, 0, 10))),
    ];
    // LCP Echo-Request inside a sequenced data message with an offset pad.
    let lcp_echo = [0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4];
    let data = DataMessage {
        header: DataHeader {
            tunnel_id: 0x1234,
            session_id: 0x43,
            with_length: true,
            sequence: Some(Sequence { ns: 0, nr: 0 }),
            offset_pad: Some(2),
            priority: false,
        },
        payload: &lcp_echo,
    };
    // tshark's summary names the PPP frame inside a data message.
    out.push(("Echo Request", data.to_bytes().expect("fits")));
    out
}

#[test]
fn tshark_decodes_every_message_kind() {
    if !tshark_available() {
        if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
            panic!("tshark is required under CI (install the tshark Debian package)");
        }
        eprintln!("SKIPPED tshark_decodes_every_message_kind: tshark is not installed");
        return;
    }
    let messages = messages();
    let dir = tempfile::tempdir().expect("tempdir");
    let pcap = dir.path().join("l2tp.pcap");
    let datagrams: Vec<_> = messages.iter().map(|(_, d)| d.clone()).collect();
    write_pcap(&pcap, &datagrams);
    // To look at the capture by hand: L2TP_KEEP_PCAP=/tmp/l2tp.pcap cargo test --test wire_tshark
    if let Some(keep) = std::env::var_os("L2TP_KEEP_PCAP") {
        std::fs::copy(&pcap, keep).expect("copy pcap");
    }

    // One line per frame: its Info column, and any expert messages Wireshark attached.
    let output = Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .args(["-T", "fields", "-E", "separator=|"])
        .args(["-e", "frame.number", "-e", "_ws.col.Info"])
        .args(["-e", "_ws.malformed", "-e", "_ws.expert.severity"])
        .args(["-e", "l2tp.tunnel"])
        .output()
        .expect("run tshark");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tshark failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), messages.len(), "tshark output:\n{text}");
    for ((name, _), line) in messages.iter().zip(&lines) {
        let fields: Vec<&str> = line.split('|').collect();
        let info = fields.get(1).copied().unwrap_or("");
        let malformed = fields.get(2).copied().unwrap_or("");
        let severity = fields.get(3).copied().unwrap_or("");
        let tunnel = fields.get(4).copied().unwrap_or("");
        assert!(!tunnel.is_empty(), "{name} not decoded as L2TP: {line}");
        // Wireshark spells HELLO "Hello"; the other abbreviations are the RFC's.
        assert!(
            info.to_ascii_uppercase()
                .contains(&name.to_ascii_uppercase()),
            "{name}: tshark says {line}"
        );
        assert!(malformed.is_empty(), "{name} is malformed: {line}");
        // Expert severity values: 8388608 = error, 6291456 = warning (Wireshark's PI_ERROR/PI_WARN).
        assert!(
            !severity
                .split(',')
                .any(|s| s == "8388608" || s == "6291456"),
            "{name} has an expert error or warning: {line}"
        );
    }

    // The verbose decode must not mention a malformed packet or an expert error anywhere.
    let verbose = Command::new("tshark")
        .arg("-r")
        .arg(&pcap)
        .arg("-V")
        .output()
        .expect("run tshark -V");
    let verbose = String::from_utf8_lossy(&verbose.stdout);
    assert!(!verbose.contains("Malformed"), "{verbose}");
    assert!(!verbose.contains("Expert Info (Error"), "{verbose}");
    assert!(!verbose.contains("Expert Info (Warn"), "{verbose}");
    for expected in [
        "Start_Control_Request",
        "Challenge Response",
        "Proxy Authen Name: user@example.test",
        "Initial Received LCP CONFREQ",
        "PPP Disconnect Cause Code",
        "Direction: at local (2)",
        "CRC Errors: 1",
        "Alignment Errors: 6",
        "Send ACCM: 4294967295",
        "Hidden: True",
        "Calling Number: ge-0/0/1.100",
    ] {
        assert!(verbose.contains(expected), "tshark -V lacks {expected:?}");
    }
}
