//! What one client of the management socket may make the daemon hold: the length of a request
//! line, how long a connection may stay unidentified, and how many connections a user (and
//! everyone) may keep open. The README states these numbers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A line before the client is identified: a hello is a few dozen bytes. An unknown or
/// refused user must not make the daemon buffer a configuration-sized line.
pub const HELLO_LINE_BYTES: usize = 4 * 1024;
/// A line once identified: a whole configuration for `load override terminal` (a
/// 150,000-line configuration is about 10 MB of JSON).
pub const REQUEST_LINE_BYTES: usize = 64 * 1024 * 1024;
/// A connection must say hello within this; the cli does at once. Identified shells have no
/// idle timeout here (a Junos session idle timeout is a login-class setting of its own).
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(10);
/// Open connections per uid (identified or not).
pub const CONNECTIONS_PER_USER: usize = 16;
/// Open connections of all users but root; root always gets in (as at a Junos console),
/// bounded by its own per-user cap.
pub const CONNECTIONS_TOTAL: usize = 64;

const ROOT: u32 = 0;

#[derive(Default)]
struct Counts {
    per_user: HashMap<u32, usize>,
    others: usize,
}

/// The open connections, counted per uid. A [`Slot`] is held for each and gives its place
/// back when dropped, whatever way the connection ends.
#[derive(Clone, Default)]
pub struct ConnectionSlots(Arc<Mutex<Counts>>);

pub struct Slot {
    uid: u32,
    slots: ConnectionSlots,
}

impl ConnectionSlots {
    /// A place for a connection of `uid`, or the operator's sentence saying why not.
    pub fn take(&self, uid: u32, user: &str) -> Result<Slot, String> {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mine = counts.per_user.get(&uid).copied().unwrap_or(0);
        if mine >= CONNECTIONS_PER_USER {
            return Err(format!(
                "too many management connections for user '{user}' (at most {CONNECTIONS_PER_USER})"
            ));
        }
        if uid != ROOT && counts.others >= CONNECTIONS_TOTAL {
            return Err(format!(
                "too many management connections (at most {CONNECTIONS_TOTAL} for all users but root)"
            ));
        }
        *counts.per_user.entry(uid).or_default() += 1;
        if uid != ROOT {
            counts.others += 1;
        }
        Ok(Slot {
            uid,
            slots: self.clone(),
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.slots.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.per_user.get_mut(&self.uid) {
            *n -= 1;
            if *n == 0 {
                counts.per_user.remove(&self.uid);
            }
        }
        if self.uid != ROOT {
            counts.others -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_user_and_total_caps_and_places_given_back() {
        let slots = ConnectionSlots::default();
        let alice: Vec<Slot> = (0..CONNECTIONS_PER_USER)
            .map(|_| slots.take(1000, "alice").unwrap())
            .collect();
        let err = slots.take(1000, "alice").err().unwrap();
        assert!(err.contains("for user 'alice' (at most 16)"), "{err}");
        drop(alice);
        let many: Vec<Slot> = (0..CONNECTIONS_TOTAL as u32)
            .map(|n| slots.take(2000 + n, "u").unwrap())
            .collect();
        let err = slots.take(5000, "late").err().unwrap();
        assert!(err.contains("all users but root"), "{err}");
        let root = slots.take(ROOT, "root").expect("root always gets in");
        drop(many);
        drop(root);
        assert!(slots.0.lock().unwrap().per_user.is_empty());
        assert_eq!(slots.0.lock().unwrap().others, 0);
    }
}
