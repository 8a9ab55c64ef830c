//! NAS-Port (attribute 5) of an Ethernet (PPPoE) subscriber, packed as `access profile P
//! radius options nas-port-extended-format` asks.
//!
//! What Juniper documents, and what this follows:
//! - Junos' `nas-port-extended-format` pages (access profile, 13.2 and current): NAS-Port is
//!   "formed by a combination of the physical port's slot number, port number, adapter
//!   number, VLAN ID, and S-VLAN ID"; each statement is the width of one field in bits, the
//!   widths together at most 32 (the commit refuses more: schema validate::access), and "the
//!   router may truncate the values of individual fields": a value keeps its low bits.
//!   `stacked` (13.2): "include stacked VLAN IDs, in addition to VLAN IDs".
//! - Junos OS's pages do not give the order of the fields in the 32 bits. JunosE's
//!   `radius nas-port-format extended ethernet field-widths slot adapter port svlan vlan`
//!   (JunosE 7.1 on, "radius nas-port-format extended") does: slot, adapter, port, S-VLAN,
//!   VLAN from the high bits down, a field without a width left out, and "when the total
//!   number of bits is less than 32, the NAS-Port attribute is right-justified and the extra
//!   bits are set to 0". That order is the one used here.
//!
//! Not found, so not done: Junos' NAS-Port for an Ethernet subscriber without
//! `nas-port-extended-format` (none is sent then), the place of the aggregated Ethernet field
//! (`ae-width` only counts against the 32 bits; the commit says so), and the layout
//! `vlan-nas-port-stacked-format` selects (it warns at commit).
//!
//! Slot, adapter and port come from the subscriber's physical interface (its name before the
//! unit's `.` and a `:VLAN` suffix): a Junos name `type-FPC/PIC/PORT` (`ge-1/2/3`) gives slot
//! FPC, adapter PIC and port PORT, as Junos' interface names mean them. A Linux name
//! (`eth1`, `veth-sub`) has no slot or adapter: both are 0, and the port is the number the
//! name ends with (`eth1` → 1), else 0 — our rule, so that subscribers of two NICs differ.
//! The VLAN is the innermost tag of the subscriber's frames, the S-VLAN the outer one of two
//! (0 when there is no such tag).

use schema::typed::{NasPortExtendedFormat, RadiusOptions};

use super::table::{AccessLeg, Subscriber};

/// NAS-Port of `subscriber` in its requests and records: a PPPoE subscriber's when its
/// profile has `nas-port-extended-format`; `None` otherwise (the LNS sends its own).
pub(super) fn subscriber_nas_port(options: &RadiusOptions, subscriber: &Subscriber) -> Option<u32> {
    let format = options.nas_port_extended_format.as_ref()?;
    match &subscriber.access {
        AccessLeg::Pppoe {
            underlying, vlans, ..
        } => Some(ethernet_nas_port(format, underlying, vlans)),
        AccessLeg::L2tp { .. } | AccessLeg::TestCall(_) => None,
    }
}

/// Slot, adapter and port of the physical interface `interface` names (see the module doc).
fn slot_adapter_port(interface: &str) -> (u32, u32, u32) {
    let name = interface.split(':').next().unwrap_or(interface);
    let physical = name.split('.').next().unwrap_or(name);
    if let Some((_, numbers)) = physical.split_once('-') {
        let parts: Vec<Option<u32>> = numbers.split('/').map(|n| n.parse().ok()).collect();
        if let [Some(slot), Some(adapter), Some(port)] = parts[..] {
            return (slot, adapter, port);
        }
    }
    let digits = physical.len()
        - physical
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count();
    (0, 0, physical[digits..].parse().unwrap_or(0))
}

/// NAS-Port of a subscriber on `interface` whose frames carry `vlans` (outermost first).
pub fn ethernet_nas_port(format: &NasPortExtendedFormat, interface: &str, vlans: &[u16]) -> u32 {
    let (slot, adapter, port) = slot_adapter_port(interface);
    let vlan = vlans.last().copied().map_or(0, u32::from);
    let svlan = match vlans {
        [outer, _, ..] => u32::from(*outer),
        _ => 0,
    };
    let mut fields = vec![
        (slot, format.slot_width),
        (adapter, format.adapter_width),
        (port, format.port_width),
    ];
    if format.stacked {
        fields.push((svlan, format.stacked_vlan_width));
    }
    fields.push((vlan, format.vlan_width));
    // A u64 holds one more field of up to 32 bits without losing the ones before; past 32
    // bits in all (which the commit refuses) the high fields fall off the top.
    let packed = fields.iter().fold(0u64, |packed, &(value, width)| {
        let width = u32::from(width.min(32));
        let mask = (1u64 << width) - 1;
        (packed << width) | (u64::from(value) & mask)
    });
    u32::try_from(packed & u64::from(u32::MAX)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(
        slot: u8,
        adapter: u8,
        port: u8,
        svlan: Option<u8>,
        vlan: u8,
    ) -> NasPortExtendedFormat {
        NasPortExtendedFormat {
            slot_width: slot,
            adapter_width: adapter,
            port_width: port,
            stacked: svlan.is_some(),
            stacked_vlan_width: svlan.unwrap_or(0),
            vlan_width: vlan,
            ae_width: 0,
        }
    }

    #[test]
    fn a_junos_name_gives_slot_adapter_and_port_a_linux_name_its_number() {
        assert_eq!(slot_adapter_port("ge-1/2/3.100"), (1, 2, 3));
        assert_eq!(slot_adapter_port("xe-10/0/7:100-200"), (10, 0, 7));
        assert_eq!(slot_adapter_port("eth1.100"), (0, 0, 1));
        assert_eq!(slot_adapter_port("ens33"), (0, 0, 33));
        assert_eq!(slot_adapter_port("veth-sub"), (0, 0, 0));
        assert_eq!(slot_adapter_port(""), (0, 0, 0));
    }

    /// No worked example on Juniper's pages; this one by hand, field by field.
    #[test]
    fn fields_pack_from_slot_down_to_vlan_right_justified() {
        // slot 1 (4 bits), adapter 2 (2), port 3 (4), S-VLAN 100 (10), VLAN 200 (12).
        let stacked = format(4, 2, 4, Some(10), 12);
        assert_eq!(
            ethernet_nas_port(&stacked, "ge-1/2/3.5", &[100, 200]),
            (1 << 28) | (2 << 26) | (3 << 22) | (100 << 12) | 200
        );
        // Without `stacked` the S-VLAN is not packed: slot 5 bits, adapter 0, port 3, VLAN 12.
        let plain = format(5, 0, 3, None, 12);
        assert_eq!(
            ethernet_nas_port(&plain, "ge-1/2/3.5", &[100, 200]),
            (1 << 15) | (3 << 12) | 200
        );
        // Untagged: VLAN 0; a single tag is the VLAN, not the S-VLAN.
        assert_eq!(ethernet_nas_port(&plain, "eth1", &[]), 1 << 12);
        assert_eq!(ethernet_nas_port(&stacked, "eth1", &[300]), (1 << 22) | 300);
    }

    #[test]
    fn a_value_wider_than_its_field_keeps_its_low_bits() {
        // Port 9 in 3 bits is 1; VLAN 4095 in 8 bits is 255.
        let narrow = format(0, 0, 3, None, 8);
        assert_eq!(
            ethernet_nas_port(&narrow, "ge-0/0/9", &[4095]),
            (1 << 8) | 255
        );
        // One field of 32 bits is the whole attribute.
        let whole = format(0, 0, 0, None, 32);
        assert_eq!(ethernet_nas_port(&whole, "eth0", &[4094]), 4094);
        // Widths past 32 (the commit refuses them) lose the high fields, never panic.
        let too_wide = format(32, 32, 32, Some(32), 32);
        assert_eq!(ethernet_nas_port(&too_wide, "ge-1/2/3", &[7, 8]), 8);
    }
}
