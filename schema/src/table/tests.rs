//! Integrity of the statement table: every reader of the table relies on these.

use super::*;

/// Every statement with its schema path (statement names), depth first.
fn walk() -> Vec<(Vec<&'static str>, &'static Stmt)> {
    fn go(
        stmt: &'static Stmt,
        path: &mut Vec<&'static str>,
        out: &mut Vec<(Vec<&'static str>, &'static Stmt)>,
    ) {
        for child in stmt.children {
            path.push(child.name);
            out.push((path.clone(), child));
            // A configuration group holds the top level's statements: walked once, there.
            if !(path.len() == 1 && child.name == "groups") {
                go(child, path, out);
            }
            path.pop();
        }
    }
    let mut out = Vec::new();
    go(&ROOT, &mut Vec::new(), &mut out);
    out
}

#[test]
fn names_are_unique_among_siblings_and_well_formed() {
    for (path, stmt) in walk().into_iter().chain([(vec![], &ROOT)]) {
        let mut names: Vec<&str> = stmt.children.iter().map(|c| c.name).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(names.len(), before, "duplicate statement under {path:?}");
        for name in names {
            // A keyless list has no name; it stands alone in its parent, so that any
            // word there is its key (def::keyless_list).
            if name.is_empty() {
                let keyless = stmt.keyless_child().is_some_and(|c| c.element.is_some());
                assert!(keyless && before == 1, "nameless statement under {path:?}");
                continue;
            }
            // Junos' one name with a colon: `radius attributes ignore
            // logical-system:routing-instance`.
            let name = name.replacen("logical-system:", "", 1);
            // And one with a dot: `gigether-options 802.3ad ae0` (the IEEE clause).
            let name = name.replacen("802.3ad", "ieee", 1);
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "bad statement name {name:?} under {path:?}"
            );
        }
    }
}

/// What a one-line statement may hold: words that fit on its line (a leaf-list's `[ a b ]`
/// only at the line's end, or the printer writes the block form).
fn on_one_line(c: &Stmt) -> bool {
    match c.kind {
        Kind::Leaf(_) | Kind::Flag | Kind::LeafList(_) => true,
        Kind::Container => c.one_line,
        Kind::List(_) => false,
    }
}

#[test]
fn kinds_are_consistent() {
    for (path, stmt) in walk() {
        match stmt.kind {
            Kind::Container => assert!(!stmt.children.is_empty(), "empty container {path:?}"),
            Kind::List(_) => {}
            Kind::Leaf(_) | Kind::Flag | Kind::LeafList(_) => {
                assert!(
                    stmt.children.is_empty(),
                    "{path:?} has children but no block"
                )
            }
        }
        assert!(
            !stmt.grouped || matches!(stmt.kind, Kind::List(_)),
            "{path:?}: only lists are grouped"
        );
        // Alternatives are flags (`traps | no-traps`), a flag and a container
        // (`keepalives { ... } | no-keepalives`), or flags and a leaf (a PPPoE service's
        // `terminate | drop | delay seconds`).
        assert!(
            stmt.exclusive.iter().all(|group| group.len() >= 2
                && group.iter().all(|name| stmt.child(name).is_some_and(|c| matches!(
                    c.kind,
                    Kind::Flag | Kind::Container | Kind::Leaf(_) | Kind::LeafList(_)
                )))),
            "{path:?}: each exclusive group names two or more flags, leaves, leaf-lists or containers of the statement"
        );
        assert!(
            !stmt.one_line
                || (matches!(stmt.kind, Kind::Container | Kind::List(_))
                    && stmt.children.iter().all(on_one_line)
                    && stmt.children.iter().filter(|c| c.positional).count() <= 1),
            "{path:?}: a one-line container or list entry holds leaves, leaf-lists, flags and \
             one-line containers, one of them positional"
        );
        assert!(
            !stmt.choice
                || (matches!(stmt.kind, Kind::Container | Kind::List(_))
                    && stmt.children.iter().all(on_one_line)),
            "{path:?}: a choice is between leaves, leaf-lists, flags and one-line containers"
        );
        for child in stmt.children.iter().filter(|c| c.positional) {
            assert!(
                stmt.one_line && matches!(child.kind, Kind::Leaf(_)),
                "{path:?} {}: only a leaf of a one-line container is positional",
                child.name
            );
        }
        assert!(
            !stmt.inline
                || (stmt.kind == Kind::Container && stmt.children.iter().all(|c| !c.grouped)),
            "{path:?}: only containers without grouped lists are inline"
        );
        assert!(
            !stmt.help.is_empty() && !stmt.help.ends_with('.'),
            "{path:?}: help text style"
        );
        assert!(
            stmt.help.chars().next().is_some_and(|c| c.is_uppercase()),
            "{path:?}: help starts with a capital"
        );
    }
}

#[test]
fn defaults_pass_their_own_type_in_canonical_form() {
    for (path, stmt) in walk() {
        let Some(default) = stmt.default else {
            continue;
        };
        let ty = match stmt.kind {
            Kind::Leaf(ty) | Kind::LeafList(ty) => ty,
            _ => panic!("{path:?}: only leaves have defaults"),
        };
        assert!(
            !matches!(ty, Type::Secret),
            "{path:?}: a secret cannot have a default"
        );
        assert_eq!(
            ty.check(default).as_deref(),
            Ok(default),
            "{path:?}: default {default}"
        );
        assert!(!stmt.mandatory, "{path:?}: mandatory and defaulted");
    }
}

#[test]
fn references_name_lists_reachable_through_containers() {
    let mut seen = 0;
    for (path, stmt) in walk() {
        assert!(
            stmt.reference.is_some() || stmt.reference_also.is_none(),
            "{path:?}: a second reference without a first"
        );
        for target in stmt.references() {
            seen += 1;
            // A list's key refers as a value does (a dynamic profile's `filter input F
            // { precedence N; }`), checked by validate::structure's `references`.
            assert!(
                matches!(stmt.kind, Kind::Leaf(_) | Kind::LeafList(_) | Kind::List(_)),
                "{path:?}: only values and list keys refer"
            );
            let list =
                stmt_at(target).unwrap_or_else(|| panic!("{path:?} refers to missing {target:?}"));
            assert!(
                matches!(list.kind, Kind::List(_)),
                "{path:?} refers to non-list {target:?}"
            );
            // Validation resolves a reference from the root, so no list may sit on the way.
            for depth in 1..target.len() {
                let on_the_way = stmt_at(&target[..depth]).map(|s| s.kind);
                assert_eq!(
                    on_the_way,
                    Some(Kind::Container),
                    "{path:?}: {target:?} crosses a list"
                );
            }
        }
    }
    assert!(seen >= 10, "references went missing from the table");
}

#[test]
fn enum_values_are_distinct() {
    for (path, stmt) in walk() {
        if let Kind::Leaf(Type::Enum(values))
        | Kind::LeafList(Type::Enum(values))
        | Kind::List(Type::Enum(values)) = stmt.kind
        {
            let mut sorted = values.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), values.len(), "{path:?}");
        }
    }
}

#[test]
fn stmt_at_follows_names() {
    assert!(std::ptr::eq(stmt_at(&[]).unwrap(), &ROOT));
    let pref = stmt_at(&["access", "tunnel-profile", "tunnel", "preference"]).unwrap();
    assert_eq!(pref.kind, Kind::Leaf(uint(0, 2000)));
    assert_eq!(pref.default, Some("2000"));
    assert!(stmt_at(&["access", "tunnel-profile", "nope"]).is_none());
    assert!(stmt_at(&["services", "l2tp", "tunnel", "idle-timeout", "x"]).is_none());
}

#[test]
fn published_ranges_and_defaults() {
    let check = |path: &[&str], kind: Kind, default: Option<&str>| {
        let stmt = stmt_at(path).unwrap_or_else(|| panic!("missing {path:?}"));
        assert_eq!((stmt.kind, stmt.default), (kind, default), "{path:?}");
    };
    check(
        &["services", "l2tp", "tunnel", "hello-interval"],
        Kind::Leaf(uint(0, 3600)),
        Some("60"),
    );
    check(
        &["services", "l2tp", "tunnel", "idle-timeout"],
        Kind::Leaf(uint(0, 86400)),
        Some("60"),
    );
    check(
        &[
            "services",
            "l2tp",
            "tunnel",
            "retransmission-count-not-established",
        ],
        Kind::Leaf(uint(2, 30)),
        Some("5"),
    );
    check(
        &["services", "l2tp", "tunnel", "rx-window-size"],
        Kind::Leaf(uint(4, 128)),
        Some("4"),
    );
    check(
        &["services", "l2tp", "destination", "lockout-timeout"],
        Kind::Leaf(uint(60, 3600)),
        Some("300"),
    );
    // Absent, a group's tunnels use the global rx-window-size, the 16 s cap and the
    // retransmission counts alone (no defaults here).
    check(
        &["services", "l2tp", "tunnel-group", "tunnel-timeout"],
        Kind::Leaf(uint(1, 86400)),
        None,
    );
    check(
        &["services", "l2tp", "tunnel-group", "receive-window"],
        Kind::Leaf(uint(1, 128)),
        None,
    );
    check(
        &["services", "l2tp", "tunnel-group", "retransmit-interval"],
        Kind::Leaf(uint(1, 60)),
        None,
    );
    check(
        &["access", "tunnel-profile", "tunnel"],
        Kind::List(uint(1, 31)),
        None,
    );
    check(
        &["access", "tunnel-profile", "tunnel", "max-sessions"],
        Kind::Leaf(uint(0, 60000)),
        None,
    );
    check(
        &["access", "radius-server", "port"],
        Kind::Leaf(uint(1, 65535)),
        Some("1812"),
    );
    check(
        &["access", "radius-server", "accounting-port"],
        Kind::Leaf(uint(1, 65535)),
        Some("1813"),
    );
    check(
        &["access", "profile", "client", "ppp", "keepalive"],
        Kind::Leaf(uint(0, 32767)),
        Some("30"),
    );
    check(&["interfaces", "unit"], Kind::List(uint(0, 16385)), None);
    check(&["snmp", "port"], Kind::Leaf(uint(1, 65535)), Some("161"));
    assert!(
        stmt_at(&["access", "radius-server", "secret"])
            .unwrap()
            .mandatory
    );
    assert!(
        stmt_at(&["system", "login", "user", "class"])
            .unwrap()
            .mandatory
    );
    assert!(stmt_at(&["interfaces"]).unwrap().grouped);
    assert!(stmt_at(&["access", "radius-server"]).unwrap().grouped);
    assert!(
        stmt_at(&["access", "profile", "radius-server"])
            .unwrap()
            .grouped
    );
    assert_eq!(
        stmt_at(&["access", "radius-server"]).unwrap().kind,
        Kind::List(Type::Ipv4)
    );
}

/// The statements accepted without effect, each warning at commit: the list to shrink as
/// the daemon learns them. Adding one is a decision, so it shows up here.
#[test]
fn statements_without_effect_are_these() {
    let marked: Vec<String> = walk()
        .into_iter()
        .filter(|(_, stmt)| stmt.no_effect.is_some())
        .map(|(path, _)| path.join(" "))
        .collect();
    assert_eq!(
        marked,
        [
            "system domain-name",
            "system domain-search",
            "system backup-router",
            "system no-redirects",
            "system no-ping-record-route",
            "system no-ping-time-stamp",
            "system arp",
            "system internet-options icmpv6-rate-limit",
            "system internet-options no-source-quench",
            "system internet-options tcp-drop-synfin-set",
            "system internet-options path-mtu-discovery",
            "system internet-options no-path-mtu-discovery",
            "system internet-options no-ipv6-path-mtu-discovery",
            "system internet-options no-tcp-reset",
            "system internet-options tcp-mss",
            "system authentication-order",
            "system location",
            "system ports",
            "system root-authentication",
            "system name-server",
            "system radius-server",
            "system tacplus-server",
            "system static-host-mapping",
            "system login retry-options",
            "system login class login-alarms",
            "system login class login-tip",
            "system login class configuration-breadcrumbs",
            "system login user uid",
            "system login user authentication",
            "system login password",
            "system services",
            "system syslog archive binary-data",
            "system syslog archive no-binary-data",
            "system syslog archive start-time",
            "system syslog archive transfer-interval",
            "system syslog file archive binary-data",
            "system syslog file archive no-binary-data",
            "system syslog file archive start-time",
            "system syslog file archive transfer-interval",
            "system syslog log-rotate-frequency",
            "system archival",
            "system commit",
            "system max-configurations-on-flash",
            "system auto-snapshot",
            "system management-instance",
            "system processes",
            "system configuration-database",
            "system ntp",
            "chassis",
            "services l2tp access-line-information connection-speed-update",
            "services l2tp destruct-timeout",
            "services l2tp disable-failover-protocol",
            "services l2tp ip-reassembly",
            "services l2tp traceoptions filter user-name",
            "services l2tp traceoptions no-remote-trace",
            "services l2tp tunnel-group tunnel-switch-profile",
            "services l2tp tunnel-switch-profile",
            "dynamic-profiles interfaces unit actual-transit-statistics",
            "dynamic-profiles interfaces unit proxy-arp",
            "dynamic-profiles interfaces unit traps",
            "dynamic-profiles interfaces unit ppp-options ignore-magic-number-mismatch",
            "dynamic-profiles interfaces unit keepalives up-count",
            "dynamic-profiles interfaces unit family inet mtu",
            "dynamic-profiles interfaces unit family inet filter input precedence",
            "dynamic-profiles interfaces unit family inet filter output precedence",
            "dynamic-profiles interfaces unit family pppoe max-sessions-vsa-ignore",
            "interfaces interface-range hierarchical-scheduler",
            "interfaces interface-range mtu",
            "interfaces interface-range hold-time",
            "interfaces interface-range speed",
            "interfaces interface-range link-mode",
            "interfaces interface-range mac",
            "interfaces interface-range gigether-options",
            "interfaces interface-range ether-options",
            "interfaces interface-range aggregated-ether-options",
            "interfaces interface-range unit actual-transit-statistics",
            "interfaces interface-range unit bandwidth",
            "interfaces interface-range unit proxy-arp",
            "interfaces interface-range unit ppp-options chap default-chap-secret",
            "interfaces interface-range unit ppp-options chap local-name",
            "interfaces interface-range unit ppp-options chap passive",
            "interfaces interface-range unit ppp-options ignore-magic-number-mismatch",
            "interfaces interface-range unit ppp-options lcp-max-conf-req",
            "interfaces interface-range unit ppp-options ncp-max-conf-req",
            "interfaces interface-range unit pppoe-underlying-options max-sessions-vsa-ignore",
            "interfaces interface-range unit keepalives up-count",
            "interfaces interface-range unit family inet mtu",
            "interfaces interface-range unit family inet no-redirects",
            "interfaces interface-range unit family inet targeted-broadcast",
            "interfaces interface-range unit family inet rpf-check",
            "interfaces interface-range unit family inet address preferred",
            "interfaces interface-range unit family pppoe max-sessions-vsa-ignore",
            "interfaces hierarchical-scheduler",
            "interfaces mtu",
            "interfaces hold-time",
            "interfaces speed",
            "interfaces link-mode",
            "interfaces mac",
            "interfaces gigether-options",
            "interfaces ether-options",
            "interfaces aggregated-ether-options",
            "interfaces unit actual-transit-statistics",
            "interfaces unit bandwidth",
            "interfaces unit proxy-arp",
            "interfaces unit ppp-options chap default-chap-secret",
            "interfaces unit ppp-options chap local-name",
            "interfaces unit ppp-options chap passive",
            "interfaces unit ppp-options ignore-magic-number-mismatch",
            "interfaces unit ppp-options lcp-max-conf-req",
            "interfaces unit ppp-options ncp-max-conf-req",
            "interfaces unit pppoe-underlying-options max-sessions-vsa-ignore",
            "interfaces unit keepalives up-count",
            "interfaces unit family inet mtu",
            "interfaces unit family inet no-redirects",
            "interfaces unit family inet targeted-broadcast",
            "interfaces unit family inet rpf-check",
            "interfaces unit family inet address preferred",
            "interfaces unit family pppoe max-sessions-vsa-ignore",
            "snmp filter-duplicates",
            "snmp nonvolatile",
            "snmp trap-group categories chassis",
            "snmp trap-group categories chassis-cluster",
            "snmp trap-group categories configuration",
            "snmp trap-group categories otn-alarms",
            "snmp trap-group categories remote-operations",
            "snmp trap-group categories rmon-alarm",
            "snmp trap-group categories routing",
            "snmp trap-group categories services",
            "snmp trap-group categories sonet-alarms",
            "snmp trap-group categories timing-events",
            "snmp trap-group categories vrrp-events",
            "protocols pppoe traceoptions no-remote-trace",
            "access address-assignment pool family inet dhcp-attributes maximum-lease-time",
            "access address-assignment pool family inet dhcp-attributes grace-period",
            "access address-assignment pool family inet dhcp-attributes boot-file",
            "access address-assignment pool family inet dhcp-attributes boot-server",
            "access address-assignment pool family inet dhcp-attributes domain-name",
            "access address-assignment pool family inet dhcp-attributes netbios-node-type",
            "access address-assignment pool family inet dhcp-attributes option",
            "access address-assignment pool family inet dhcp-attributes option-match",
            "access address-assignment pool family inet dhcp-attributes router",
            "access address-assignment pool family inet dhcp-attributes server-identifier",
            "access address-assignment pool family inet dhcp-attributes tftp-server",
            "access domain map tunnel-switch-profile",
            "access domain-name-server-inet6",
            "access group-profile l2tp multilink",
            "access group-profile ppp cell-overhead",
            "access group-profile ppp encapsulation-overhead",
            "access group-profile ppp interface-id",
            "access profile accounting address-change-immediate-update",
            "access profile accounting coa-no-override",
            "access profile accounting duplication",
            "access profile accounting send-acct-status-on-config-change",
            "access profile accounting wait-for-acct-on-ack",
            "access profile client l2tp multilink",
            "access profile client l2tp override-result-code",
            "access profile client l2tp sessions-limit-group",
            "access profile client ppp cell-overhead",
            "access profile client ppp encapsulation-overhead",
            "access profile client ppp interface-id",
            "access profile domain-name-server-inet6",
            "access profile radius options coa-dynamic-variable-validation",
            "access profile radius options ip-address-change-notify",
            "access profile radius options juniper-dsl-attributes",
            "access profile radius options nas-port-extended-format ae-width",
            "access profile radius options override calling-station-id",
            "access profile radius options override nas-port",
            "access profile radius options override nas-port-type",
            "access profile radius options vlan-nas-port-stacked-format",
            "access profile radius attributes exclude acc-aggr-cir-id-asc",
            "access profile radius attributes exclude acc-aggr-cir-id-bin",
            "access profile radius attributes exclude called-station-id",
            "access profile radius attributes exclude chargeable-user-identity",
            "access profile radius attributes exclude class",
            "access profile radius attributes exclude dhcp-gi-address",
            "access profile radius attributes exclude dhcp-mac-address",
            "access profile radius attributes exclude framed-ip-netmask",
            "access profile radius attributes exclude input-filter",
            "access profile radius attributes exclude input-gigapackets",
            "access profile radius attributes exclude output-filter",
            "access profile radius attributes exclude output-gigapackets",
            "access profile radius-server dynamic-request-port",
            "access profile radius-server preauthentication-port",
            "access profile radius-server preauthentication-secret",
            "access profile session-options client-group",
            "access profile session-options pcc-context",
            "access radius-server dynamic-request-port",
            "access radius-server preauthentication-port",
            "access radius-server preauthentication-secret",
            "access terminate-code dhcp",
            "access tunnel-profile tunnel logical-system",
            "access tunnel-profile tunnel routing-instance",
            "access tunnel-switch-profile",
            "routing-instances description",
        ]
    );
    // Each says why, for the warning.
    assert!(walk()
        .iter()
        .filter_map(|(_, s)| s.no_effect)
        .all(|why| !why.is_empty() && !why.ends_with('.')));
}
