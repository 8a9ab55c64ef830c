//! `help topic PATH` and `help reference PATH`: what the schema says of a statement, laid
//! out as Junos' help pages are (the topic's description and its statements; the
//! reference's Syntax, Hierarchy Level, Description, Options, Default and Range).

use super::transport::Transport;
use super::Shell;
use schema::def::{Kind, Stmt, Type};
use schema::tokenize::Word;
use schema::tree::{path_words, NodeId};

impl<T: Transport> Shell<T> {
    /// `level`: the edit level's words (configuration mode), which the path continues.
    pub(super) fn help_topic(
        &mut self,
        line: &str,
        reference: bool,
        args: &[Word],
        level: &[String],
    ) {
        let words: Vec<String> = level
            .iter()
            .cloned()
            .chain(args.iter().map(|w| w.text.clone()))
            .collect();
        if words.is_empty() {
            let pos = line.trim_end().len() + 1;
            self.syntax_error(line, pos, "syntax error, expecting <statement>.");
            return;
        }
        match schema::edit::resolve(&words) {
            Ok(resolved) => {
                let text = if reference {
                    reference_text(resolved.stmt, &resolved.path)
                } else {
                    topic_text(resolved.stmt, &resolved.path)
                };
                self.print(&text);
            }
            Err(e) => {
                let end = line.trim_end().len() + 1;
                let pos = e
                    .word
                    .checked_sub(level.len())
                    .and_then(|i| args.get(i))
                    .map_or(end, |w| w.start);
                self.syntax_error(line, pos, &e.message);
            }
        }
    }
}

/// `help topic`: the statement's description, then each statement it holds.
pub fn topic_text(stmt: &Stmt, path: &[NodeId]) -> String {
    let mut out = format!("{}\n\n    {}.\n", hierarchy(path), stmt.help);
    if !stmt.children.is_empty() {
        out.push_str("\n  Statements:\n");
        let width = stmt
            .children
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(0)
            .max(20);
        for c in stmt.children {
            out.push_str(&format!("    {:<width$}  {}\n", c.name, c.help));
        }
    }
    out
}

/// `help reference`: the statement as a reference page.
pub fn reference_text(stmt: &Stmt, path: &[NodeId]) -> String {
    let parent = path.split_last().map_or(&[][..], |(_, p)| p);
    let mut out = format!("{}\n\n  Syntax\n\n", stmt.name);
    for l in syntax(stmt) {
        out.push_str(&format!("    {l}\n"));
    }
    out.push_str(&format!(
        "\n  Hierarchy Level\n\n    {}\n\n  Description\n\n    {}.\n",
        hierarchy(parent),
        stmt.help
    ));
    let value = match stmt.kind {
        Kind::Leaf(ty) | Kind::LeafList(ty) | Kind::List(ty) => Some(ty),
        Kind::Container | Kind::Flag => None,
    };
    if value.is_some() || !stmt.children.is_empty() {
        out.push_str("\n  Options\n\n");
        if let Some(ty) = value {
            out.push_str(&format!("    {}—{}\n", ty.placeholder(), value_help(ty)));
        }
        for c in stmt.children {
            out.push_str(&format!("    {}—{}\n", c.name, c.help));
        }
    }
    if let Some(default) = stmt.default {
        out.push_str(&format!("\n  Default\n\n    {default}\n"));
    }
    let range = match value.map(|v| v.concrete()) {
        Some(
            Type::Uint { min, max }
            | Type::Size { min, max }
            | Type::Decimal { min, max }
            | Type::UintOr { min, max, .. },
        ) => Some(format!("{min} through {max}")),
        Some(Type::Int { min, max }) => Some(format!("{min} through {max}")),
        _ => None,
    };
    if let Some(range) = range {
        out.push_str(&format!("\n  Range\n\n    {range}\n"));
    }
    out
}

fn hierarchy(path: &[NodeId]) -> String {
    if path.is_empty() {
        "[edit]".into()
    } else {
        format!("[edit {}]", path_words(path))
    }
}

fn value_help(ty: Type) -> String {
    match ty {
        Type::Enum(words) => format!("One of: {}", words.join(", ")),
        Type::Secret => "Secret, stored obfuscated".into(),
        Type::Ipv4 => "IPv4 address".into(),
        Type::Ipv4Host => "IPv4 address (or the address/32)".into(),
        Type::IpAddr => "IPv4 or IPv6 address".into(),
        Type::IpAddrOr(words) => format!("IPv4 or IPv6 address, or one of: {}", words.join(", ")),
        Type::Oid => "Object identifier: numbers or a MIB name, dot-separated".into(),
        Type::Ipv4Prefix | Type::Ipv4MatchPrefix => "IPv4 prefix".into(),
        Type::IpPrefix => "IPv4 or IPv6 prefix".into(),
        Type::Interface => "Interface name".into(),
        Type::VlanTag => "VLAN ID, or TPID.VLAN ID (0x8100, 0x88a8, 0x9100)".into(),
        Type::ClientName => "Client name, or * for any client no other entry names".into(),
        Type::WildcardName { max_len } => {
            format!("Name of at most {max_len} characters; * matches any characters")
        }
        Type::Identifier { max_len } | Type::Str { max_len } => {
            format!("Name or text of at most {max_len} characters")
        }
        Type::Uint { .. } | Type::UintOr { .. } | Type::Int { .. } => "Number".into(),
        Type::Size { .. } => "Size in bytes (k, m, g suffixes)".into(),
        Type::Decimal { .. } => "Number (k = 1000, m = 1,000,000, g = 1,000,000,000)".into(),
        Type::OrVariable(inner) => format!("{}, or a $variable", value_help(*inner)),
    }
}

/// The statement's syntax: its own line, and one line for each statement it holds.
fn syntax(stmt: &Stmt) -> Vec<String> {
    let one = |s: &Stmt| -> String {
        match s.kind {
            Kind::Flag => format!("{};", s.name),
            Kind::Leaf(ty) => format!("{} {};", s.name, ty.placeholder()),
            Kind::LeafList(ty) => format!("{} [ {}... ];", s.name, ty.placeholder()),
            Kind::List(ty) if s.children.is_empty() => format!("{} {};", s.name, ty.placeholder()),
            Kind::List(ty) => format!("{} {} {{ ... }}", s.name, ty.placeholder()),
            Kind::Container if s.children.is_empty() => format!("{};", s.name),
            Kind::Container => format!("{} {{ ... }}", s.name),
        }
    };
    if stmt.children.is_empty() {
        return vec![one(stmt)];
    }
    let head = match stmt.kind {
        Kind::List(ty) => format!("{} {} {{", stmt.name, ty.placeholder()),
        _ => format!("{} {{", stmt.name),
    };
    let mut lines = vec![head];
    lines.extend(stmt.children.iter().map(|c| format!("    {}", one(c))));
    lines.push("}".into());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(words: &str) -> (&'static Stmt, Vec<NodeId>) {
        let w: Vec<String> = words.split_whitespace().map(str::to_string).collect();
        let r = schema::edit::resolve(&w).expect("resolves");
        (r.stmt, r.path)
    }

    #[test]
    fn reference_of_a_leaf() {
        let (stmt, path) = at("system host-name");
        let text = reference_text(stmt, &path);
        assert!(
            text.starts_with("host-name\n\n  Syntax\n\n    host-name <"),
            "{text}"
        );
        assert!(
            text.contains("\n  Hierarchy Level\n\n    [edit system]\n"),
            "{text}"
        );
        assert!(
            text.contains(&format!("\n  Description\n\n    {}.\n", stmt.help)),
            "{text}"
        );
    }

    #[test]
    fn reference_of_a_number_has_its_range() {
        let (stmt, path) = at("services l2tp tunnel idle-timeout");
        let text = reference_text(stmt, &path);
        assert!(text.contains("\n  Range\n\n    "), "{text}");
        assert!(text.contains("[edit services l2tp tunnel]"), "{text}");
        // A signed one too (a DHCP option's `short`).
        let (stmt, path) =
            at("access address-assignment pool p family inet dhcp-attributes option 2 short");
        let text = reference_text(stmt, &path);
        assert!(
            text.contains("\n  Range\n\n    -32768 through 32767\n"),
            "{text}"
        );
    }

    #[test]
    fn topic_lists_the_statements() {
        let (stmt, path) = at("services l2tp");
        let text = topic_text(stmt, &path);
        assert!(text.starts_with("[edit services l2tp]\n\n    "), "{text}");
        for c in stmt.children {
            assert!(
                text.contains(&format!("    {:<20}", c.name)),
                "{}: {text}",
                c.name
            );
        }
    }
}
