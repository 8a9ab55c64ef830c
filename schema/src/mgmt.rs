//! The management protocol between `cli` and `l2tpd`: one JSON object per line on the Unix
//! socket `STATE_DIR/mgmt.sock`. The client sends a [`Request`], the daemon answers each with
//! exactly one [`Response`], in order. Both ends use these types; neither defines its own.
//!
//! Configuration paths travel as the words the operator typed (already joined with the
//! current `[edit ...]` level by the shell), so that the daemon is the one place that resolves
//! them against the schema; a syntax error names the word index for the shell's `^` marker.

use crate::aaa_rpc::{
    AaaStatistics, AaaStatisticsCleared, AaaStatisticsShow, AaaSubscribers, AaaSubscribersShow,
    AaaTest, AaaTestReport, RadiusServers, RadiusServersShow,
};
use crate::interface_rpc::{
    AutoVlanClear, AutoVlanCleared, InterfaceShow, Interfaces, SubscriberLogout,
    SubscribersLoggedOut,
};
use crate::l2tp_rpc::{
    L2tpClear, L2tpCleared, L2tpDestinations, L2tpDisconnectCauses, L2tpSessions, L2tpShow,
    L2tpSummary, L2tpTunnels,
};
use crate::snmp_rpc::{SnmpObjects, SnmpStatistics};
use crate::subscriber_rpc::{
    AddressPoolSelect, AddressPoolsReply, PppoeCleared, PppoeInterfaces, PppoeSelect,
    PppoeServiceNameTables, PppoeStatistics, SubscriberShow, Subscribers,
};
use crate::system_rpc::{
    LogContent, LogFiles, SystemProcesses, SystemStorage, SystemUptime, Version,
};
use crate::tree::{Node, Path};
use serde::{Deserialize, Serialize};

/// File name of the management socket inside the state directory.
pub const SOCKET_NAME: &str = "mgmt.sock";

/// How the client reached the daemon; recorded in the commit log (`via cli`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientKind {
    Cli,
    File,
    Api,
    /// The daemon itself, e.g. the automatic rollback of an unconfirmed `commit confirmed`.
    Other,
}

impl ClientKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientKind::Cli => "cli",
            ClientKind::File => "file",
            ClientKind::Api => "api",
            ClientKind::Other => "other",
        }
    }
}

/// Login class: what a user may do (`system login user NAME class ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoginClass {
    /// May only show.
    ReadOnly,
    /// May show and clear.
    Operator,
    /// May also configure.
    SuperUser,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigureMode {
    /// The shared candidate, no lock.
    Shared,
    /// A private copy of the active configuration.
    Private,
    /// The shared candidate with the exclusive commit lock.
    Exclusive,
}

/// Which configuration a show or compare refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Revision {
    /// This user's candidate (shared or private).
    Candidate,
    /// The active configuration (= rollback 0).
    Active,
    /// Rollback N (0..=49).
    Rollback(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LoadMode {
    Merge,
    Override,
    Replace,
    Set,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case")]
pub enum Request {
    /// First request on every connection. The daemon identifies the user from the socket's
    /// peer credentials, never from anything the client says.
    Hello {
        client: ClientKind,
        /// Terminal name for `show system users` (`pts/3`), if any.
        tty: Option<String>,
        pid: u32,
    },

    // ---- operational mode ----
    /// `show configuration [path]` (or a rollback revision of it).
    ShowConfiguration {
        words: Vec<String>,
        revision: Revision,
    },
    /// `show system commit`.
    ShowSystemCommit,
    /// `show system users`, and `status` in configuration mode.
    ShowSystemUsers,
    /// `show | compare [rollback N]`, `show configuration | compare rollback N`: what changes
    /// from `base` to `target`, below `words`.
    Compare {
        words: Vec<String>,
        base: Revision,
        target: Revision,
    },
    /// `configure [private | exclusive]`.
    Configure {
        mode: ConfigureMode,
    },

    // ---- configuration mode ----
    /// Leave configuration mode. Without `confirm`, a candidate with uncommitted changes is
    /// answered with [`Reply::ConfirmExit`] and nothing happens.
    ExitConfiguration {
        confirm: bool,
    },
    /// `edit PATH`, `up`, `top`: tells the daemon the new level (shown to other users by
    /// `status`), and checks that it names a container or a list entry.
    Edit {
        words: Vec<String>,
    },
    /// `set PATH [VALUE...]`. The words keep their quoting: a quoted `[` is a value, a bare
    /// one opens a list of values.
    Set {
        words: Vec<crate::edit::Arg>,
    },
    /// `delete PATH`.
    Delete {
        words: Vec<crate::edit::Arg>,
    },
    Activate {
        words: Vec<crate::edit::Arg>,
    },
    Deactivate {
        words: Vec<crate::edit::Arg>,
    },
    /// `annotate STATEMENT "comment"` (an empty comment removes the annotation).
    Annotate {
        words: Vec<String>,
        comment: String,
    },
    /// `rename PATH to NEW-ID`: `to` holds the words after `to` (e.g. `tunnel-profile tp2`).
    Rename {
        words: Vec<String>,
        to: Vec<String>,
    },
    /// `copy PATH to NEW-ID`.
    Copy {
        words: Vec<String>,
        to: Vec<String>,
    },
    /// `insert PATH (before|after) ID`: moves a list entry.
    Insert {
        words: Vec<String>,
        before: bool,
        reference: Vec<String>,
    },
    /// `show [PATH]` in configuration mode: the candidate.
    Show {
        words: Vec<String>,
    },
    /// `commit [check] [confirmed [N]] [comment "..."] [and-quit]`.
    Commit {
        check: bool,
        confirmed: Option<u32>,
        comment: Option<String>,
        and_quit: bool,
    },
    /// `rollback [N]`: load revision N into the candidate.
    Rollback {
        index: u32,
    },
    /// `load MODE (FILE|terminal)`: the shell reads the file and sends its text.
    /// `relative` is the current edit level when `relative` was given.
    Load {
        mode: LoadMode,
        text: String,
        relative: Option<Vec<String>>,
    },
    /// `update` in `configure private`: pull in the latest committed configuration.
    Update,

    // ---- configuration history, rescue, editing habits (issue 13) ----
    /// `request system configuration rescue save`: the active configuration becomes the
    /// rescue configuration.
    RescueSave,
    /// `request system configuration rescue delete`.
    RescueDelete,
    /// `show system configuration rescue`.
    ShowRescue,
    /// `rollback rescue`: load the rescue configuration into the candidate.
    RollbackRescue,
    /// `commit at TIME [comment "..."]`: check now, commit at `time` (`hh:mm[:ss]` today or
    /// `yyyy-mm-dd hh:mm[:ss]`, the router's clock, UTC), leave configuration mode.
    CommitAt {
        time: String,
        comment: Option<String>,
    },
    /// `clear system commit`: cancel the pending `commit at`.
    ClearSystemCommit,
    /// `wildcard delete PATH REGEX`: the entries of the list at `words` whose names match
    /// `pattern` (whole name). Without `confirmed` nothing is deleted: the daemon answers
    /// [`Reply::WildcardMatches`] for the shell to ask.
    WildcardDelete {
        words: Vec<String>,
        pattern: String,
        confirmed: bool,
    },
    /// `replace pattern OLD with NEW [upto N]` over the candidate below `words` (the edit
    /// level).
    ReplacePattern {
        words: Vec<String>,
        pattern: String,
        with: String,
        upto: Option<u32>,
    },

    // ---- L2TP (operational) ----
    /// `test services l2tp tunnel user U password P tunnel-name T`: open a test session
    /// through tunnel profile `tunnel_name` as a PPPoE subscriber `user` would (proxy LCP and
    /// PAP proxy authentication), then prove the data path with an LCP echo.
    TestL2tpTunnel {
        user: String,
        password: String,
        tunnel_name: String,
    },
    /// `show services l2tp summary [statistics]`.
    GetL2tpSummaryInformation {
        statistics: bool,
    },
    /// `show services l2tp destination …`.
    GetL2tpDestinationInformation(L2tpShow),
    /// `show services l2tp tunnel …`.
    GetL2tpTunnelInformation(L2tpShow),
    /// `show services l2tp session …`.
    GetL2tpSessionInformation(L2tpShow),
    /// `show services l2tp disconnect-cause-summary`.
    GetL2tpDisconnectCauseSummary,
    /// `clear services l2tp destination [statistics] TARGET`.
    ClearL2tpDestination(L2tpClear),
    /// `clear services l2tp tunnel [statistics] TARGET`.
    ClearL2tpTunnel(L2tpClear),
    /// `clear services l2tp session [statistics] TARGET`.
    ClearL2tpSession(L2tpClear),
    /// `show snmp mib get OBJECT`: OBJECT is a MIB name (with instance) or a dotted OID.
    GetSnmpObject {
        object: String,
    },
    /// `show snmp mib walk OBJECT`: every instance under OBJECT.
    WalkSnmpObject {
        object: String,
    },
    /// `show snmp statistics`: the embedded agent's and the AgentX subagent's counters.
    GetSnmpStatistics,

    // ---- subscribers and PPPoE (operational) ----
    /// `show subscribers [user-name U] [detail | extensive] [summary]`.
    GetSubscribers(SubscriberShow),
    /// `show pppoe interfaces [pp0.N]`.
    GetPppoeInterfaceInformation(PppoeSelect),
    /// `show pppoe statistics [IFNAME]` (an underlying interface, `ge-1/0/0.100`).
    GetPppoeStatistics(PppoeSelect),
    /// `show pppoe service-name-tables`.
    GetPppoeServiceNameTables,
    /// `show network-access address-assignment pool [NAME]`.
    GetAddressAssignmentPool(AddressPoolSelect),
    /// `clear pppoe sessions [pp0.N]`: PADT to each subscriber, whose PPP and forward leg
    /// end with it.
    ClearPppoeSessions(PppoeSelect),
    /// `clear pppoe statistics [IFNAME]`.
    ClearPppoeStatistics(PppoeSelect),

    // ---- PPP (operational, schema/src/ppp_rpc.rs) ----
    /// `show ppp interface [NAME] [extensive | terse]`.
    GetPppInterfaceInformation(crate::ppp_rpc::PppShow),
    /// `show ppp summary`.
    GetPppSummary,
    /// `show ppp statistics`.
    GetPppStatistics,

    // ---- subscriber interfaces and logout (operational) ----
    /// `show interfaces [NAME] [terse | brief | detail | extensive]`.
    GetInterfaceInformation(InterfaceShow),
    /// `clear network-access aaa subscriber (username U | session-id N)`: the subscribers
    /// end as an operator clear ends them (CDN from the LNS, PADT from the LAC).
    ClearNetworkAccessAaaSubscriber(SubscriberLogout),
    /// `clear auto-configuration interfaces IFD.UNIT`: an auto-sensed VLAN's unit goes, if
    /// no subscriber is on it (Junos refuses to clear an interface set with active members).
    ClearAutoConfigurationInterfaces(AutoVlanClear),

    // ---- firewall filters (operational; schema/src/firewall_rpc.rs) ----
    /// `show firewall [filter NAME]`.
    GetFirewallInformation(crate::firewall_rpc::FirewallSelect),
    /// `clear firewall all` / `clear firewall filter NAME`: counters back to zero.
    ClearFirewall(crate::firewall_rpc::FirewallSelect),

    // ---- routes (operational; schema/src/route_rpc.rs) ----
    /// `show route [PREFIX [exact]] [protocol P] [table T] [LEVEL]`.
    GetRouteInformation(crate::route_rpc::RouteShow),
    /// `show route summary [table T]`.
    GetRouteSummaryInformation(crate::route_rpc::RouteSummaryShow),
    /// `show system statistics [tcp | icmp]`: the ICMP and TCP the router originated (its
    /// `reject` answers). The engine counts them, so it answers (schema/src/system_rpc.rs).
    GetSystemStatistics(crate::system_rpc::StatisticsProtocol),

    // ---- AAA (operational; schema/src/aaa_rpc.rs) ----
    /// `show network-access aaa radius-servers [detail]`.
    GetRadiusServers(RadiusServersShow),
    /// `show network-access aaa statistics [authentication | accounting]`.
    GetAaaStatistics(AaaStatisticsShow),
    /// `show network-access aaa subscribers [username U]`.
    GetAaaSubscribers(AaaSubscribersShow),
    /// `test aaa ppp user U password P [profile P]`.
    TestAaaPpp(AaaTest),
    /// `clear network-access aaa statistics`.
    ClearAaaStatistics,
    /// `show network-access terminate-code [aaa | dhcp | l2tp | ppp] [detail]`.
    GetTerminateCode(crate::aaa_rpc::TerminateCodeShow),

    // ---- system and logs (operational; schema/src/system_rpc.rs) ----
    /// `show version`.
    GetSoftwareInformation,
    /// `show system uptime`.
    GetSystemUptimeInformation,
    /// `show system processes`.
    GetSystemProcessInformation,
    /// `show system storage`.
    GetSystemStorage,
    /// `show log [FILE]`: the log files, or FILE's lines.
    GetLog {
        file: Option<String>,
    },
    /// `monitor start FILE`: the daemon sends FILE's new lines to this session as they are
    /// written (as [`Broadcast`] lines), until `monitor stop`.
    MonitorStart {
        file: String,
    },
    /// `monitor stop [FILE]`: every file when none is named.
    MonitorStop {
        file: Option<String>,
    },
}

impl Request {
    /// A request that only answers (shows, tests, walks): the shell may stop waiting for
    /// it when the operator presses Ctrl-C, since nothing the shell keeps depends on it.
    pub fn only_answers(&self) -> bool {
        // Every request named, no wildcard: a new one must be placed here.
        match self {
            Request::ShowConfiguration { .. }
            | Request::ShowSystemCommit
            | Request::ShowSystemUsers
            | Request::Compare { .. }
            | Request::Show { .. }
            | Request::ShowRescue
            | Request::TestL2tpTunnel { .. }
            | Request::GetL2tpSummaryInformation { .. }
            | Request::GetL2tpDestinationInformation(_)
            | Request::GetL2tpTunnelInformation(_)
            | Request::GetL2tpSessionInformation(_)
            | Request::GetL2tpDisconnectCauseSummary
            | Request::GetSnmpObject { .. }
            | Request::WalkSnmpObject { .. }
            | Request::GetSnmpStatistics
            | Request::GetSubscribers(_)
            | Request::GetPppoeInterfaceInformation(_)
            | Request::GetPppoeStatistics(_)
            | Request::GetPppoeServiceNameTables
            | Request::GetPppInterfaceInformation(_)
            | Request::GetPppSummary
            | Request::GetPppStatistics
            | Request::GetAddressAssignmentPool(_)
            | Request::GetInterfaceInformation(_)
            | Request::GetFirewallInformation(_)
            | Request::GetRouteInformation(_)
            | Request::GetRouteSummaryInformation(_)
            | Request::GetSystemStatistics(_)
            | Request::GetRadiusServers(_)
            | Request::GetAaaStatistics(_)
            | Request::GetAaaSubscribers(_)
            | Request::GetTerminateCode(_)
            | Request::TestAaaPpp(_)
            | Request::GetSoftwareInformation
            | Request::GetSystemUptimeInformation
            | Request::GetSystemProcessInformation
            | Request::GetSystemStorage
            | Request::GetLog { .. } => true,
            // Changes, mode and session state the shell keeps in step with the daemon.
            Request::Hello { .. }
            | Request::Configure { .. }
            | Request::ExitConfiguration { .. }
            | Request::Edit { .. }
            | Request::Set { .. }
            | Request::Delete { .. }
            | Request::Activate { .. }
            | Request::Deactivate { .. }
            | Request::Annotate { .. }
            | Request::Rename { .. }
            | Request::Copy { .. }
            | Request::Insert { .. }
            | Request::Commit { .. }
            | Request::Rollback { .. }
            | Request::Load { .. }
            | Request::Update
            | Request::RescueSave
            | Request::RescueDelete
            | Request::RollbackRescue
            | Request::CommitAt { .. }
            | Request::ClearSystemCommit
            | Request::WildcardDelete { .. }
            | Request::ReplacePattern { .. }
            | Request::ClearL2tpDestination(_)
            | Request::ClearL2tpTunnel(_)
            | Request::ClearL2tpSession(_)
            | Request::ClearPppoeSessions(_)
            | Request::ClearPppoeStatistics(_)
            | Request::ClearNetworkAccessAaaSubscriber(_)
            | Request::ClearAutoConfigurationInterfaces(_)
            | Request::ClearFirewall(_)
            | Request::ClearAaaStatistics
            | Request::MonitorStart { .. }
            | Request::MonitorStop { .. } => false,
        }
    }
}

/// Every reply carries `notices`: messages the daemon has for this user regardless of the
/// request (`Commit was not confirmed; automatic rollback complete.`, the pending
/// `# commit confirmed will be rolled back in N minutes` banner).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response {
    pub result: Result<Reply, MgmtError>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
}

/// A line the daemon sends on its own, between responses, to every open shell at once:
/// Junos broadcasts `Commit was not confirmed; automatic rollback complete.` to every
/// user, whatever they are doing, rather than waiting for their next command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Broadcast {
    pub broadcast: String,
}

impl Broadcast {
    /// How every broadcast line starts (and no response line does): a client tells the two
    /// apart without decoding a large response twice.
    pub const LINE_START: &'static str = "{\"broadcast\":";

    /// The message of `line` if it is a broadcast.
    pub fn decode(line: &str) -> Option<String> {
        if !line.starts_with(Self::LINE_START) {
            return None;
        }
        decode_line::<Broadcast>(line).ok().map(|b| b.broadcast)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "kebab-case")]
pub enum Reply {
    Hello {
        user: String,
        class: LoginClass,
        host_name: String,
        version: String,
        /// `system time-zone`: the shell shows times in it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time_zone: Option<String>,
        /// `system login message`, its `\n` and `\t` already a new line and a tab.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        login_message: Option<String>,
        /// `system login announcement`, the same way: shown once the operator is in.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        login_announcement: Option<String>,
        /// The user's class `idle-timeout`, in minutes: the shell warns and closes an idle
        /// session (the daemon closes it too, a little later, whatever the client).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        idle_timeout: Option<u32>,
    },
    /// Plain completion with status lines to show (`commit complete`, `load complete`, warnings).
    Done {
        messages: Vec<String>,
    },
    /// Entering configuration mode: the other users editing, warnings, and whether the
    /// candidate already has uncommitted changes.
    Configured {
        users: Vec<UserSession>,
        warnings: Vec<String>,
        changed: bool,
    },
    /// Leaving configuration mode needs the operator's answer to `question`.
    ConfirmExit {
        question: String,
        warnings: Vec<String>,
    },
    /// The new edit level.
    EditPath {
        path: Path,
    },
    /// A configuration (sub)tree. `path` is where `tree` sits (empty = the root); the shell
    /// renders it as text, `| display set` or `| display json`.
    Config {
        path: Path,
        tree: Node,
        /// The first line of the brace form at the top of a whole configuration:
        /// `## Last commit: TIME by USER` (`show configuration`), `## Last changed: TIME`
        /// (configuration mode, rollbacks, the rescue configuration).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header: Option<String>,
    },
    /// `show | compare`.
    Diff {
        blocks: Vec<DiffBlock>,
    },
    Commits {
        entries: Vec<CommitEntry>,
        /// A pending `commit at`, shown above the history.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scheduled: Option<ScheduledCommit>,
        /// The rescue configuration, if one is saved: the `rescue` line below the history.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rescue: Option<RescueEntry>,
    },
    /// `wildcard delete`: the statements that would be deleted (as `set` path words);
    /// nothing was deleted yet.
    WildcardMatches {
        matched: Vec<String>,
    },
    Users {
        users: Vec<UserSession>,
        changed: bool,
    },
    /// The outcome of `test services l2tp tunnel`.
    L2tpTunnelTest(TunnelTestReport),
    L2tpSummary(L2tpSummary),
    L2tpDestinations(L2tpDestinations),
    L2tpTunnels(L2tpTunnels),
    L2tpSessions(L2tpSessions),
    L2tpDisconnectCauses(L2tpDisconnectCauses),
    L2tpCleared(L2tpCleared),
    SnmpObjects(SnmpObjects),
    SnmpStatistics(SnmpStatistics),
    Subscribers(Subscribers),
    PppoeInterfaces(PppoeInterfaces),
    PppoeStatistics(PppoeStatistics),
    PppoeServiceNameTables(PppoeServiceNameTables),
    AddressPools(AddressPoolsReply),
    PppoeCleared(PppoeCleared),
    PppSessions(crate::ppp_rpc::PppSessions),
    PppSummary(crate::ppp_rpc::PppSummary),
    PppStatistics(crate::ppp_rpc::PppStatistics),
    Interfaces(Interfaces),
    SubscribersLoggedOut(SubscribersLoggedOut),
    AutoVlanCleared(AutoVlanCleared),
    Firewall(crate::firewall_rpc::FirewallInformation),
    FirewallCleared(crate::firewall_rpc::FirewallCleared),
    Routes(crate::route_rpc::RouteInformation),
    RouteSummary(crate::route_rpc::RouteSummaryInformation),
    SystemStatistics(crate::system_rpc::SystemStatistics),
    RadiusServers(RadiusServers),
    AaaStatistics(AaaStatistics),
    AaaSubscribers(AaaSubscribers),
    AaaTest(AaaTestReport),
    AaaStatisticsCleared(AaaStatisticsCleared),
    TerminateCode(crate::aaa_rpc::TerminateCodeInformation),
    Version(Version),
    SystemUptime(SystemUptime),
    SystemProcesses(SystemProcesses),
    SystemStorage(SystemStorage),
    LogFiles(LogFiles),
    LogContent(LogContent),
    /// The clear would end `sessions` sessions (more than
    /// [`crate::l2tp_rpc::CLEAR_CONFIRM_THRESHOLD`]): nothing was done; the shell asks
    /// `question` and sends the clear again with `confirmed` when the answer is yes.
    ConfirmClear {
        sessions: usize,
        question: String,
    },
}

/// What `test services l2tp tunnel` found. IDs are those of this router (`local_*`) and of
/// the peer (`remote_*`), absent when the test failed before they were assigned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TunnelTestReport {
    pub local_tunnel_id: Option<u16>,
    pub remote_tunnel_id: Option<u16>,
    pub local_session_id: Option<u16>,
    pub remote_session_id: Option<u16>,
    pub state: TunnelTestState,
    /// Round trip of the LCP Echo-Request over the data channel, in microseconds.
    pub echo_round_trip_us: Option<u64>,
    /// Why the test failed, as one sentence; `None` on success.
    pub failure: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TunnelTestState {
    /// The session came up and the LNS answered the LCP echo.
    Established,
    /// The session came up but the data path did not answer.
    EstablishedNoEcho,
    /// The session never came up.
    Failed,
}

/// One statement of a loaded text that could not be taken, with what Junos reports for it:
/// `terminal:3:(5) syntax error: foo`, the `[edit …]` level, the statement, and why. For a
/// `load set` line the level is the one reached before the bad word and the statement is the
/// line from that word on; for brace text, the block the statement stands in and the whole
/// statement as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetLineError {
    /// 1-based line of the text, and column (in characters) of the bad word.
    pub line: usize,
    pub column: usize,
    /// The level reached before the bad word, as its banner writes it (empty: `[edit]`).
    pub edit_path: String,
    /// The line's text from the bad word on (`foo bar`).
    pub statement: String,
    /// The bad word itself; empty when a word is missing at the end of the line.
    pub word: String,
    /// The Junos message (`syntax error.`, `Value 99 is not within range (1..16)`).
    pub message: String,
}

/// Errors, shaped so the shell can print them the Junos way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "kebab-case")]
pub enum MgmtError {
    /// A word of the request is wrong: the shell echoes the line and puts `^` under word
    /// `word` (an index into the request's `words`), then prints `message`.
    Syntax { word: usize, message: String },
    /// Commit-time check failures, each under its `[edit ...]` banner, then `error: summary`.
    Check {
        errors: Vec<CheckError>,
        summary: String,
    },
    /// A load (`load merge|override|replace|update|set`, a file or the terminal) could not
    /// take these statements, every one found in one pass, in text order; nothing was
    /// loaded. The shell prints each as Junos does (`terminal:4:(44) syntax error: adress`,
    /// the `[edit …]` level, the statement, why).
    Load { errors: Vec<SetLineError> },
    /// Not allowed for this user's login class, or not in this mode.
    Denied { message: String },
    /// The configuration is locked by another user; `message` is the Junos text after
    /// `error: ` (`configuration database locked by:` and the holder).
    Locked { message: String },
    /// Anything else, as one clear sentence.
    Failed { message: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckError {
    /// The `[edit ...]` level of the offending statement's parent.
    pub path: Path,
    /// The statement as written, e.g. `tunnel-profile tp-missing`.
    pub statement: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffSign {
    #[serde(rename = "+")]
    Added,
    #[serde(rename = "-")]
    Removed,
    /// Context (unchanged) line, e.g. the closing brace of an added block's parent.
    #[serde(rename = " ")]
    Context,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub sign: DiffSign,
    /// Brace-form text of the line, indented relative to the block's banner level.
    pub text: String,
}

/// One `[edit ...]` banner and the lines under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffBlock {
    pub path: Path,
    pub lines: Vec<DiffLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitEntry {
    /// 0 is the active configuration.
    pub index: u32,
    /// Seconds since the Unix epoch.
    pub time: i64,
    pub user: String,
    pub client: ClientKind,
    pub comment: Option<String>,
    /// Set while this is a `commit confirmed` that has not been confirmed: the minutes it was
    /// given as the store keeps them; the daemon's `show system commit` gives the minutes left.
    pub confirmed_minutes: Option<u32>,
}

/// When the rescue configuration was saved, and by whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RescueEntry {
    /// Seconds since the Unix epoch.
    pub time: i64,
    pub user: String,
    pub client: ClientKind,
}

/// A `commit at` waiting for its time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledCommit {
    pub user: String,
    pub client: ClientKind,
    /// Seconds since the Unix epoch.
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSession {
    pub user: String,
    /// `terminal pts/3`, or the client kind for non-interactive sessions.
    pub terminal: String,
    pub pid: u32,
    /// Seconds since the Unix epoch.
    pub since: i64,
    pub idle_seconds: u64,
    /// `Some` while in configuration mode: the current `[edit ...]` level.
    pub edit_path: Option<Path>,
    pub mode: Option<ConfigureMode>,
}

/// Encodes one message as a JSON line.
pub fn encode_line<T: Serialize>(msg: &T) -> String {
    let mut s = serde_json::to_string(msg).expect("management messages always serialise");
    s.push('\n');
    s
}

/// Decodes one JSON line.
pub fn decode_line<T: for<'de> Deserialize<'de>>(line: &str) -> Result<T, String> {
    serde_json::from_str(line.trim_end()).map_err(|e| format!("malformed management message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcast_lines_are_told_from_responses() {
        let line = encode_line(&Broadcast {
            broadcast: "Commit was not confirmed; automatic rollback complete.".into(),
        });
        assert_eq!(
            Broadcast::decode(&line).as_deref(),
            Some("Commit was not confirmed; automatic rollback complete.")
        );
        let response = encode_line(&Response {
            result: Ok(Reply::Done {
                messages: vec!["{\"broadcast\":".into()],
            }),
            notices: vec![],
        });
        assert_eq!(Broadcast::decode(&response), None);
    }

    #[test]
    fn request_json_shape() {
        let r = Request::Set {
            words: vec!["system".into(), "host-name".into(), "r1".into()],
        };
        // Bare words are plain strings, as before quoting was carried.
        let line = encode_line(&r);
        assert_eq!(
            line,
            "{\"op\":\"set\",\"words\":[\"system\",\"host-name\",\"r1\"]}\n"
        );
        assert_eq!(decode_line::<Request>(&line).unwrap(), r);
    }

    #[test]
    fn response_round_trip() {
        let r = Response {
            result: Err(MgmtError::Syntax {
                word: 2,
                message: "syntax error.".into(),
            }),
            notices: vec![],
        };
        assert_eq!(decode_line::<Response>(&encode_line(&r)).unwrap(), r);
        let ok = Response {
            result: Ok(Reply::Done {
                messages: vec!["commit complete".into()],
            }),
            notices: vec![],
        };
        assert_eq!(decode_line::<Response>(&encode_line(&ok)).unwrap(), ok);
    }

    #[test]
    fn tunnel_test_round_trip() {
        let request = Request::TestL2tpTunnel {
            user: "u1@example.net".into(),
            password: "pw".into(),
            tunnel_name: "tp-lns1".into(),
        };
        assert_eq!(
            decode_line::<Request>(&encode_line(&request)).unwrap(),
            request
        );
        let reply = Response {
            result: Ok(Reply::L2tpTunnelTest(TunnelTestReport {
                local_tunnel_id: Some(17967),
                remote_tunnel_id: Some(3),
                local_session_id: Some(40553),
                remote_session_id: None,
                state: TunnelTestState::EstablishedNoEcho,
                echo_round_trip_us: None,
                failure: Some("no LCP echo reply".into()),
            })),
            notices: vec![],
        };
        let line = encode_line(&reply);
        assert!(line.contains("\"reply\":\"l2tp-tunnel-test\""), "{line}");
        assert_eq!(decode_line::<Response>(&line).unwrap(), reply);
    }

    #[test]
    fn l2tp_rpc_names_are_the_junos_ones() {
        use crate::l2tp_rpc::{ClearTarget, L2tpClear, L2tpShow};
        let show = Request::GetL2tpTunnelInformation(L2tpShow::default());
        let line = encode_line(&show);
        assert!(
            line.contains("\"op\":\"get-l2tp-tunnel-information\""),
            "{line}"
        );
        assert_eq!(decode_line::<Request>(&line).unwrap(), show);
        let clear = Request::ClearL2tpSession(L2tpClear {
            statistics: false,
            target: ClearTarget::LocalSessionId(40553),
            confirmed: false,
        });
        assert_eq!(decode_line::<Request>(&encode_line(&clear)).unwrap(), clear);
    }

    /// `show interfaces` and the AAA logout travel under Junos' RPC names and round-trip,
    /// requests and replies.
    #[test]
    fn interface_and_logout_rpcs_round_trip() {
        use crate::interface_rpc::*;
        let show = Request::GetInterfaceInformation(InterfaceShow {
            name: Some("si-0/0/0.1073741825".into()),
            level: InterfaceLevel::Terse,
        });
        let line = encode_line(&show);
        assert!(
            line.contains("\"op\":\"get-interface-information\""),
            "{line}"
        );
        assert_eq!(decode_line::<Request>(&line).unwrap(), show);
        for target in [
            SubscriberLogout::Username("alice@isp.example".into()),
            SubscriberLogout::SessionId(7),
        ] {
            let request = Request::ClearNetworkAccessAaaSubscriber(target);
            let line = encode_line(&request);
            assert!(
                line.contains("\"op\":\"clear-network-access-aaa-subscriber\""),
                "{line}"
            );
            assert_eq!(decode_line::<Request>(&line).unwrap(), request);
        }
        let clear = Request::ClearAutoConfigurationInterfaces(AutoVlanClear {
            interface: "ge-1/0/0.1073741824".into(),
        });
        let line = encode_line(&clear);
        assert!(
            line.contains("\"op\":\"clear-auto-configuration-interfaces\""),
            "{line}"
        );
        assert_eq!(decode_line::<Request>(&line).unwrap(), clear);
        for reply in [
            Reply::Interfaces(Interfaces::default()),
            Reply::AutoVlanCleared(AutoVlanCleared {
                interface: "ge-1/0/0.1073741824".into(),
            }),
            Reply::SubscribersLoggedOut(SubscribersLoggedOut {
                subscribers: vec![LoggedOut {
                    subscriber_session_id: 7,
                    user_name: Some("alice@isp.example".into()),
                    interface: "pp0.1073741831".into(),
                }],
            }),
        ] {
            let response = Response {
                result: Ok(reply),
                notices: vec![],
            };
            let line = encode_line(&response);
            assert_eq!(decode_line::<Response>(&line).unwrap(), response);
        }
    }

    /// The AAA RPCs travel under their names and round-trip, requests and replies.
    #[test]
    fn aaa_rpcs_round_trip() {
        use crate::aaa_rpc::*;
        for (request, op) in [
            (
                Request::GetRadiusServers(RadiusServersShow { detail: true }),
                "get-radius-servers",
            ),
            (
                Request::GetAaaStatistics(AaaStatisticsShow {
                    section: Some(AaaStatisticsSection::Accounting),
                }),
                "get-aaa-statistics",
            ),
            (
                Request::GetAaaSubscribers(AaaSubscribersShow {
                    username: Some("alice@isp.example".into()),
                }),
                "get-aaa-subscribers",
            ),
            (
                Request::TestAaaPpp(AaaTest {
                    user: "alice@isp.example".into(),
                    password: "pw".into(),
                    profile: None,
                }),
                "test-aaa-ppp",
            ),
            (Request::ClearAaaStatistics, "clear-aaa-statistics"),
            (
                Request::GetTerminateCode(TerminateCodeShow {
                    protocol: Some(crate::terminate_code::Protocol::L2tp),
                    detail: true,
                }),
                "get-terminate-code",
            ),
        ] {
            let line = encode_line(&request);
            assert!(line.contains(&format!("\"op\":\"{op}\"")), "{line}");
            assert_eq!(decode_line::<Request>(&line).unwrap(), request);
        }
        for reply in [
            Reply::RadiusServers(RadiusServers::default()),
            Reply::AaaStatistics(AaaStatistics::default()),
            Reply::AaaSubscribers(AaaSubscribers::default()),
            Reply::AaaTest(AaaTestReport {
                result: AaaTestResult::Accept,
                method: Some(AaaMethod::Radius),
                server: Some(std::net::Ipv4Addr::new(127, 0, 0, 1)),
                attributes: vec![AaaAttribute {
                    name: "Tunnel-Type:1".into(),
                    value: "L2TP".into(),
                }],
                elapsed_ms: 3,
                error: None,
            }),
            Reply::AaaStatisticsCleared(AaaStatisticsCleared { servers: 2 }),
            Reply::TerminateCode(crate::terminate_code::information(
                &Default::default(),
                None,
            )),
        ] {
            let response = Response {
                result: Ok(reply),
                notices: vec![],
            };
            let line = encode_line(&response);
            assert_eq!(decode_line::<Response>(&line).unwrap(), response);
        }
    }

    #[test]
    fn subscriber_rpc_names_are_the_junos_ones_and_round_trip() {
        use crate::subscriber_rpc::*;
        let show = Request::GetSubscribers(SubscriberShow {
            level: Level::Extensive,
            summary: false,
            user_name: Some("u1@example.net".into()),
        });
        let line = encode_line(&show);
        assert!(line.contains("\"op\":\"get-subscribers\""), "{line}");
        assert_eq!(decode_line::<Request>(&line).unwrap(), show);
        for request in [
            Request::GetPppoeInterfaceInformation(PppoeSelect {
                interface: Some("pp0.1073741825".into()),
            }),
            Request::GetPppoeStatistics(PppoeSelect::default()),
            Request::GetPppoeServiceNameTables,
            Request::GetAddressAssignmentPool(AddressPoolSelect {
                name: Some("p1".into()),
            }),
            Request::ClearPppoeSessions(PppoeSelect::default()),
            Request::ClearPppoeStatistics(PppoeSelect {
                interface: Some("ge-1/0/0.100".into()),
            }),
        ] {
            assert_eq!(
                decode_line::<Request>(&encode_line(&request)).unwrap(),
                request
            );
        }
        let statistics = Response {
            result: Ok(Reply::PppoeStatistics(PppoeStatistics {
                active_sessions: 2,
                totals: PppoeCounters {
                    padi_received: 7,
                    ..PppoeCounters::default()
                },
                interfaces: vec![PppoeInterfaceStatistics {
                    underlying_interface: "ge-1/0/0.100".into(),
                    active_sessions: 2,
                    counters: PppoeCounters {
                        padi_received: 7,
                        short_cycle_refused: u64::MAX,
                        ..PppoeCounters::default()
                    },
                }],
            })),
            notices: vec![],
        };
        let line = encode_line(&statistics);
        assert!(line.contains("\"reply\":\"pppoe-statistics\""), "{line}");
        assert_eq!(decode_line::<Response>(&line).unwrap(), statistics);
    }
}
