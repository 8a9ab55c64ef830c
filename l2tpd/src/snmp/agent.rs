//! Embedded SNMPv2c agent (written next).
