//! `[edit system]`.

use super::{NAME, TEXT};
use crate::def::*;

pub(super) const SYSTEM: Stmt = container(
    "system",
    "System parameters",
    &[
        // RFC 1035 caps a full domain name at 255 octets.
        leaf(
            "host-name",
            Type::Identifier { max_len: 255 },
            "Hostname for this router",
        ),
        container(
            "login",
            "Names, login classes, and passwords for users",
            &[list(
                "user",
                NAME,
                "Username",
                &[
                    leaf(
                        "class",
                        Type::Enum(&["super-user", "operator", "read-only"]),
                        "Login class",
                    )
                    .mandatory(),
                    leaf("full-name", TEXT, "Full name"),
                    // Junos range: below 100 is reserved for system accounts.
                    leaf("uid", uint(100, 64000), "User identifier (uid)")
                        .no_effect("users are the host's accounts, with the host's uid"),
                ],
            )],
        ),
    ],
);
