//! The system RPCs: `show version`, `show system uptime | processes | storage`, `show log`
//! and `monitor start | stop`. The daemon answers from its own process and state directory
//! (it is the router: there is no other host to describe); the shell renders the replies in
//! Junos' layouts, or as `| display json`. Times are Unix seconds, sizes octets.

use serde::{Deserialize, Serialize};

/// The Junos root elements of `| display json | xml`.
pub const VERSION_ROOT: &str = "software-information";
pub const UPTIME_ROOT: &str = "system-uptime-information";
pub const PROCESSES_ROOT: &str = "system-process-information";
pub const STORAGE_ROOT: &str = "system-storage-information";
pub const LOG_FILES_ROOT: &str = "directory-list";
/// `show system statistics [tcp | icmp]` (Junos' RPC get-statistics-information).
pub const STATISTICS_ROOT: &str = "statistics";

/// `show version`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Version {
    pub host_name: String,
    pub product_model: String,
    pub product_name: String,
    /// The daemon's version (its crate version).
    pub version: String,
    /// `git rev-parse --short HEAD` when the daemon was built; "unknown" outside a checkout.
    pub build_commit: String,
}

/// `show system uptime`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemUptime {
    pub current_time: i64,
    /// The host's boot (`btime` of /proc/stat); absent where it cannot be read.
    pub system_booted: Option<i64>,
    /// When this l2tpd started.
    pub protocols_started: i64,
    pub last_configured: Option<LastConfigured>,
    /// Open management sessions (the `N users` of the last line).
    pub users: usize,
    /// 1, 5 and 15 minute load averages, in hundredths.
    pub load_averages: Option<[u32; 3]>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LastConfigured {
    pub time: i64,
    pub user: String,
}

/// `show system processes`: the daemon and each of its threads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemProcesses {
    pub pid: u32,
    pub user: String,
    pub command: String,
    /// Resident set size and virtual size, in octets.
    pub resident: u64,
    pub size: u64,
    /// User plus system CPU time of the whole process, in hundredths of a second.
    pub cpu_centiseconds: u64,
    pub threads: Vec<ThreadInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ThreadInfo {
    pub tid: u32,
    pub name: String,
    /// The kernel's one-letter state (R running, S sleeping, D disk wait …).
    pub state: String,
    pub cpu_centiseconds: u64,
}

/// `show system storage`: the file system holding the state directory, and what the state
/// directory itself holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemStorage {
    pub filesystem: Filesystem,
    pub state_directory: String,
    pub files: Vec<StateFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Filesystem {
    pub name: String,
    pub total: u64,
    pub used: u64,
    pub available: u64,
    pub mounted_on: String,
}

impl Filesystem {
    /// `df`'s capacity: used over what users may have (used + available), rounded up.
    pub fn capacity_percent(&self) -> u64 {
        let usable = self.used + self.available;
        if usable == 0 {
            return 0;
        }
        (self.used * 100).div_ceil(usable)
    }
}

/// One kind of file in the state directory and the room it takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct StateFile {
    /// What it is (`configuration database`, `log files`).
    pub role: String,
    /// Its names (`config.db`; `messages, messages.0-9`).
    pub names: String,
    pub size: u64,
}

/// `show log` with no file: the log files in the state directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LogFiles {
    pub directory: String,
    pub files: Vec<LogFile>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LogFile {
    pub name: String,
    /// `-rw-------`.
    pub permissions: String,
    pub links: u64,
    pub owner: String,
    pub group: String,
    pub size: u64,
    /// 512-octet blocks allocated (the `total` line sums them).
    pub blocks: u64,
    pub modified: i64,
}

/// `show log FILE`: the file's lines, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct LogContent {
    pub file: String,
    pub lines: Vec<String>,
}

/// Which protocols `show system statistics [PROTOCOL]` asks for: all this router counts
/// (Junos' order, TCP first), or one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatisticsProtocol {
    #[default]
    All,
    Tcp,
    Icmp,
}

/// `show system statistics [tcp | icmp]`. Junos shows its kernel's counters; what this
/// router originates itself are the answers of firewall `reject` terms (ICMP unreachables,
/// TCP resets), counted by the engine over the data workers' fast path and its own slow path
/// together. A protocol not asked for is absent (and absent from `| display json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemStatistics {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpStatistics>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp: Option<IcmpStatistics>,
}

/// The answers of `reject` terms the router sent and those its `icmpv4-rate-limit` bucket
/// refused, by kind: what both protocols' counters are made of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RejectAnswers {
    pub unreachables_sent: u64,
    pub unreachables_suppressed: u64,
    pub resets_sent: u64,
    pub resets_suppressed: u64,
}

impl SystemStatistics {
    /// The statistics of `protocol` from the router's `reject` answers.
    pub fn of_answers(answers: RejectAnswers, protocol: StatisticsProtocol) -> SystemStatistics {
        let wants = |one| protocol == StatisticsProtocol::All || protocol == one;
        SystemStatistics {
            tcp: wants(StatisticsProtocol::Tcp)
                .then(|| TcpStatistics::of_resets(answers.resets_sent, answers.resets_suppressed)),
            icmp: wants(StatisticsProtocol::Icmp).then(|| {
                IcmpStatistics::of_unreachables(
                    answers.unreachables_sent,
                    answers.unreachables_suppressed,
                )
            }),
        }
    }
}

/// Junos' element names for the TCP lines this router has something to count in: the
/// resets of `then reject tcp-reset` are control packets and `RST packets` (on a Junos RE
/// these count every SYN, FIN and RST its stack sends); those the rate limit refused are
/// `outgoing segments dropped due to policing`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct TcpStatistics {
    pub packets_sent: u64,
    pub sent_control_packets: u64,
    pub rst_packets: u64,
    #[serde(rename = "outgoing-segments-dropped")]
    pub outgoing_segments_dropped_due_to_policing: u64,
}

impl TcpStatistics {
    pub fn of_resets(sent: u64, suppressed: u64) -> TcpStatistics {
        TcpStatistics {
            packets_sent: sent,
            sent_control_packets: sent,
            rst_packets: sent,
            outgoing_segments_dropped_due_to_policing: suppressed,
        }
    }
}

/// Junos' element names (`drops-due-to-rate-limit`, `calls-to-icmp-error`, `histogram`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IcmpStatistics {
    /// ICMP errors the `icmpv4-rate-limit` bucket refused.
    pub drops_due_to_rate_limit: u64,
    /// ICMP errors asked for: those sent and those the rate limit refused.
    pub calls_to_icmp_error: u64,
    /// The `Output Histogram`: what was sent, by ICMP type.
    pub histogram: Vec<IcmpHistogram>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct IcmpHistogram {
    /// `Output Histogram`.
    pub type_of_histogram: String,
    pub destination_unreachable: u64,
}

impl IcmpStatistics {
    /// From the unreachables the router sent and those its rate limit refused.
    pub fn of_unreachables(sent: u64, suppressed: u64) -> IcmpStatistics {
        IcmpStatistics {
            drops_due_to_rate_limit: suppressed,
            calls_to_icmp_error: sent.saturating_add(suppressed),
            histogram: vec![IcmpHistogram {
                type_of_histogram: "Output Histogram".into(),
                destination_unreachable: sent,
            }],
        }
    }
}
