//! Parse and emit rates of the messages that dominate a busy LAC: SCCRQ (tunnel setup), ICRQ
//! (one per subscriber) and data messages (every PPP frame). Reported in messages/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

use l2tpd::l2tp::wire::attribute::{bearer, framing};
use l2tpd::l2tp::wire::{
    Avp, ControlHeader, ControlMessage, ControlMessageBuilder, DataHeader, DataMessage,
    MessageType, OffsetPadLimit, Sequence,
};

const SECRET: &[u8] = b"s3cret";

fn sccrq() -> ControlMessageBuilder {
    ControlMessageBuilder::new(MessageType::SCCRQ)
        .avp(Avp::ProtocolVersion {
            version: 1,
            revision: 0,
        })
        .avp(Avp::HostName(b"lac1.example.test".to_vec()))
        .avp(Avp::FramingCapabilities(framing::SYNC | framing::ASYNC))
        .avp(Avp::BearerCapabilities(bearer::DIGITAL))
        .avp(Avp::AssignedTunnelId(0x1234))
        .avp(Avp::ReceiveWindowSize(16))
        .avp(Avp::VendorName(b"l2tpd".to_vec()))
        .avp(Avp::Challenge(vec![0x5a; 16]))
}

fn icrq() -> ControlMessageBuilder {
    ControlMessageBuilder::new(MessageType::ICRQ)
        .avp(Avp::RandomVector(vec![9; 16]))
        .hidden_avp(Avp::AssignedSessionId(0x42), Vec::new())
        .avp(Avp::CallSerialNumber(7))
        .avp(Avp::BearerType(bearer::DIGITAL))
        .avp(Avp::CallingNumber(b"ge-0/0/1.100:100-200".to_vec()))
}

fn control(c: &mut Criterion, name: &str, builder: ControlMessageBuilder) {
    let header = ControlHeader {
        tunnel_id: 0x1234,
        session_id: 0,
        ns: 1,
        nr: 1,
    };
    let bytes = builder.emit(header, Some(SECRET)).expect("fits");
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Elements(1));
    group.bench_function("emit", |b| {
        b.iter(|| black_box(&builder).emit(header, Some(SECRET)))
    });
    group.bench_function("parse", |b| {
        b.iter(|| ControlMessage::parse(black_box(&bytes), Some(SECRET)))
    });
    group.finish();
}

fn data(c: &mut Criterion) {
    let frame = vec![0x21u8; 1400]; // an IPv4 packet behind PPP protocol 0x0021
    let message = DataMessage {
        header: DataHeader {
            tunnel_id: 0x1234,
            session_id: 0x42,
            with_length: false,
            sequence: Some(Sequence { ns: 1, nr: 0 }),
            offset_pad: None,
            priority: false,
        },
        payload: &frame,
    };
    let bytes = message.to_bytes().expect("fits");
    let mut out = vec![0u8; bytes.len()];
    let mut group = c.benchmark_group("data_1400");
    group.throughput(Throughput::Elements(1));
    group.bench_function("emit", |b| {
        b.iter(|| black_box(&message).emit_into(&mut out))
    });
    group.bench_function("parse", |b| {
        b.iter(|| DataMessage::parse(black_box(&bytes), OffsetPadLimit::default()))
    });
    group.finish();
}

fn codec(c: &mut Criterion) {
    control(c, "sccrq", sccrq());
    control(c, "icrq_hidden", icrq());
    data(c);
}

criterion_group!(benches, codec);
criterion_main!(benches);
