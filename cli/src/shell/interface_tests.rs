//! `show interfaces` and `clear network-access aaa subscriber` through the shell: the typed
//! request sent, the reply rendered at each level or as JSON, the daemon's errors.

use super::*;
use crate::shell::render_interfaces::{self as render, tests as samples};
use crate::shell::structured::tests::assert_well_formed;
use schema::interface_rpc::{
    AutoVlanCleared, InterfaceLevel, InterfaceShow, Interfaces, LoggedOut, SubscriberLogout,
    SubscribersLoggedOut,
};

fn sent(requests: &[Request]) -> Vec<&Request> {
    requests
        .iter()
        .filter(|r| !matches!(r, Request::Hello { .. }))
        .collect()
}

fn interfaces() -> Response {
    ok(Reply::Interfaces(samples::sample()))
}

#[test]
fn show_interfaces_sends_the_name_and_level_and_renders_the_reply() {
    let (out, failed, requests) = transcript(
        vec![interfaces(), interfaces(), interfaces()],
        "show interfaces terse\nsh int si-0/0/0 ext\nshow interfaces\n",
    );
    assert!(!failed, "{out}");
    let show = |name: Option<&str>, level| {
        Request::GetInterfaceInformation(InterfaceShow {
            name: name.map(str::to_string),
            level,
        })
    };
    assert_eq!(
        sent(&requests),
        [
            &show(None, InterfaceLevel::Terse),
            &show(Some("si-0/0/0"), InterfaceLevel::Extensive),
            &show(None, InterfaceLevel::Default),
        ]
    );
    let sample = samples::sample();
    assert_eq!(
        out,
        format!(
            "lab@r0> show interfaces terse\n{}\
             lab@r0> sh int si-0/0/0 ext\n{}\
             lab@r0> show interfaces\n{}",
            render::interfaces(&sample, InterfaceLevel::Terse),
            render::interfaces(&sample, InterfaceLevel::Extensive),
            render::interfaces(&sample, InterfaceLevel::Default),
        )
    );
}

#[test]
fn an_unknown_device_is_the_daemons_error_and_fails_the_command() {
    let (out, failed, _) = transcript(
        vec![err(MgmtError::Failed {
            message: "device si-9/0/0 not found".into(),
        })],
        "show interfaces si-9/0/0\n",
    );
    assert!(failed);
    assert!(out.contains("error: device si-9/0/0 not found\n"), "{out}");
}

#[test]
fn show_interfaces_display_json_uses_the_junos_names() {
    let (out, failed, _) = transcript(
        vec![interfaces(), interfaces()],
        "show interfaces | display json\nshow interfaces | display xml\n",
    );
    assert!(!failed, "{out}");
    let outputs: Vec<&str> = out
        .split("lab@r0> ")
        .filter(|o| !o.is_empty())
        .map(|o| o.split_once('\n').map_or("", |(_, rest)| rest))
        .collect();
    let json: serde_json::Value =
        serde_json::from_str(outputs[0]).unwrap_or_else(|e| panic!("{e}: {}", outputs[0]));
    let si = &json["interface-information"][0]["physical-interface"][1];
    assert_eq!(si["name"][0]["data"], "si-0/0/0");
    let unit = &si["logical-interface"][0];
    assert_eq!(unit["name"][0]["data"], "si-0/0/0.1073741825");
    assert_eq!(
        unit["address-family"][0]["destination"][0]["data"],
        "198.18.0.10"
    );
    assert_eq!(
        unit["traffic-statistics"][0]["input-packets"][0]["data"],
        "1001"
    );
    assert!(
        outputs[1].contains("<interface-information>"),
        "{}",
        outputs[1]
    );
    assert_well_formed(outputs[1]);
}

#[test]
fn logout_sends_the_target_lists_who_went_and_does_not_pipe() {
    let gone = SubscribersLoggedOut {
        subscribers: vec![LoggedOut {
            subscriber_session_id: 7,
            user_name: Some("alice@isp.example".into()),
            interface: "si-0/0/0.1073741831".into(),
        }],
    };
    let (out, failed, requests) = transcript(
        vec![
            ok(Reply::SubscribersLoggedOut(gone)),
            err(MgmtError::Failed {
                message: "subscriber session 9 not found".into(),
            }),
        ],
        "clear network-access aaa subscriber username alice@isp.example\n\
         clear network-access aaa subscriber session-id 9\n\
         clear network-access aaa subscriber session-id 9 | count\n",
    );
    assert!(failed, "{out}");
    assert_eq!(
        sent(&requests),
        [
            &Request::ClearNetworkAccessAaaSubscriber(SubscriberLogout::Username(
                "alice@isp.example".into()
            )),
            &Request::ClearNetworkAccessAaaSubscriber(SubscriberLogout::SessionId(9)),
        ]
    );
    assert!(
        out.contains(
            "username alice@isp.example\n\
             Subscriber alice@isp.example logged out (session-id 7, si-0/0/0.1073741831)\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("error: subscriber session 9 not found\n"),
        "{out}"
    );
    assert!(out.contains("syntax error"), "{out}");
}

#[test]
fn the_new_commands_complete_and_help() {
    let mut s = session(Echo::AfterPrompt, vec![]);
    let levels = s.shell.possible_completions("show interfaces ");
    for word in ["brief", "detail", "extensive", "terse", "<interface-name>"] {
        assert!(levels.contains(word), "{word}: {levels}");
    }
    // Once the name is given, only the levels are left.
    let named = s.shell.possible_completions("show interfaces si-0/0/0 ");
    assert!(
        named.contains("terse") && !named.contains("<interface-name>"),
        "{named}"
    );
    let logout = s
        .shell
        .possible_completions("clear network-access aaa subscriber ");
    for word in ["session-id", "username"] {
        assert!(logout.contains(word), "{word}: {logout}");
    }
    let empty: Interfaces = Interfaces::default();
    assert_eq!(
        render::interfaces(&empty, InterfaceLevel::Terse),
        "Interface               Admin Link Proto    Local                 Remote\n"
    );
}

/// `clear auto-configuration interfaces` takes `| display json|xml`: its report has no
/// element of its own, so it comes as Junos' `<output>` text; no other pipe is taken.
#[test]
fn clear_auto_configuration_takes_display_json_and_xml_only() {
    let cleared = || {
        ok(Reply::AutoVlanCleared(AutoVlanCleared {
            interface: "ge-1/0/0.1073741824".into(),
        }))
    };
    let clear = "clear auto-configuration interfaces ge-1/0/0.1073741824";
    let (out, failed, requests) = transcript(
        vec![cleared(), cleared(), cleared()],
        &format!("{clear}\n{clear} | display json\n{clear} | display xml\n{clear} | count\n"),
    );
    assert!(failed, "{out}");
    assert_eq!(sent(&requests).len(), 3, "{requests:?}");
    let outputs: Vec<&str> = out.split("lab@r0> ").skip(1).collect();
    assert_eq!(
        outputs[0],
        format!("{clear}\nInterface ge-1/0/0.1073741824 deleted\n")
    );
    let json = outputs[1].split_once('\n').unwrap().1;
    let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
    assert_eq!(
        value,
        serde_json::json!({"output": [{"data": "Interface ge-1/0/0.1073741824 deleted\n"}]})
    );
    let xml = outputs[2].split_once('\n').unwrap().1;
    assert!(
        xml.contains("<output>\nInterface ge-1/0/0.1073741824 deleted\n</output>"),
        "{xml}"
    );
    assert_well_formed(xml);
    assert!(outputs[3].contains("syntax error."), "{}", outputs[3]);
}

#[test]
fn clear_auto_configuration_offers_display_json_and_xml_only() {
    let mut s = session(Echo::AfterPrompt, vec![]);
    let clear = "clear auto-configuration interfaces ge-1/0/0.1073741824 ";
    let ended = s.shell.possible_completions(clear);
    assert!(
        ended.contains("<[Enter]>") && ended.contains('|'),
        "{ended}"
    );
    let pipes = s.shell.possible_completions(&format!("{clear}| "));
    assert!(pipes.contains("display"), "{pipes}");
    assert!(
        !pipes.contains("count") && !pipes.contains("match"),
        "{pipes}"
    );
    let display = s.shell.possible_completions(&format!("{clear}| display "));
    assert!(
        display.contains("json") && display.contains("xml"),
        "{display}"
    );
    assert!(!display.contains("set"), "{display}");
}
