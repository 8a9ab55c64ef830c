//! `show network-access terminate-code [aaa | dhcp | l2tp | ppp] [detail]` as text: per
//! protocol, each terminate reason and the Acct-Terminate-Cause an Accounting-Stop carries
//! for it; `detail` adds the default a remap replaced, RFC 2866's name of the code, and
//! whether this router ever ends a subscriber for the reason. Juniper publishes no sample of
//! this command's output that could be checked, so the layout is ours.

use super::render::plain_table;
use schema::aaa_rpc::{TerminateCodeInformation, TerminateCodeProtocol};

pub fn terminate_code(reply: &TerminateCodeInformation, detail: bool) -> String {
    let blocks: Vec<String> = reply
        .protocols
        .iter()
        .map(|p| protocol_block(p, detail))
        .collect();
    blocks.join("\n")
}

fn protocol_block(table: &TerminateCodeProtocol, detail: bool) -> String {
    let mut out = format!("{} terminate reasons:\n", table.protocol.title());
    if table.reasons.is_empty() {
        out.push_str("  (none configured)\n");
        return out;
    }
    let body = if detail {
        plain_table(
            &["Reason", "Code", "Default", "Description", "Raised"],
            table.reasons.iter().map(|r| {
                vec![
                    r.reason.clone(),
                    r.code.to_string(),
                    r.default_code.map_or_else(|| "-".into(), |c| c.to_string()),
                    if r.description.is_empty() {
                        "-".into()
                    } else {
                        r.description.clone()
                    },
                    if r.raised { "yes" } else { "no" }.into(),
                ]
            }),
        )
    } else {
        plain_table(
            &["Reason", "Code"],
            table
                .reasons
                .iter()
                .map(|r| vec![r.reason.clone(), r.code.to_string()]),
        )
    };
    out.push_str(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema::terminate_code::{information, Protocol, TerminateCodes};

    #[test]
    fn brief_lists_reason_and_code_and_detail_says_what_a_remap_replaced() {
        let mut codes = TerminateCodes::default();
        codes.remap(Protocol::Aaa, "shutdown idle-timeout", 10);
        let reply = information(&codes, Some(Protocol::Aaa));
        assert_eq!(
            terminate_code(&reply, false),
            "\
AAA terminate reasons:
Reason                           Code
deny address-allocation-failure  17
deny no-resources                10
deny server-request-timeout      17
shutdown idle-timeout            10
shutdown session-timeout         5
shutdown administrative-reset    6
shutdown remote-reset            10
"
        );
        assert_eq!(
            terminate_code(&reply, true),
            "\
AAA terminate reasons:
Reason                           Code  Default  Description      Raised
deny address-allocation-failure  17    -        User Error       no
deny no-resources                10    -        NAS Request      no
deny server-request-timeout      17    -        User Error       no
shutdown idle-timeout            10    4        NAS Request      yes
shutdown session-timeout         5     -        Session Timeout  yes
shutdown administrative-reset    6     -        Admin Reset      yes
shutdown remote-reset            10    -        NAS Request      yes
"
        );
        let dhcp = information(&codes, Some(Protocol::Dhcp));
        assert_eq!(
            terminate_code(&dhcp, false),
            "DHCP terminate reasons:\n  (none configured)\n"
        );
    }
}
