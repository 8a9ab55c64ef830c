//! The shape of the statement schema: what a statement is, what values it takes.
//!
//! The table of every statement the product understands is in `table.rs`, written with the
//! `const fn` builders below so it reads as data. Validation, completion, `?` help,
//! canonical order and `| display set` all read that one table.

use crate::limits::quoted;
use std::net::Ipv4Addr;

/// The value type of a leaf, a leaf-list member or a list key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// An unsigned integer within an inclusive range.
    Uint { min: u64, max: u64 },
    /// A signed integer within an inclusive range (a DHCP option's `integer` and `short`).
    Int { min: i64, max: i64 },
    /// A size in bytes within an inclusive range, written as a number or with a `k`, `m` or
    /// `g` suffix as Junos takes it (`size 10m`); kept as the number of bytes.
    Size { min: u64, max: u64 },
    /// A number within an inclusive range, written plain or with Junos' decimal suffixes
    /// `k` (1000), `m` (1,000,000), `g` (1,000,000,000) as policers take bits per second and
    /// burst bytes (`bandwidth-limit 10m`); kept in the shortest such form.
    Decimal { min: u64, max: u64 },
    /// An unsigned integer within an inclusive range, or one of a few keywords standing for
    /// a value the router works out: `mtu (size | use-lower-layer)`.
    UintOr {
        min: u64,
        max: u64,
        words: &'static [&'static str],
    },
    /// A dotted-quad IPv4 address.
    Ipv4,
    /// An IPv4 address, or the same address as a host prefix (`a.b.c.d/32`), kept as written:
    /// Juniper's L2TP example gives a client `framed-ip-address 10.12.12.12/32` where the
    /// statement page writes a bare address.
    Ipv4Host,
    /// An IPv4 or IPv6 address (`127.0.0.1`, `::1`), kept in its canonical text.
    IpAddr,
    /// An IPv4 or IPv6 address, or one of a few keywords standing for an address the router
    /// works out: `trap-options source-address (address | lo0)`.
    IpAddrOr(&'static [&'static str]),
    /// An SNMP object identifier: dotted numbers or a MIB name with numbers after it
    /// (`1.3.6.1.4.1.2636`, `jnxMibs.1`). A leading dot (`.1.3.6.1`, as Net-SNMP writes
    /// a full OID) names the same OID and is dropped, so both forms are one entry.
    Oid,
    /// An IPv4 prefix `a.b.c.d/len` (host bits must be zero).
    Ipv4Prefix,
    /// An IPv4 prefix of a firewall match condition: host bits may be set, kept as written
    /// (Juniper's filter examples write `source-address { a.b.c.10/24; }`); a packet is
    /// matched under the prefix's length.
    Ipv4MatchPrefix,
    /// An SNMP client: an IPv4 or IPv6 prefix (`127.0.0.0/8`, `::1/128`), or `default`
    /// (every address). Juniper's SNMP pages write clients with host bits set
    /// (`1.2.3.4/24`): taken as written, a source being matched under the prefix's length.
    IpPrefix,
    /// One of a fixed set of keywords.
    Enum(&'static [&'static str]),
    /// Free text of at most `max_len` characters.
    Str { max_len: usize },
    /// A password or shared secret: stored obfuscated (`$9$...`), shown with `## SECRET-DATA`.
    Secret,
    /// A name: letters, digits and `-_.@/:`, starting with a letter or digit, at most `max_len`.
    Identifier { max_len: usize },
    /// An interface name such as `ge-0/0/0`, `si-1/0/0` or `lo0`.
    Interface,
    /// A name as [`Type::Identifier`] in which `*` may also stand, anywhere, as a wildcard:
    /// Junos' domain map names (`*.example`, `xyz*north.example`).
    WildcardName { max_len: usize },
    /// An access-profile client: a name as [`Type::Identifier`] (63 characters), or `*`,
    /// Junos' wildcard client that takes any peer no other client names.
    ClientName,
    /// A VLAN tag of `vlan-tags outer | inner`: a VLAN ID (1..4094), or Junos' `tpid.vlan-id`
    /// with one of [`VLAN_TAG_TPIDS`] (`0x9100.100`), kept with the TPID in lower-case hex.
    VlanTag,
    /// In a dynamic profile: a value of the inner type, or a variable the subscriber layer
    /// replaces when a subscriber logs in (`"$junos-interface-unit"`, `"$vlan"`). Which
    /// variables exist is checked at commit (validate::dynamic_profiles), not here: a
    /// user variable may be defined after the statement that uses it.
    OrVariable(&'static Type),
}

/// What kind of statement this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A block of statements: `services { ... }`.
    Container,
    /// A list of blocks keyed by a value: `tunnel-profile NAME { ... }`, `unit N { ... }`.
    List(Type),
    /// One value: `idle-timeout 60;`.
    Leaf(Type),
    /// Present or absent: `drain;`.
    Flag,
    /// Several values: `authentication-order [ radius password ];`.
    LeafList(Type),
}

/// One statement of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Stmt {
    pub name: &'static str,
    pub kind: Kind,
    pub help: &'static str,
    /// The value in force when the statement is absent (shown in help, used by the typed view).
    pub default: Option<&'static str>,
    /// Must be present whenever its parent is (checked at commit).
    pub mandatory: bool,
    /// For a leaf naming another configured object: the schema path of the list it refers to,
    /// e.g. `&["access", "tunnel-profile"]`. Checked at commit.
    pub reference: Option<&'static [&'static str]>,
    /// A second list the value may name instead (`firewall filter F`, the older form of
    /// `firewall family inet filter F`).
    pub reference_also: Option<&'static [&'static str]>,
    /// For a list: entries are written inside one block named after the list, without the
    /// keyword repeated (`interfaces { ge-0/0/0 { ... } }`, `radius-server { 198.18.0.1 {...} }`),
    /// as Junos shows them. In `set` form they read `set interfaces ge-0/0/0 ...` either way.
    pub grouped: bool,
    /// For a container of leaves and flags: Junos writes it whole on one line,
    /// `file l2tpd size 10m files 5;`. The brace parser reads that and the block form.
    pub one_line: bool,
    /// For a container of leaves and flags: written on one line while it holds one
    /// statement (`then accept;`), as a block when it holds more (`then { count c; accept; }`),
    /// as Junos shows a firewall term's `then`. The brace parser reads both forms.
    pub single_line: bool,
    /// For a leaf of a one-line container: written as its value alone, without its keyword
    /// (the file name in `file l2tpd size 10m;`).
    pub positional: bool,
    /// For a container: Junos never shows it as a block of its own; each child is written on
    /// the container's line (`family inet { ... }`, `family pppoe { ... }`, never
    /// `family { inet { ... } }`). The brace parser reads either form.
    pub inline: bool,
    /// For a leaf-list: Junos shows it as a block, one value a line (`name-server {
    /// 198.18.0.53; }` under `dhcp-attributes`), not as `[ a b ]`. The brace parser reads
    /// a block for any leaf-list, and the `[ ]` form for this one too.
    pub braced: bool,
    /// Accepted so that a Junos configuration loads, but the daemon does not act on it (yet):
    /// why, as the commit warning `statement has no effect: <why>` says. Nothing the table
    /// accepts is ignored without that warning.
    pub no_effect: Option<&'static str>,
    /// For a container of leaves and flags: its children are alternatives, one at a time, as
    /// Junos' `action (terminate | drop | delay seconds)`. Setting one removes the others;
    /// a configuration loaded with two is refused at commit.
    pub choice: bool,
    /// For a container: groups of its children that are alternatives among the others, as
    /// Junos' `dial-options { l2tp-interface-id N; (dedicated | shared); }` (one group), or a
    /// unit's `traps | no-traps` and `keepalives | no-keepalives` (two). Setting one removes
    /// the others of its group; a configuration loaded with two is refused at commit.
    pub exclusive: &'static [&'static [&'static str]],
    /// For a container whose presence alone is configuration (`short-cycle-protection;`
    /// turns the protection on): a delete that empties it keeps it, where an ordinary
    /// container left empty is pruned.
    pub presence: bool,
    /// For a keyless list (its `name` is empty): the name Junos gives its entries in XML and
    /// JSON (`client-address-list`), where an element needs a name.
    pub element: Option<&'static str>,
    /// For a grouped list that Junos holds in a container of the list's own name: the element
    /// of each entry in XML and JSON (`<interfaces><interface><name>ge-0/0/0</name>`,
    /// `"routing-instances": {"instance": [...]}`); `None` for the lists whose entries stand
    /// alone (`<radius-server><name>...`).
    pub entry_element: Option<&'static str>,
    /// For a child of a grouped list: it belongs to the list's own block, beside the entries
    /// (Junos' `interfaces { interface-range R { ... } ge-0/0/0 { ... } }`), never to an
    /// entry. The tree holds such statements under a node of the list's keyword without a
    /// key (`NodeId::new("interfaces")`), which sorts before the entries.
    pub list_level: bool,
    /// For a list: one entry at a time, Junos' one statement that takes a name and a block
    /// (a dynamic profile's `filter { input F { precedence N; } }`): `set` of another name
    /// replaces the entry; brace text with two is refused at commit.
    pub single: bool,
    pub children: &'static [Stmt],
}

impl Stmt {
    const fn base(name: &'static str, kind: Kind, help: &'static str) -> Stmt {
        Stmt {
            name,
            kind,
            help,
            default: None,
            mandatory: false,
            reference: None,
            reference_also: None,
            grouped: false,
            one_line: false,
            single_line: false,
            positional: false,
            inline: false,
            braced: false,
            no_effect: None,
            choice: false,
            exclusive: &[],
            presence: false,
            element: None,
            entry_element: None,
            list_level: false,
            single: false,
            children: &[],
        }
    }
    pub const fn default(mut self, value: &'static str) -> Stmt {
        self.default = Some(value);
        self
    }
    pub const fn mandatory(mut self) -> Stmt {
        self.mandatory = true;
        self
    }
    pub const fn grouped(mut self) -> Stmt {
        self.grouped = true;
        self
    }
    pub const fn one_line(mut self) -> Stmt {
        self.one_line = true;
        self
    }
    pub const fn single_line(mut self) -> Stmt {
        self.single_line = true;
        self
    }
    pub const fn positional(mut self) -> Stmt {
        self.positional = true;
        self
    }
    /// Only for a container none of whose children is a grouped list (an entry of one is
    /// written by its key alone, which needs the block around it).
    pub const fn inline(mut self) -> Stmt {
        self.inline = true;
        self
    }
    /// See [`Stmt::list_level`].
    /// See [`Stmt::entry_element`].
    pub const fn entries_as(mut self, element: &'static str) -> Stmt {
        self.entry_element = Some(element);
        self
    }
    pub const fn list_level(mut self) -> Stmt {
        self.list_level = true;
        self
    }
    /// See [`Stmt::single`].
    pub const fn single(mut self) -> Stmt {
        self.single = true;
        self
    }
    pub const fn presence(mut self) -> Stmt {
        self.presence = true;
        self
    }
    pub const fn braced(mut self) -> Stmt {
        self.braced = true;
        self
    }
    pub const fn refers_to(mut self, list: &'static [&'static str]) -> Stmt {
        self.reference = Some(list);
        self
    }
    pub const fn refers_also_to(mut self, list: &'static [&'static str]) -> Stmt {
        self.reference_also = Some(list);
        self
    }
    /// The lists a value of this statement may name.
    pub fn references(&self) -> impl Iterator<Item = &'static [&'static str]> {
        self.reference.into_iter().chain(self.reference_also)
    }
    pub const fn choice(mut self) -> Stmt {
        self.choice = true;
        self
    }
    pub const fn exclusive(mut self, groups: &'static [&'static [&'static str]]) -> Stmt {
        self.exclusive = groups;
        self
    }
    pub const fn no_effect(mut self, why: &'static str) -> Stmt {
        self.no_effect = Some(why);
        self
    }

    /// The child statement called exactly `name`. `apply-groups` and `apply-groups-except`
    /// stand in every block that can hold a block of statements (Junos: "all hierarchy
    /// levels"), so they are not repeated in the table: see [`group_statement`].
    pub fn child(&self, name: &str) -> Option<&'static Stmt> {
        self.children
            .iter()
            .find(|c| c.name == name)
            .or_else(|| group_statement(self, name))
    }

    /// Position of a child in canonical order.
    pub fn child_index(&self, name: &str) -> Option<usize> {
        self.children.iter().position(|c| c.name == name)
    }

    /// Children whose name starts with `prefix` (for abbreviations and completion).
    pub fn children_with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = &'static Stmt> + 'a {
        self.children
            .iter()
            .filter(move |c| c.name.starts_with(prefix))
    }

    /// The child written by its value alone, if any.
    pub fn positional_child(&self) -> Option<&'static Stmt> {
        self.children.iter().find(|c| c.positional)
    }

    /// A keyless list: its entries are written by their key alone, straight in the block of
    /// the statement above (`client-list L { 127.0.0.0/8; }`, `set snmp client-list L
    /// 127.0.0.0/8`), Junos' "nokeyword" list. Its name, and the keyword of its entries'
    /// [`crate::tree::NodeId`]s, is the empty string.
    pub fn is_keyless(&self) -> bool {
        self.name.is_empty() && matches!(self.kind, Kind::List(_))
    }

    /// The child `name` of one node of this statement: `list_block` when the node is a
    /// grouped list's own block (its keyword without a key), which holds only the
    /// [`Stmt::list_level`] children; every other node holds only the others.
    /// `apply-groups` and `apply-groups-except` stand in both: `interfaces { apply-groups G;
    /// }` applies G's interfaces (typed::groups).
    pub fn child_in(&self, list_block: bool, name: &str) -> Option<&'static Stmt> {
        self.child(name)
            .filter(|c| c.list_level == list_block || is_group_statement(c))
    }

    /// `apply-groups` and `apply-groups-except` where this statement's blocks take them
    /// without its table naming them (see [`Stmt::child`]), for `?` and completion; in a
    /// grouped list's own block too, when the list has one.
    pub fn group_statements(&self) -> impl Iterator<Item = &'static Stmt> + '_ {
        [APPLY_GROUPS.name, APPLY_GROUPS_EXCEPT.name]
            .into_iter()
            .filter(|name| self.child_index(name).is_none())
            .filter_map(|name| group_statement(self, name))
    }

    /// Whether a node of this statement's keyword without a key is its list-level block:
    /// every grouped list's (`interfaces { interface-range R { ... } apply-groups G; }`,
    /// `radius-server { apply-groups G; ... }`: Junos takes `apply-groups` at every
    /// hierarchy level), but `groups`' own (a group does not apply groups).
    pub fn has_list_block(&self) -> bool {
        let grouped = self.grouped && self.name != crate::typed::groups::GROUPS;
        matches!(self.kind, Kind::List(_)) && (grouped || self.block_takes_tags())
    }

    /// Whether the list's whole block takes tags (`inactive: interfaces {`, `deactivate
    /// interfaces`): only a list with list-level statements, as Junos' `interfaces` is a
    /// container of its own; the other grouped lists (`radius-server`, `name-server`) are
    /// only written grouped, and their entries are tagged one by one.
    pub fn block_takes_tags(&self) -> bool {
        matches!(self.kind, Kind::List(_)) && self.children.iter().any(|c| c.list_level)
    }

    /// The keyless list among the children, if any: a word that names no child is its key.
    pub fn keyless_child(&self) -> Option<&'static Stmt> {
        self.children.iter().find(|c| c.is_keyless())
    }

    /// The name of the statement in XML and JSON.
    pub fn element_name(&self) -> &'static str {
        self.element.unwrap_or(self.name)
    }

    /// True for statements that hold other statements (containers and list entries).
    pub fn has_block(&self) -> bool {
        matches!(self.kind, Kind::Container | Kind::List(_))
    }
}

/// `apply-groups [ G1 G2 ];`: the configuration groups this level and the levels below it
/// inherit, the first listed winning (typed::groups).
pub const APPLY_GROUPS: Stmt = leaf_list(
    "apply-groups",
    GROUP_NAME,
    "Groups from which to inherit configuration data",
)
// An unknown group is a commit error: this reference when the configuration has no group
// at all, typed::groups (in the same words) when it has some.
.refers_to(&["groups"]);

/// `apply-groups-except [ G ];`: groups an upper level applies that this level and the
/// levels below it do not inherit. Junos has it at every level except the top.
pub const APPLY_GROUPS_EXCEPT: Stmt = leaf_list(
    "apply-groups-except",
    GROUP_NAME,
    "Don't inherit configuration data from these groups",
)
.refers_to(&["groups"]);

static ANY_APPLY_GROUPS: Stmt = APPLY_GROUPS;
static ANY_APPLY_GROUPS_EXCEPT: Stmt = APPLY_GROUPS_EXCEPT;

/// Whether `stmt` is `apply-groups` or `apply-groups-except` (the root's own included).
pub fn is_group_statement(stmt: &Stmt) -> bool {
    stmt.name == APPLY_GROUPS.name || stmt.name == APPLY_GROUPS_EXCEPT.name
}

/// A configuration group's name (`re0`, `common`): our choice of 63 characters, as the
/// table's other names.
pub const GROUP_NAME: Type = Type::Identifier { max_len: 63 };

/// `apply-groups` or `apply-groups-except` under `stmt`, when `stmt` is a block of its own
/// in the text. The root names `apply-groups` in its table (and, as Junos, has no
/// `apply-groups-except`); keyless lists, one-line, single-line and inline containers are
/// written without a block of their own, where the statement could not be shown.
fn group_statement(stmt: &Stmt, name: &str) -> Option<&'static Stmt> {
    let block = match stmt.kind {
        Kind::Container => !(stmt.one_line || stmt.single_line || stmt.inline || stmt.choice),
        Kind::List(_) => true,
        _ => false,
    };
    if !block || stmt.name.is_empty() {
        return None;
    }
    match name {
        "apply-groups" => Some(&ANY_APPLY_GROUPS),
        "apply-groups-except" => Some(&ANY_APPLY_GROUPS_EXCEPT),
        _ => None,
    }
}

/// Whether `key` is a wildcard of a configuration group (`<*>`, `<ge-*>`): angle brackets
/// around a name that may hold `*`, `?` and a `[...]` class, as Junos takes them where a
/// list key stands inside `groups`.
pub fn is_wildcard_key(key: &str) -> bool {
    key.len() > 2 && key.starts_with('<') && key.ends_with('>')
}

/// The longest wildcard key a group takes (`<ge-0/0/[0-3]>`), in characters.
pub const MAX_WILDCARD: usize = 255;

/// A list key of the list under `path` as [`Type::check`] takes it, or, inside `groups`,
/// a wildcard (kept as written).
pub fn check_key(ty: Type, key: &str, path: &[crate::tree::NodeId]) -> Result<String, String> {
    let in_group = path
        .first()
        .is_some_and(|id| id.keyword == crate::typed::groups::GROUPS);
    if in_group && is_wildcard_key(key) {
        // Our choice: room for any name's pattern, not for a pasted page.
        if key.chars().count() > MAX_WILDCARD {
            return Err(format!(
                "wildcard '{}' is longer than {MAX_WILDCARD} characters",
                quoted(key)
            ));
        }
        return crate::typed::groups::Pattern::new(key).map(|_| key.to_string());
    }
    ty.check(key)
}

pub const fn container(name: &'static str, help: &'static str, children: &'static [Stmt]) -> Stmt {
    let mut s = Stmt::base(name, Kind::Container, help);
    s.children = children;
    s
}
pub const fn list(
    name: &'static str,
    key: Type,
    help: &'static str,
    children: &'static [Stmt],
) -> Stmt {
    let mut s = Stmt::base(name, Kind::List(key), help);
    s.children = children;
    s
}
/// A keyless list (see [`Stmt::is_keyless`]); `element` is its XML and JSON name. The
/// statement holding it has no other child, so a word there is always a key.
pub const fn keyless_list(
    element: &'static str,
    key: Type,
    help: &'static str,
    children: &'static [Stmt],
) -> Stmt {
    let mut s = Stmt::base("", Kind::List(key), help);
    s.element = Some(element);
    s.children = children;
    s
}
/// `a` then `b` as one array of `N` statements (`N` must be their total length; anything
/// else fails to compile): a block that takes another block's statements and some of its
/// own, written once (an interface range takes an interface's statements).
pub const fn joined<const N: usize>(a: &[Stmt], b: &[Stmt]) -> [Stmt; N] {
    assert!(a.len() + b.len() == N, "joined: N is not the total length");
    let mut out = [flag("", ""); N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    let mut j = 0;
    while j < b.len() {
        out[i + j] = b[j];
        j += 1;
    }
    out
}
pub const fn leaf(name: &'static str, ty: Type, help: &'static str) -> Stmt {
    Stmt::base(name, Kind::Leaf(ty), help)
}
pub const fn flag(name: &'static str, help: &'static str) -> Stmt {
    Stmt::base(name, Kind::Flag, help)
}
pub const fn leaf_list(name: &'static str, ty: Type, help: &'static str) -> Stmt {
    Stmt::base(name, Kind::LeafList(ty), help)
}
pub const fn uint(min: u64, max: u64) -> Type {
    Type::Uint { min, max }
}

impl Type {
    /// Checks a value typed by an operator or read from a file and returns it in canonical
    /// form (secrets obfuscated, numbers without leading zeros). The error is the Junos-style
    /// reason, e.g. `Value 99999 is not within range (0..86400)`; it quotes at most the start
    /// of a long value.
    pub fn check(&self, value: &str) -> Result<String, String> {
        let q = || quoted(value);
        match *self {
            Type::Uint { min, max } => {
                let n: u64 = value
                    .parse()
                    .ok()
                    .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| format!("invalid numeric value: '{}'", q()))?;
                if n < min || n > max {
                    return Err(format!("Value {n} is not within range ({min}..{max})"));
                }
                Ok(n.to_string())
            }
            Type::Int { min, max } => {
                let digits = value.strip_prefix('-').unwrap_or(value);
                let n: i64 = value
                    .parse()
                    .ok()
                    .filter(|_| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                    .ok_or_else(|| format!("invalid numeric value: '{}'", q()))?;
                if n < min || n > max {
                    return Err(format!("Value {n} is not within range ({min}..{max})"));
                }
                Ok(n.to_string())
            }
            Type::UintOr { min, max, words } => {
                if words.contains(&value) {
                    return Ok(value.to_string());
                }
                Type::Uint { min, max }.check(value).map_err(|e| {
                    if value.bytes().all(|b| b.is_ascii_digit()) {
                        e
                    } else {
                        format!(
                            "invalid value '{}': expecting a number ({min}..{max}) or one of {}",
                            q(),
                            words.join(", ")
                        )
                    }
                })
            }
            Type::Size { min, max } => {
                let n = size_bytes(value).ok_or_else(|| format!("invalid size: '{}'", q()))?;
                if n < min || n > max {
                    return Err(format!("Value {} is not within range ({min}..{max})", q()));
                }
                Ok(size_text(n))
            }
            Type::Decimal { min, max } => {
                let n = decimal_value(value)
                    .ok_or_else(|| format!("invalid numeric value: '{}'", q()))?;
                if n < min || n > max {
                    return Err(format!("Value {} is not within range ({min}..{max})", q()));
                }
                Ok(decimal_text(n))
            }
            // An IPv6 address where only IPv4 is taken (`radius-server ::1`) is a Junos
            // form this router does not have, not a typing mistake: say so.
            Type::Ipv4 if value.parse::<std::net::Ipv6Addr>().is_ok() => Err(format!(
                "'{}' is an IPv6 address: IPv6 is not supported by this router here, \
                 expecting an IPv4 address",
                q()
            )),
            Type::Ipv4 => value
                .parse::<Ipv4Addr>()
                .map(|a| a.to_string())
                .map_err(|_| format!("invalid IPv4 address: '{}'", q())),
            Type::Ipv4Host => match value.strip_suffix("/32") {
                Some(address) => address.parse::<Ipv4Addr>().map(|a| format!("{a}/32")),
                None => value.parse::<Ipv4Addr>().map(|a| a.to_string()),
            }
            .map_err(|_| {
                format!(
                    "invalid value '{}': expecting an IPv4 address or a /32 prefix",
                    q()
                )
            }),
            Type::IpAddr => value
                .parse::<std::net::IpAddr>()
                .map(|a| a.to_string())
                .map_err(|_| format!("invalid IP address: '{}'", q())),
            Type::IpAddrOr(words) if words.contains(&value) => Ok(value.to_string()),
            Type::IpAddrOr(words) => Type::IpAddr.check(value).map_err(|_| {
                format!(
                    "invalid value '{}': expecting an IP address or one of {}",
                    q(),
                    words.join(", ")
                )
            }),
            Type::Oid => {
                let oid = value.strip_prefix('.').unwrap_or(value);
                Type::Identifier { max_len: 128 }
                    .check(oid)
                    .map_err(|_| format!("invalid object identifier: '{}'", q()))
            }
            Type::Ipv4Prefix => check_prefix(value, false),
            Type::Ipv4MatchPrefix => check_prefix(value, true),
            Type::IpPrefix if value == "default" => Ok(value.to_string()),
            Type::IpPrefix if value.contains(':') => check_ipv6_prefix(value, true),
            Type::IpPrefix => check_prefix(value, true),
            Type::Enum(choices) => {
                if choices.contains(&value) {
                    Ok(value.to_string())
                } else {
                    Err(format!(
                        "invalid value '{}': expecting one of {}",
                        q(),
                        choices.join(", ")
                    ))
                }
            }
            Type::Str { max_len } => {
                crate::limits::check_text(&format!("'{}'", q()), value, max_len)?;
                Ok(value.to_string())
            }
            Type::Secret => crate::secret::store_form(value),
            Type::Identifier { max_len } => {
                let ok_chars = value.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@' | '/' | ':')
                });
                let ok_start = value
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
                if !ok_chars || !ok_start {
                    Err(format!(
                        "invalid name '{}': use letters, digits and - _ . @ / :, starting with a letter or digit",
                        q()
                    ))
                } else if value.len() > max_len {
                    Err(format!(
                        "name '{}' is longer than {max_len} characters",
                        q()
                    ))
                } else {
                    Ok(value.to_string())
                }
            }
            Type::VlanTag => check_vlan_tag(value),
            // Each `*` checked as a letter would be; the text kept as written.
            Type::WildcardName { max_len } => Type::Identifier { max_len }
                .check(&value.replace('*', "x"))
                .map(|_| value.to_string())
                .map_err(|_| {
                    format!(
                        "invalid name '{}': use letters, digits, * and - _ . @ / :",
                        q()
                    )
                }),
            Type::ClientName if value == "*" => Ok(value.to_string()),
            Type::ClientName => Type::Identifier { max_len: 63 }.check(value),
            Type::OrVariable(inner) => match value.strip_prefix('$') {
                Some(name) if is_variable_name(name) => Ok(value.to_string()),
                Some(_) => Err(format!(
                    "invalid variable '{}': use $ then letters, digits, - and _",
                    q()
                )),
                None => inner.check(value),
            },
            Type::Interface => {
                let ok = value.len() <= 64
                    && value
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | ':'));
                if ok {
                    Ok(value.to_string())
                } else {
                    Err(format!("invalid interface name: '{}'", q()))
                }
            }
        }
    }

    /// The `<placeholder>` shown in `?` help for this value.
    pub fn placeholder(&self) -> String {
        match *self {
            Type::Uint { min, max } => format!("<{min}..{max}>"),
            Type::Int { min, max } => format!("<{min}..{max}>"),
            Type::UintOr { min, max, .. } => format!("<{min}..{max}>"),
            Type::Size { .. } => "<size>".into(),
            Type::Decimal { .. } => "<number>".into(),
            Type::Ipv4 | Type::Ipv4Host | Type::IpAddr | Type::IpAddrOr(_) => "<address>".into(),
            Type::Oid => "<oid>".into(),
            Type::Ipv4Prefix | Type::Ipv4MatchPrefix | Type::IpPrefix => "<prefix>".into(),
            Type::Enum(_) => "<value>".into(),
            Type::Str { .. } => "<string>".into(),
            Type::Secret => "<secret>".into(),
            Type::Identifier { .. } | Type::ClientName | Type::WildcardName { .. } => {
                "<name>".into()
            }
            Type::Interface => "<interface-name>".into(),
            Type::VlanTag => "<[tpid.]vlan-id>".into(),
            Type::OrVariable(inner) => inner.placeholder(),
        }
    }

    /// The type of a value that is not a variable: `Uint` for `OrVariable(Uint)`.
    pub fn concrete(&self) -> Type {
        match *self {
            Type::OrVariable(inner) => inner.concrete(),
            other => other,
        }
    }
}

/// The TPIDs a `vlan-tags` tag may name: IEEE 802.1Q's, 802.1ad's, and 0x9100, the service
/// tag of pre-standard QinQ switches (Junos' `tag-protocol-id` choices for an outer tag).
pub const VLAN_TAG_TPIDS: [u16; 3] = [0x8100, 0x88a8, 0x9100];

/// `100` or `0x9100.100`: the TPID if one is written, and the VLAN ID; `Err` says why not.
pub fn vlan_tag(value: &str) -> Result<(Option<u16>, u16), String> {
    let (tpid, id) = match value.split_once('.') {
        None => (None, value),
        Some((tpid, id)) => {
            let hex = tpid
                .strip_prefix("0x")
                .or_else(|| tpid.strip_prefix("0X"))
                .filter(|h| h.len() == 4)
                .and_then(|h| u16::from_str_radix(h, 16).ok())
                .filter(|t| VLAN_TAG_TPIDS.contains(t));
            let Some(tpid) = hex else {
                let allowed: Vec<String> =
                    VLAN_TAG_TPIDS.iter().map(|t| format!("{t:#06x}")).collect();
                return Err(format!(
                    "invalid TPID '{}': expecting one of {}",
                    quoted(tpid),
                    allowed.join(", ")
                ));
            };
            (Some(tpid), id)
        }
    };
    let id = Type::Uint { min: 1, max: 4094 }.check(id)?;
    Ok((
        tpid,
        id.parse().map_err(|_| format!("invalid VLAN ID '{id}'"))?,
    ))
}

fn check_vlan_tag(value: &str) -> Result<String, String> {
    Ok(match vlan_tag(value)? {
        (None, id) => id.to_string(),
        (Some(tpid), id) => format!("{tpid:#06x}.{id}"),
    })
}

/// A dynamic-profile variable's name after the `$`: Junos' are letters, digits, `-` and `_`
/// (`junos-interface-unit`, `my_vlan`), at most 63 characters as other names here.
pub fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// `10240`, `10k`, `10m`, `1g` in bytes (Junos' k, m and g are 1024, 1024² and 1024³).
/// A size as Junos prints it: with the largest suffix that divides it exactly (`10m`, `512k`,
/// `1000`), so `size 10m` reads back as typed instead of as 10485760.
fn size_text(bytes: u64) -> String {
    for (suffix, unit) in [("g", 1u64 << 30), ("m", 1 << 20), ("k", 1 << 10)] {
        if bytes >= unit && bytes.is_multiple_of(unit) {
            return format!("{}{suffix}", bytes / unit);
        }
    }
    bytes.to_string()
}

/// A number in the shortest form Junos' decimal suffixes give (`10000000` → `10m`).
fn decimal_text(n: u64) -> String {
    for (suffix, unit) in [("g", 1_000_000_000u64), ("m", 1_000_000), ("k", 1000)] {
        if n >= unit && n.is_multiple_of(unit) {
            return format!("{}{suffix}", n / unit);
        }
    }
    n.to_string()
}

/// A number written with an optional decimal k/m/g suffix (`10m` = 10,000,000); plain
/// digits too. [`Type::Decimal`].
pub fn decimal_value(value: &str) -> Option<u64> {
    let (digits, unit) = match value.char_indices().last()? {
        (i, 'k' | 'K') => (&value[..i], 1000u64),
        (i, 'm' | 'M') => (&value[..i], 1_000_000),
        (i, 'g' | 'G') => (&value[..i], 1_000_000_000),
        _ => (value, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(unit)
}

/// Bytes in a size written with an optional k/m/g suffix (1024-based); plain digits too.
pub(crate) fn size_bytes(value: &str) -> Option<u64> {
    let (digits, unit) = match value.char_indices().last()? {
        (i, 'k' | 'K') => (&value[..i], 1u64 << 10),
        (i, 'm' | 'M') => (&value[..i], 1 << 20),
        (i, 'g' | 'G') => (&value[..i], 1 << 30),
        _ => (value, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(unit)
}

/// `::1/128`, `2001:db8::/32`: written back in the canonical (compressed) form.
/// `host_bits`: whether bits past the length may be set (kept as written).
fn check_ipv6_prefix(value: &str, host_bits: bool) -> Result<String, String> {
    let err = || {
        format!(
            "invalid IPv6 prefix: '{}' (expecting address/len)",
            quoted(value)
        )
    };
    let (addr, len) = value.split_once('/').ok_or_else(err)?;
    let addr: std::net::Ipv6Addr = addr.parse().map_err(|_| err())?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 128).ok_or_else(err)?;
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - len)
    };
    if !host_bits && u128::from(addr) & !mask != 0 {
        return Err(format!(
            "invalid IPv6 prefix: '{}' has host bits set",
            quoted(value)
        ));
    }
    Ok(format!("{addr}/{len}"))
}

/// `host_bits`: whether bits past the length may be set (kept as written).
fn check_prefix(value: &str, host_bits: bool) -> Result<String, String> {
    let err = || {
        format!(
            "invalid IPv4 prefix: '{}' (expecting a.b.c.d/len)",
            quoted(value)
        )
    };
    let (addr, len) = value.split_once('/').ok_or_else(err)?;
    let addr: Ipv4Addr = addr.parse().map_err(|_| err())?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32).ok_or_else(err)?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    if !host_bits && u32::from(addr) & !mask != 0 {
        return Err(format!(
            "invalid IPv4 prefix: '{}' has host bits set",
            quoted(value)
        ));
    }
    Ok(format!("{addr}/{len}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uint_range() {
        let t = uint(0, 86400);
        assert_eq!(t.check("060").unwrap(), "60");
        assert_eq!(
            t.check("99999").unwrap_err(),
            "Value 99999 is not within range (0..86400)"
        );
        assert!(t.check("-1").is_err());
        assert!(t.check("+1").is_err());
        assert!(t.check("").is_err());
    }

    #[test]
    fn sizes_take_junos_suffixes() {
        let t = Type::Size {
            min: 10240,
            max: 1 << 30,
        };
        assert_eq!(t.check("10m").unwrap(), "10m");
        assert_eq!(t.check("10485760").unwrap(), "10m");
        assert_eq!(t.check("10K").unwrap(), "10k");
        assert_eq!(t.check("1024m").unwrap(), "1g");
        assert_eq!(t.check("20480").unwrap(), "20k");
        assert_eq!(t.check("10241").unwrap(), "10241");
        assert_eq!(
            t.check("2g").unwrap_err(),
            "Value 2g is not within range (10240..1073741824)"
        );
        for bad in ["m", "10x", "-1k", "99999999999999999999g", ""] {
            assert!(t.check(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn decimal_numbers_take_junos_thousands() {
        let t = Type::Decimal {
            min: 8000,
            max: 100_000_000_000,
        };
        assert_eq!(t.check("10m").unwrap(), "10m");
        assert_eq!(t.check("10000000").unwrap(), "10m");
        assert_eq!(t.check("1500k").unwrap(), "1500k");
        assert_eq!(t.check("1000M").unwrap(), "1g");
        assert_eq!(t.check("8001").unwrap(), "8001");
        assert_eq!(t.check("100g").unwrap(), "100g");
        assert_eq!(
            t.check("7999").unwrap_err(),
            "Value 7999 is not within range (8000..100000000000)"
        );
        assert!(t.check("101g").is_err());
        for bad in ["m", "10x", "-1k", "99999999999999999999g", "", "1.5m"] {
            assert!(t.check(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_number_or_a_keyword() {
        let t = Type::UintOr {
            min: 576,
            max: 9192,
            words: &["use-lower-layer"],
        };
        assert_eq!(t.check("1492").unwrap(), "1492");
        assert_eq!(t.check("use-lower-layer").unwrap(), "use-lower-layer");
        assert_eq!(
            t.check("100").unwrap_err(),
            "Value 100 is not within range (576..9192)"
        );
        assert_eq!(
            t.check("lower").unwrap_err(),
            "invalid value 'lower': expecting a number (576..9192) or one of use-lower-layer"
        );
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            Type::Ipv4Prefix.check("198.18.0.0/15").unwrap(),
            "198.18.0.0/15"
        );
        assert!(Type::Ipv4Prefix.check("198.18.0.1/15").is_err());
        assert!(Type::Ipv4Prefix.check("198.18.0.0/33").is_err());
        assert_eq!(Type::IpPrefix.check("::1/128").unwrap(), "::1/128");
        assert_eq!(
            Type::IpPrefix.check("2001:0db8::/32").unwrap(),
            "2001:db8::/32"
        );
        assert_eq!(Type::IpPrefix.check("127.0.0.0/8").unwrap(), "127.0.0.0/8");
        assert_eq!(Type::IpPrefix.check("::1/64").unwrap(), "::1/64");
        assert_eq!(Type::IpPrefix.check("default").unwrap(), "default");
        assert!(Type::IpPrefix.check("::/129").is_err());
    }

    #[test]
    fn identifiers() {
        let t = Type::Identifier { max_len: 8 };
        assert!(t.check("tp-1").is_ok());
        assert!(t.check("-x").is_err());
        assert!(t.check("abcdefghi").is_err());
    }

    #[test]
    fn a_value_or_a_variable() {
        const UNIT: Type = uint(0, 100);
        let t = Type::OrVariable(&UNIT);
        assert_eq!(t.check("07").unwrap(), "7");
        assert_eq!(
            t.check("$junos-interface-unit").unwrap(),
            "$junos-interface-unit"
        );
        assert_eq!(t.check("$my_unit").unwrap(), "$my_unit");
        assert!(t.check("101").is_err());
        assert!(t.check("$").is_err());
        assert!(t.check("$a b").is_err());
        assert!(t.check("$-x").is_err());
        assert_eq!(t.concrete(), UNIT);
        assert_eq!(t.placeholder(), "<0..100>");
    }
}
