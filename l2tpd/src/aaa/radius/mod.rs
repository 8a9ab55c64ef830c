//! The RADIUS wire format: packets, attributes (tagged ones and vendor-specific ones), the
//! authenticators and the hidden passwords.
