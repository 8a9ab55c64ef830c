//! The routing instances' VRF devices (issue 11): after each commit, one Linux VRF device per
//! `routing-instances NAME`, on the table derived from its name (`schema::typed::vrf_table_id`),
//! and none left for an instance the commit removed. The service interfaces are enslaved by
//! [`super::service_ifaces::ServiceIfaces`], between the creation of the wanted VRFs and the
//! deletion of the unwanted ones, so a TUN is never enslaved to a VRF that is not there and
//! is released before its VRF goes.
//!
//! A VRF that cannot be created or deleted is logged and left as it is, as a service
//! interface that cannot be opened is: the commit has been accepted, and the next one tries
//! again.

use std::collections::BTreeMap;
use std::io;

use schema::typed::{vrf_device_name, vrf_table_id, RoutingInstance};

use crate::io::vrf;

/// One wanted VRF device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VrfSpec {
    /// The routing instance, `ri1`.
    pub instance: String,
    /// Its Linux device, `vrf-ri1`.
    pub device: String,
    pub table: u32,
}

/// The VRF devices `instances` ask for.
pub fn wanted_vrfs(instances: &BTreeMap<String, RoutingInstance>) -> Vec<VrfSpec> {
    instances
        .keys()
        .map(|name| VrfSpec {
            instance: name.clone(),
            device: vrf_device_name(name),
            table: vrf_table_id(name),
        })
        .collect()
}

/// What the reconciler does to the host: rtnetlink in the daemon, a record in tests.
pub trait VrfHost: Send {
    fn create_vrf(&mut self, device: &str, table: u32) -> io::Result<()>;
    fn delete_link(&mut self, device: &str) -> io::Result<()>;
    fn set_master(&mut self, device: &str, master: Option<&str>) -> io::Result<()>;
}

/// The host's own network stack.
pub struct Netlink;

impl VrfHost for Netlink {
    fn create_vrf(&mut self, device: &str, table: u32) -> io::Result<()> {
        vrf::create_vrf(device, table)
    }
    fn delete_link(&mut self, device: &str) -> io::Result<()> {
        vrf::delete_link(device)
    }
    fn set_master(&mut self, device: &str, master: Option<&str>) -> io::Result<()> {
        vrf::set_master(device, master)
    }
}

/// The VRF devices this daemon made.
pub struct RoutingInstances {
    host: Box<dyn VrfHost>,
    /// Device → table.
    present: BTreeMap<String, u32>,
}

impl Default for RoutingInstances {
    fn default() -> Self {
        Self::new(Box::new(Netlink))
    }
}

impl RoutingInstances {
    pub fn new(host: Box<dyn VrfHost>) -> Self {
        Self {
            host,
            present: BTreeMap::new(),
        }
    }

    /// Creates the wanted VRFs not made yet. One that already exists was left by an earlier
    /// run of the daemon (the `vrf-` names are ours, and the table comes from the name): it
    /// is deleted and made again, so that its table is the one derived now.
    pub fn create_missing(&mut self, wanted: &[VrfSpec]) {
        for spec in wanted {
            if self.present.get(&spec.device) == Some(&spec.table) {
                continue;
            }
            let mut made = self.host.create_vrf(&spec.device, spec.table);
            if matches!(&made, Err(e) if e.kind() == io::ErrorKind::AlreadyExists) {
                made = self
                    .host
                    .delete_link(&spec.device)
                    .and_then(|()| self.host.create_vrf(&spec.device, spec.table));
            }
            match made {
                Ok(()) => {
                    tracing::info!(
                        "routing instance {}: VRF device {} on table {}",
                        spec.instance,
                        spec.device,
                        spec.table
                    );
                    self.present.insert(spec.device.clone(), spec.table);
                }
                Err(e) => tracing::warn!(
                    "routing instance {}: cannot create VRF device {} (table {}): {e}; \
                     its interfaces stay in the main table",
                    spec.instance,
                    spec.device,
                    spec.table
                ),
            }
        }
    }

    /// Deletes the VRFs made earlier that no instance asks for any more.
    pub fn delete_unwanted(&mut self, wanted: &[VrfSpec]) {
        let gone: Vec<String> = self
            .present
            .keys()
            .filter(|device| !wanted.iter().any(|spec| &spec.device == *device))
            .cloned()
            .collect();
        for device in gone {
            match self.host.delete_link(&device) {
                Ok(()) => tracing::info!("VRF device {device} deleted"),
                // Someone deleted it by hand: it is gone either way.
                Err(e) if e.raw_os_error() == Some(libc::ENODEV) => {}
                Err(e) => {
                    tracing::warn!("cannot delete VRF device {device}: {e}");
                    continue;
                }
            }
            self.present.remove(&device);
        }
    }

    /// True if this daemon made VRF `device` and it is still there.
    pub fn is_present(&self, device: &str) -> bool {
        self.present.contains_key(device)
    }

    /// The routing table of VRF device `device`, when it is present.
    pub fn table_of(&self, device: &str) -> Option<u32> {
        self.present.get(device).copied()
    }

    /// Enslaves Linux device `device` to VRF `master`, or releases it (`None`).
    pub fn set_master(&mut self, device: &str, master: Option<&str>) -> io::Result<()> {
        self.host.set_master(device, master)
    }
}

impl Drop for RoutingInstances {
    /// The daemon's VRF devices go with it, as its TUN devices do.
    fn drop(&mut self) {
        self.delete_unwanted(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Records every call; refuses to create a device that exists, as the kernel does.
    #[derive(Clone, Default)]
    struct Recorder {
        calls: Arc<Mutex<Vec<String>>>,
        existing: Arc<Mutex<Vec<String>>>,
    }

    impl Recorder {
        fn take(&self) -> Vec<String> {
            std::mem::take(&mut *self.calls.lock().unwrap())
        }
    }

    impl VrfHost for Recorder {
        fn create_vrf(&mut self, device: &str, table: u32) -> io::Result<()> {
            self.calls
                .lock()
                .unwrap()
                .push(format!("add {device} {table}"));
            let mut existing = self.existing.lock().unwrap();
            if existing.iter().any(|d| d == device) {
                return Err(io::Error::from_raw_os_error(libc::EEXIST));
            }
            existing.push(device.to_string());
            Ok(())
        }
        fn delete_link(&mut self, device: &str) -> io::Result<()> {
            self.calls.lock().unwrap().push(format!("del {device}"));
            let mut existing = self.existing.lock().unwrap();
            let before = existing.len();
            existing.retain(|d| d != device);
            if existing.len() == before {
                return Err(io::Error::from_raw_os_error(libc::ENODEV));
            }
            Ok(())
        }
        fn set_master(&mut self, device: &str, master: Option<&str>) -> io::Result<()> {
            self.calls
                .lock()
                .unwrap()
                .push(format!("master {device} {master:?}"));
            Ok(())
        }
    }

    fn instances(names: &[&str]) -> BTreeMap<String, RoutingInstance> {
        names
            .iter()
            .map(|n| {
                let ri = RoutingInstance {
                    instance_type: Some(schema::typed::InstanceType::VirtualRouter),
                    interfaces: vec![],
                    static_routes: vec![],
                };
                (n.to_string(), ri)
            })
            .collect()
    }

    #[test]
    fn wanted_vrfs_follow_the_naming_rules() {
        let wanted = wanted_vrfs(&instances(&["ri1", "customer-alpha"]));
        assert_eq!(wanted.len(), 2);
        let ri1 = wanted.iter().find(|s| s.instance == "ri1").unwrap();
        assert_eq!(ri1.device, "vrf-ri1");
        assert_eq!(ri1.table, vrf_table_id("ri1"));
        let long = wanted.iter().find(|s| s.instance != "ri1").unwrap();
        assert_eq!(long.device, vrf_device_name("customer-alpha"));
    }

    #[test]
    fn commits_create_once_and_delete_what_is_no_longer_configured() {
        let host = Recorder::default();
        let mut ris = RoutingInstances::new(Box::new(host.clone()));
        let both = wanted_vrfs(&instances(&["a", "b"]));
        ris.create_missing(&both);
        ris.delete_unwanted(&both);
        let (ta, tb) = (vrf_table_id("a"), vrf_table_id("b"));
        assert_eq!(
            host.take(),
            vec![format!("add vrf-a {ta}"), format!("add vrf-b {tb}")]
        );
        // The same commit again touches nothing.
        ris.create_missing(&both);
        ris.delete_unwanted(&both);
        assert!(host.take().is_empty());
        // b removed.
        let only_a = wanted_vrfs(&instances(&["a"]));
        ris.create_missing(&only_a);
        ris.delete_unwanted(&only_a);
        assert_eq!(host.take(), vec!["del vrf-b".to_string()]);
        assert!(ris.is_present("vrf-a") && !ris.is_present("vrf-b"));
        // The daemon's VRFs go with it.
        drop(ris);
        assert_eq!(host.take(), vec!["del vrf-a".to_string()]);
    }

    #[test]
    fn a_vrf_left_by_an_earlier_run_is_made_again() {
        let host = Recorder::default();
        host.existing.lock().unwrap().push("vrf-a".into());
        let mut ris = RoutingInstances::new(Box::new(host.clone()));
        ris.create_missing(&wanted_vrfs(&instances(&["a"])));
        let t = vrf_table_id("a");
        assert_eq!(
            host.take(),
            vec![
                format!("add vrf-a {t}"),
                "del vrf-a".to_string(),
                format!("add vrf-a {t}")
            ]
        );
        assert!(ris.is_present("vrf-a"));
    }

    #[test]
    fn a_vrf_deleted_by_hand_is_forgotten() {
        let host = Recorder::default();
        let mut ris = RoutingInstances::new(Box::new(host.clone()));
        ris.create_missing(&wanted_vrfs(&instances(&["a"])));
        host.existing.lock().unwrap().clear();
        ris.delete_unwanted(&[]);
        assert!(!ris.is_present("vrf-a"));
    }
}
