//! A heap profile of established subscribers, LAC and LNS in one process (`sim_lab`): run it
//! under DHAT to see what each subscriber costs by allocation site. Ignored: a measurement.
//!
//! ```sh
//! cargo test -p l2tpd --lib heap_profile --no-run   # note the test binary it prints
//! valgrind --tool=dhat --num-callers=80 --dhat-out-file=dhat.json \
//!     target/debug/deps/l2tpd-HASH engine::heap_profile --ignored --test-threads=1
//! ```
//! The lab is leaked on purpose, so DHAT's "at t-end" figures are the subscribers' (open
//! dhat.json in valgrind's dh_view.html, sorted by "At t-end").

use std::time::Duration;

use super::sim_lab::{config, lac_config, Lab, LNS_BASE};

const SUBSCRIBERS: usize = 2000;
const BATCH: usize = 200;

#[test]
#[ignore = "a measurement; run under DHAT as the module says"]
fn established_subscribers_left_for_dhat() {
    let mut lab = Lab::new(lac_config(""), config(LNS_BASE));
    for batch in 0..SUBSCRIBERS / BATCH {
        for i in 0..BATCH {
            lab.add_ip(&format!("u{batch}-{i}@isp.example"), "pw");
        }
        lab.settle();
        for _ in 0..3 {
            lab.advance(Duration::from_millis(100));
        }
    }
    assert_eq!(lab.lns.subscribers().table.len(), SUBSCRIBERS);
    assert_eq!(lab.lns.ip_relay().lock().len(), SUBSCRIBERS);
    std::mem::forget(lab);
}
