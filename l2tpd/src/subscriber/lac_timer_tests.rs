//! The subscriber layer carries the discovery servers' timer to the engine: a PADO held back
//! by `action delay` leaves through `poll_frame` once `handle_timeout` reaches its time.

use std::sync::Arc;

use super::*;
use crate::pppoe::wire::{Body, Code, Frame, MacAddr, Tag};
use crate::subscriber::pppoe_access::PortFacts;

const PORT: &str = "veth-dly";

#[test]
fn a_delayed_pado_leaves_when_the_engine_runs_the_layer_timers() {
    let lines = format!(
        "set interfaces {PORT} unit 0 family pppoe service-name-table t\n\
         set protocols pppoe service-name-tables t service slow delay 3\n"
    );
    let tree = schema::parse::apply_set_lines(&schema::tree::Node::default(), &lines).unwrap();
    let config = Arc::new(schema::typed::router_config(&tree));
    let mut registry = Registry::new(Arc::clone(&config), 5);
    let now = Instant::now();
    let mut layer = SubscriberLayer::new(5, now);
    layer.configure(now, &config, &mut registry);
    let ac = [0x02, 0, 0, 0, 0xac, 0x16];
    layer
        .access
        .attach(PORT, PortFacts { mac: ac, mtu: 1500 }, true);

    let client = MacAddr([0x02, 0x44, 0, 0, 0, 1]);
    let tags = vec![Tag::ServiceName(b"slow".to_vec())];
    let padi = Frame::discovery(MacAddr::BROADCAST, client, &[], Code::Padi, 0, tags)
        .to_bytes()
        .unwrap();
    layer.handle_frame(now, PORT, &padi, &config, &mut registry);
    assert_eq!(layer.poll_frame(), None);
    let due = now + Duration::from_secs(3);
    assert_eq!(layer.poll_timeout(), Some(due));

    layer.handle_timeout(due, &config, &mut registry);
    let out = layer.poll_frame().expect("the delayed PADO");
    assert_eq!(&*out.port, PORT);
    let frame = Frame::parse(&out.frame).unwrap();
    assert_eq!(frame.dst, client);
    assert!(matches!(
        frame.body,
        Body::Discovery {
            code: Code::Pado,
            ..
        }
    ));
    assert_eq!(layer.poll_timeout(), None);
}
