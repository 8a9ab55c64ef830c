//! The tags of the daemon's system log, in one place, as Junos names its events
//! (`UI_COMMIT`, …): `show log messages | match UI_COMMIT` and syslog filters key on them, so
//! a tag, once shipped, does not change. docs/system-log.md lists them with an example line.
//!
//! An event is logged at `info` (or `warn`/`error`) with its tag as the `tag` field; the
//! messages file and syslog write it as `TAG: text`.

/// `commit` done: `User 'root' requested 'commit' operation (comment: none)`.
pub const UI_COMMIT: &str = "UI_COMMIT";
/// `commit complete`.
pub const UI_COMMIT_COMPLETED: &str = "UI_COMMIT_COMPLETED";
/// `commit confirmed N`: rolled back in N minutes unless confirmed.
pub const UI_COMMIT_CONFIRMED: &str = "UI_COMMIT_CONFIRMED";
/// A `commit confirmed` that nobody confirmed was rolled back.
pub const UI_COMMIT_NOT_CONFIRMED: &str = "UI_COMMIT_NOT_CONFIRMED";
/// A commit (or `commit check`) refused by the configuration checks.
pub const UI_CONFIGURATION_ERROR: &str = "UI_CONFIGURATION_ERROR";
/// A management session opened (a `cli`, a script).
pub const UI_LOGIN_EVENT: &str = "UI_LOGIN_EVENT";
/// A management session closed.
pub const UI_LOGOUT_EVENT: &str = "UI_LOGOUT_EVENT";
/// The L2TP port could not be bound on a local address.
pub const L2TP_BIND_FAILURE: &str = "L2TP_BIND_FAILURE";
/// A tunnel reached established (SCCRQ/SCCRP/SCCCN done).
pub const L2TP_TUNNEL_UP: &str = "L2TP_TUNNEL_UP";
/// A tunnel closed (StopCCN sent or received, or lost).
pub const L2TP_TUNNEL_DOWN: &str = "L2TP_TUNNEL_DOWN";
/// A session reached established (ICRQ/ICRP/ICCN done).
pub const L2TP_SESSION_UP: &str = "L2TP_SESSION_UP";
/// A session ended (CDN).
pub const L2TP_SESSION_DOWN: &str = "L2TP_SESSION_DOWN";

/// Every tag, for the documentation test.
pub const ALL: &[&str] = &[
    UI_COMMIT,
    UI_COMMIT_COMPLETED,
    UI_COMMIT_CONFIRMED,
    UI_COMMIT_NOT_CONFIRMED,
    UI_CONFIGURATION_ERROR,
    UI_LOGIN_EVENT,
    UI_LOGOUT_EVENT,
    L2TP_BIND_FAILURE,
    L2TP_TUNNEL_UP,
    L2TP_TUNNEL_DOWN,
    L2TP_SESSION_UP,
    L2TP_SESSION_DOWN,
];
