//! L2TPv2 (RFC 2661): the wire codec now; the tunnel and session automata will sit beside it.
//!
//! Everything here is sans-IO: bytes in, typed values out, and back. Sockets, timers and
//! retransmission belong to the engine that drives these types.

<<<<<<< HEAD
pub mod control;
=======
pub mod session;
>>>>>>> wt-session
pub mod wire;
