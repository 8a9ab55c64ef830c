//! Network namespaces joined by a veth pair, made by a test and deleted when it ends (also
//! on panic): the place for PPPoE over a real kernel without touching the host's interfaces.
//! Needs root; CI runs as root and must run such tests, elsewhere they say why and return.

use std::process::Command;

use l2tpd::io::PacketSocket;
use l2tpd::pppoe::wire::MacAddr;
use nix::sched::CloneFlags;

/// Whether a root-only test may run here; in CI (CI=true) without root it fails instead.
pub fn may_run_as_root(test: &str) -> bool {
    if nix::unistd::geteuid().is_root() {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test} needs root, and CI runs as root: run it as root");
    }
    eprintln!("skipped: {test} needs root (network namespaces, CAP_NET_RAW)");
    false
}

/// `ip -n NAMESPACE ARGS`: its output, or its error text.
pub fn ip_in(namespace: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new("ip")
        .args(["-n", namespace])
        .args(args)
        .output()
        .expect("run ip");
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Runs `ip ARGS`, which must succeed.
pub fn ip(args: &[&str]) {
    let status = Command::new("ip").args(args).status().expect("run ip");
    assert!(status.success(), "ip {} failed: {status}", args.join(" "));
}

pub fn mac_text(mac: MacAddr) -> String {
    let octets: Vec<String> = mac.0.iter().map(|o| format!("{o:02x}")).collect();
    octets.join(":")
}

/// Two namespaces, end 0 and end 1, joined by a veth pair; no IP addresses.
pub struct VethPair {
    namespaces: [String; 2],
    interfaces: [String; 2],
}

impl VethPair {
    /// `tag` (at most 6 characters) keeps the names of parallel tests apart; the pid keeps
    /// parallel runs apart. Both ends are up; `macs` are their addresses.
    pub fn create(tag: &str, macs: [MacAddr; 2]) -> VethPair {
        assert!(tag.len() <= 6, "IFNAMSIZ is 16: tag + pid + end must fit");
        let pid = std::process::id() % 1_000_000;
        let pair = VethPair {
            namespaces: [format!("{tag}-{pid}-a"), format!("{tag}-{pid}-b")],
            interfaces: [format!("{tag}{pid}a"), format!("{tag}{pid}b")],
        };
        let ([ns_a, ns_b], [if_a, if_b]) = (&pair.namespaces, &pair.interfaces);
        ip(&["netns", "add", ns_a]);
        ip(&["netns", "add", ns_b]);
        ip(&[
            "link", "add", if_a, "netns", ns_a, "type", "veth", "peer", "name", if_b, "netns", ns_b,
        ]);
        for ((namespace, interface), mac) in pair.namespaces.iter().zip(&pair.interfaces).zip(macs)
        {
            let mac = mac_text(mac);
            ip(&["-n", namespace, "link", "set", interface, "address", &mac]);
            ip(&["-n", namespace, "link", "set", interface, "up"]);
        }
        pair
    }

    pub fn namespace(&self, end: usize) -> &str {
        &self.namespaces[end]
    }

    pub fn interface(&self, end: usize) -> &str {
        &self.interfaces[end]
    }

    pub fn set_link(&self, end: usize, state: &str) {
        let (namespace, interface) = (&self.namespaces[end], &self.interfaces[end]);
        ip(&["-n", namespace, "link", "set", interface, state]);
    }

    /// Brings up `lo` in end `end`'s namespace: 127.0.0.0/8 there is the namespace's own.
    pub fn loopback_up(&self, end: usize) {
        ip(&["-n", &self.namespaces[end], "link", "set", "lo", "up"]);
    }

    pub fn set_mtu(&self, end: usize, mtu: u32) {
        let (namespace, interface) = (&self.namespaces[end], &self.interfaces[end]);
        ip(&[
            "-n",
            namespace,
            "link",
            "set",
            interface,
            "mtu",
            &mtu.to_string(),
        ]);
    }

    /// `ip -d -o link show` of end `end`: "7: l2io123a@if6: <BROADCAST,UP,...> mtu ...".
    fn link_line(&self, end: usize) -> String {
        let output = Command::new("ip")
            .args([
                "-n",
                &self.namespaces[end],
                "-d",
                "-o",
                "link",
                "show",
                "dev",
            ])
            .arg(&self.interfaces[end])
            .output()
            .expect("run ip");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The ifindex as `ip` shows it ("7: l2io123a@if6: <...").
    pub fn ifindex(&self, end: usize) -> u32 {
        let line = self.link_line(end);
        line.split(':')
            .next()
            .and_then(|index| index.trim().parse().ok())
            .expect("ifindex")
    }

    /// How many users keep the interface promiscuous (`ip -d`: "promiscuity N"); packet
    /// socket memberships count here, not in the PROMISC flag.
    pub fn promiscuity(&self, end: usize) -> u32 {
        let line = self.link_line(end);
        let count = line.split_once("promiscuity ").map(|(_, rest)| rest);
        let count = count.expect("promiscuity in ip -d's output");
        count
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a promiscuity count")
    }

    /// A command that runs inside end `end`'s namespace (`ip netns exec`).
    pub fn command(&self, end: usize, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", &self.namespaces[end]])
            .arg(program);
        command
    }

    /// A packet socket on end `end`, opened from a thread that entered its namespace (the
    /// socket stays bound there wherever it is used afterwards).
    pub fn packet_socket(&self, end: usize) -> PacketSocket {
        let interface = self.interfaces[end].clone();
        self.run_in(end, move || {
            PacketSocket::open(&interface).expect("open the packet socket")
        })
    }

    /// Runs `f` on a thread that entered end `end`'s namespace: the sockets and devices it
    /// makes stay there wherever they are used afterwards, and so do `/proc/sys/net` writes.
    pub fn run_in<T: Send + 'static>(
        &self,
        end: usize,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        let namespace = format!("/run/netns/{}", self.namespaces[end]);
        std::thread::spawn(move || {
            let handle = std::fs::File::open(&namespace).expect("open the namespace");
            nix::sched::setns(&handle, CloneFlags::CLONE_NEWNET).expect("setns");
            f()
        })
        .join()
        .expect("namespace thread")
    }
}

impl Drop for VethPair {
    fn drop(&mut self) {
        // Deleting a namespace deletes the veth end in it, and with it the peer.
        for namespace in &self.namespaces {
            let _ = Command::new("ip")
                .args(["netns", "del", namespace])
                .status();
        }
    }
}
