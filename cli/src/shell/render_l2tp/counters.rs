//! The Packets / Bytes table of every level (global, destination, tunnel, session).

use schema::l2tp_rpc::L2tpCounters;
use tabled::builder::Builder;
use tabled::settings::object::{Columns, Segment};
use tabled::settings::{Alignment, Padding, Style};

/// The table, each line indented by `indent` spaces. Counts right-aligned under their
/// heading; errors, retransmissions, duplicates and out-of-order are counted in packets.
pub fn counters_table(c: &L2tpCounters, indent: usize) -> String {
    let both = |label: &str, packets: u64, bytes: u64| {
        [label.to_string(), packets.to_string(), bytes.to_string()]
    };
    let packets =
        |label: &str, packets: u64| [label.to_string(), packets.to_string(), String::new()];
    let mut b = Builder::default();
    b.push_record(["", "Packets", "Bytes"].map(String::from));
    b.push_record(both("Control Tx", c.control_tx_packets, c.control_tx_bytes));
    b.push_record(both("Control Rx", c.control_rx_packets, c.control_rx_bytes));
    b.push_record(both("Data Tx", c.data_tx_packets, c.data_tx_bytes));
    b.push_record(both("Data Rx", c.data_rx_packets, c.data_rx_bytes));
    b.push_record(packets("Errors Rx", c.errors));
    b.push_record(packets("Retransmissions", c.retransmissions));
    b.push_record(packets("Duplicates", c.duplicates));
    b.push_record(packets("Out of order", c.out_of_order));
    let mut table = b.build();
    table
        .with(Style::empty())
        .modify(Segment::all(), Padding::new(0, 2, 0, 0))
        .modify(Columns::first(), Alignment::left())
        .modify(Columns::new(1..), Alignment::right())
        .modify(Columns::last(), Padding::zero());
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for line in table.to_string().lines() {
        out.push_str(&pad);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_and_bytes_columns() {
        let c = L2tpCounters {
            control_tx_packets: 12,
            control_tx_bytes: 840,
            control_rx_packets: 11,
            control_rx_bytes: 1_032,
            data_tx_packets: 3,
            data_tx_bytes: 150,
            data_rx_packets: 4,
            data_rx_bytes: 212,
            retransmissions: 1,
            duplicates: 0,
            out_of_order: 2,
            errors: 5,
        };
        assert_eq!(
            counters_table(&c, 2),
            "                   Packets  Bytes\n\
             \x20 Control Tx            12    840\n\
             \x20 Control Rx            11   1032\n\
             \x20 Data Tx                3    150\n\
             \x20 Data Rx                4    212\n\
             \x20 Errors Rx              5\n\
             \x20 Retransmissions        1\n\
             \x20 Duplicates             0\n\
             \x20 Out of order           2\n"
        );
    }
}
