//! The protocol engine as the management plane sees it: something that takes a new typed
//! configuration at commit, or refuses it with a reason (and then keeps the old one).

use schema::typed::RouterConfig;

pub trait ConfigApply: Send {
    /// Applies a new configuration. On `Err` the engine must still run the previous one.
    fn apply(&mut self, config: &RouterConfig) -> Result<(), String>;
}

/// The engine before the L2TP protocol work: it accepts and exposes the configuration.
#[derive(Default)]
pub struct Engine {
    config: Option<RouterConfig>,
    generation: u64,
}

impl Engine {
    /// The configuration in force, if any was applied yet.
    pub fn config(&self) -> Option<&RouterConfig> {
        self.config.as_ref()
    }

    /// How many configurations were applied since start.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

impl ConfigApply for Engine {
    fn apply(&mut self, config: &RouterConfig) -> Result<(), String> {
        self.config = Some(config.clone());
        self.generation += 1;
        Ok(())
    }
}
