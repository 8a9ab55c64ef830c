//! `| display json` and `| display xml` of the typed operational replies, derived from their
//! serde form (`serde_json::to_value`) so that a field added to a reply shows up without
//! code here. The shapes are
//! Junos': in XML every field is an element; in JSON every element is an array of objects
//! and a leaf is `[{"data": "text"}]` (numbers too are text, as Junos sends them).

use serde_json::Value;

/// The XML namespace declaration of Junos' `<rpc-reply>`.
pub(crate) const RPC_REPLY_OPEN: &str =
    "<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/*/junos\">";

/// One XML element: a leaf with text, or an element with children.
#[derive(Debug, PartialEq)]
enum Element {
    Leaf {
        name: String,
        text: String,
    },
    Node {
        name: String,
        children: Vec<Element>,
    },
}

/// The elements `value` becomes under the element name `name`: none for null, one per item
/// for a list (Junos repeats the element), one otherwise.
fn elements(name: &str, value: &Value, out: &mut Vec<Element>) {
    let leaf = |text: String| Element::Leaf {
        name: name.to_string(),
        text,
    };
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                elements(name, item, out);
            }
        }
        Value::Object(fields) => {
            let mut children = Vec::new();
            for (field, v) in fields {
                elements(field, v, &mut children);
            }
            out.push(Element::Node {
                name: name.to_string(),
                children,
            });
        }
        Value::Bool(b) => out.push(leaf(b.to_string())),
        Value::Number(n) => out.push(leaf(n.to_string())),
        Value::String(s) => out.push(leaf(s.clone())),
    }
}

/// The reply as one root element named `root`.
fn root_element(root: &str, reply: &Value) -> Result<Element, String> {
    let mut out = Vec::new();
    elements(root, reply, &mut out);
    match out.pop() {
        Some(e @ Element::Node { .. }) if out.is_empty() => Ok(e),
        // A reply is always a struct; anything else would be a change of the contract.
        _ => Err(format!("{root} is not a structure")),
    }
}

/// The pretty-printed Junos JSON text (`{"ROOT": [{...}]}`), ending in a newline.
///
/// Written straight from the reply's serde form, in serde_json's pretty layout (two spaces
/// per level), without building the Junos-shaped tree first: a list of 65,000 sessions is
/// six million lines, and an intermediate tree of that size costs seconds.
pub fn json_text(root: &str, reply: &Value) -> String {
    if !reply.is_object() {
        // A reply is always a struct; anything else would be a change of the contract.
        return format!("error: {root} is not a structure\n");
    }
    let mut out = String::with_capacity(1 << 16);
    write_object(&mut std::iter::once((root, reply)), 0, &mut out);
    out.push('\n');
    out
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn quoted(text: &str, out: &mut String) {
    match serde_json::to_string(text) {
        Ok(q) => out.push_str(&q),
        // Serialising a string cannot fail; keep the output well-formed regardless.
        Err(_) => out.push_str("\"\""),
    }
}

/// The items an element named after a field contributes: lists are repeated elements (and
/// flatten), nulls contribute nothing.
fn items<'a>(value: &'a Value, into: &mut Vec<&'a Value>) {
    match value {
        Value::Null => {}
        Value::Array(list) => list.iter().for_each(|v| items(v, into)),
        other => into.push(other),
    }
}

/// `{ "name": [ item, ... ], ... }` at `depth` (the opening brace is already indented).
fn write_object<'a>(
    fields: &mut dyn Iterator<Item = (&'a str, &'a Value)>,
    depth: usize,
    out: &mut String,
) {
    let mut first = true;
    let mut list = Vec::new();
    for (name, value) in fields {
        list.clear();
        items(value, &mut list);
        if list.is_empty() {
            continue;
        }
        out.push_str(if first { "{\n" } else { ",\n" });
        first = false;
        indent(depth + 1, out);
        quoted(name, out);
        out.push_str(": [\n");
        for (i, item) in list.iter().enumerate() {
            if i > 0 {
                out.push_str(",\n");
            }
            indent(depth + 2, out);
            match item {
                Value::Object(children) => {
                    let mut fields = children.iter().map(|(k, v)| (k.as_str(), v));
                    write_object(&mut fields, depth + 2, out)
                }
                scalar => {
                    out.push_str("{\n");
                    indent(depth + 3, out);
                    out.push_str("\"data\": ");
                    match scalar {
                        Value::String(text) => quoted(text, out),
                        other => quoted(&other.to_string(), out),
                    }
                    out.push('\n');
                    indent(depth + 2, out);
                    out.push('}');
                }
            }
        }
        out.push('\n');
        indent(depth + 1, out);
        out.push(']');
    }
    if first {
        out.push_str("{}");
    } else {
        out.push('\n');
        indent(depth, out);
        out.push('}');
    }
}

/// `<rpc-reply ...>`, the root element indented four spaces per level, `</rpc-reply>`.
pub fn xml_text(root: &str, reply: &Value) -> String {
    match root_element(root, reply) {
        Ok(element) => {
            let mut out = format!("{RPC_REPLY_OPEN}\n");
            write_xml(&element, 1, &mut out);
            out.push_str("</rpc-reply>\n");
            out
        }
        Err(e) => format!("error: {e}\n"),
    }
}

/// A report with no element of its own (a clear's) as Junos gives one under `| display
/// xml`: its text in `<output>`.
pub fn output_xml(text: &str) -> String {
    format!(
        "{RPC_REPLY_OPEN}\n    <output>\n{}</output>\n</rpc-reply>\n",
        escape(text)
    )
}

/// The same under `| display json`: the `output` element as Junos' JSON writes a leaf.
pub fn output_json(text: &str) -> String {
    let value = serde_json::json!({ "output": [{ "data": text }] });
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}

fn write_xml(e: &Element, depth: usize, out: &mut String) {
    let pad = "    ".repeat(depth);
    match e {
        Element::Leaf { name, text } => {
            out.push_str(&format!("{pad}<{name}>{}</{name}>\n", escape(text)));
        }
        Element::Node { name, children } if children.is_empty() => {
            out.push_str(&format!("{pad}<{name}>\n{pad}</{name}>\n"));
        }
        Element::Node { name, children } => {
            out.push_str(&format!("{pad}<{name}>\n"));
            for c in children {
                write_xml(c, depth + 1, out);
            }
            out.push_str(&format!("{pad}</{name}>\n"));
        }
    }
}

/// Text content escaped for XML (names come from our own types and need none).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::shell::render_l2tp::tests as samples;
    use schema::l2tp_rpc::{roots, L2tpSessions, L2tpTunnels};
    use serde_json::json;

    fn tunnels() -> L2tpTunnels {
        L2tpTunnels {
            tunnels: samples::tunnels(),
        }
    }

    fn value(reply: &impl serde::Serialize) -> Value {
        serde_json::to_value(reply).expect("replies serialise")
    }

    fn to_json(root: &str, reply: &Value) -> Result<Value, String> {
        serde_json::from_str(&json_text(root, reply)).map_err(|e| e.to_string())
    }

    /// The text is exactly serde_json's pretty form of what it encodes.
    #[test]
    fn json_text_is_in_serde_pretty_layout() {
        for text in [
            json_text(roots::TUNNEL, &value(&tunnels())),
            json_text(roots::SESSION, &value(&L2tpSessions::default())),
        ] {
            let parsed: Value = serde_json::from_str(&text).expect("valid JSON");
            let pretty = serde_json::to_string_pretty(&parsed).expect("prints");
            assert_eq!(text, format!("{pretty}\n"));
        }
    }

    #[test]
    fn json_is_arrays_of_objects_with_data_leaves() {
        let v = to_json(roots::TUNNEL, &value(&tunnels())).expect("json");
        let root = &v[roots::TUNNEL];
        assert_eq!(root.as_array().map(Vec::len), Some(1));
        let list = &root[0]["l2tp-tunnel"];
        assert_eq!(list.as_array().map(Vec::len), Some(2));
        let first = &list[0];
        assert_eq!(first["tunnel-local-id"], json!([{"data": "17967"}]));
        assert_eq!(first["state"], json!([{"data": "established"}]));
        assert_eq!(first["remote-ip"], json!([{"data": "127.0.0.2:1701"}]));
        assert_eq!(first["tunnel-authentication"], json!([{"data": "enabled"}]));
        assert_eq!(
            first["statistics"][0]["control-tx-packets"],
            json!([{"data": "14"}])
        );
        // None is left out, not null.
        let second = &list[1];
        assert!(second.get("tunnel-up-time").is_none(), "{second}");
        assert!(second.get("local-ip").is_none(), "{second}");
        assert_eq!(second["tunnel-local-id"], json!([{"data": "3"}]));
    }

    #[test]
    fn empty_lists_leave_an_empty_root() {
        let v = to_json(roots::SESSION, &value(&L2tpSessions::default())).expect("json");
        assert_eq!(v, json!({ roots::SESSION: [{}] }));
    }

    #[test]
    fn xml_is_indented_escaped_and_balanced() {
        let mut list = tunnels();
        list.tunnels[0].remote_name = "lns <1> & \"co\"".into();
        let xml = xml_text(roots::TUNNEL, &value(&list));
        let lines: Vec<&str> = xml.lines().collect();
        assert_eq!(lines.first().copied(), Some(RPC_REPLY_OPEN));
        assert_eq!(
            lines.get(1).copied(),
            Some("    <service-l2tp-tunnel-information>")
        );
        assert_eq!(lines.get(2).copied(), Some("        <l2tp-tunnel>"));
        assert_eq!(
            lines.get(3).copied(),
            Some("            <tunnel-local-id>17967</tunnel-local-id>")
        );
        assert_eq!(lines.last().copied(), Some("</rpc-reply>"));
        assert!(xml.contains(
            "            <remote-name>lns &lt;1&gt; &amp; &quot;co&quot;</remote-name>\n"
        ));
        assert!(xml.contains("                <control-tx-packets>14</control-tx-packets>\n"));
        assert_well_formed(&xml);
    }

    /// Every tag closes in order, and no text holds a raw `<` or `&` that is not an entity.
    pub fn assert_well_formed(xml: &str) {
        let mut open: Vec<String> = Vec::new();
        let mut rest = xml;
        while let Some(start) = rest.find('<') {
            let text = &rest[..start];
            assert!(!text.contains('>'), "stray '>' in {text:?}");
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                        .iter()
                        .any(|e| entity.starts_with(e)),
                    "bare '&' in {text:?}"
                );
            }
            let end = rest[start..].find('>').expect("unterminated tag") + start;
            let tag = &rest[start + 1..end];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(open.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().unwrap_or_default();
                open.push(name.to_string());
            }
            rest = &rest[end + 1..];
        }
        assert!(open.is_empty(), "unclosed {open:?}");
        assert!(rest.trim().is_empty());
    }
}
