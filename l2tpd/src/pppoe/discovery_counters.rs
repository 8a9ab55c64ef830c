//! Every frame the discovery server received, sent and refused, by reason. The type is the
//! operational contract's (`show pppoe statistics`), so what the server counts is what the
//! operator sees, with no copy in between.

pub use schema::subscriber_rpc::PppoeCounters as DiscoveryCounters;
