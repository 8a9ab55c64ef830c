//! The forms of a configuration that only the shell adds: the `## Last commit` line above
//! it, and `| display xml` wrapped in `<rpc-reply>` with the commit attributes and the
//! `[edit]` banner, as Junos prints them.

use schema::tree::Path;
use schema::Node;

/// `header` (if any) as the first line of `text`.
pub fn with_header(header: Option<String>, text: String) -> String {
    match header {
        Some(h) => format!("{h}\n{text}"),
        None => text,
    }
}

/// `| display xml` of a configuration. The header's time and user become Junos'
/// `junos:commit-localtime` / `junos:commit-user` (or `junos:changed-localtime` for the
/// candidate) attributes of `<configuration>`.
/// `level` is the edit level in configuration mode (`None` in operational mode), shown as
/// the `<banner>`.
pub fn config_xml(path: &Path, tree: &Node, header: Option<&str>, level: Option<&Path>) -> String {
    let mut attributes: Vec<(&str, String)> = Vec::new();
    if let Some(h) = header {
        if let Some(rest) = h.strip_prefix("## Last commit: ") {
            let (time, user) = rest.split_once(" by ").unwrap_or((rest, ""));
            attributes.push(("junos:commit-localtime", time.to_string()));
            if !user.is_empty() {
                attributes.push(("junos:commit-user", user.to_string()));
            }
        } else if let Some(time) = h.strip_prefix("## Last changed: ") {
            attributes.push(("junos:changed-localtime", time.to_string()));
        }
    }
    let mut out = format!("{}\n", super::structured::RPC_REPLY_OPEN);
    out.push_str(&schema::print::to_xml(path, tree, &attributes, 1));
    out.push_str("    <cli>\n");
    out.push_str(&format!(
        "        <banner>{}</banner>\n",
        level
            .map(|l| super::render::edit_banner(l))
            .unwrap_or_default()
    ));
    out.push_str("    </cli>\n");
    out.push_str("</rpc-reply>\n");
    out
}
