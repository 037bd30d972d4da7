//! The probes a [`Sessions`](super::Sessions) uses: one runtime probe per runtime kind and a lookup
//! from agent name to its adapter. The real ones live in `crate::probe`; tests pass fakes.

use std::collections::HashMap;
use std::sync::Arc;

use crate::home::GroveHome;
use crate::probe::agents::{PaneBatcher, TailReader, TmuxPanes};
use crate::probe::{AgentAdapters, AgentDirs, AgentProbe, PidProbe, RuntimeProbe, TmuxLastOutput, TmuxProbe};
use crate::session::RuntimeKind;

/// Finds the adapter for an agent name (`claude-code`, `codex`, a custom agent from config).
/// `None` means Grove has no adapter for it: the session is shown without activity, which is not
/// a probe failure.
pub type AgentProbeLookup = Arc<dyn Fn(&str) -> Option<Arc<dyn AgentProbe>> + Send + Sync>;

/// The probes enrichment calls.
#[derive(Clone)]
pub struct Probes {
    runtimes: HashMap<RuntimeKind, Arc<dyn RuntimeProbe>>,
    agents: AgentProbeLookup,
}

impl Probes {
    /// Probes with the given agent lookup and no runtime probe yet (add them with
    /// [`with_runtime`](Self::with_runtime)). A session whose runtime kind has no probe is
    /// reported as a failed probe, never as dead.
    pub fn new(agents: AgentProbeLookup) -> Self {
        Self { runtimes: HashMap::new(), agents }
    }

    /// The same probes, with `probe` answering for runtimes of `kind`.
    pub fn with_runtime(mut self, kind: RuntimeKind, probe: Arc<dyn RuntimeProbe>) -> Self {
        self.runtimes.insert(kind, probe);
        self
    }

    /// The real probes for sessions under `home`: tmux on Grove's own socket, pids for the process
    /// runtime, and the agent adapters reading the agents' own files (`CLAUDE_CONFIG_DIR`,
    /// `CODEX_HOME` or their defaults) under the events and screen layers (SPEC I0). The CLI and the app both use exactly these.
    pub fn live(home: &GroveHome) -> Self {
        let tail = Arc::new(TailReader::default());
        let panes = Arc::new(PaneBatcher::new(Arc::new(TmuxPanes::for_home(home))));
        let adapters = Arc::new(
            AgentAdapters::new(&AgentDirs::from_env(), Arc::new(TmuxLastOutput::for_home(home)), tail.clone())
                .layered(home, tail, panes),
        );
        Self::new(Arc::new(move |agent: &str| Some(adapters.adapter_for(agent))))
            .with_runtime(RuntimeKind::Tmux, Arc::new(TmuxProbe::for_home(home)))
            .with_runtime(RuntimeKind::Process, Arc::new(PidProbe))
    }

    /// The runtime probe for `kind`, if there is one.
    pub fn runtime(&self, kind: RuntimeKind) -> Option<&Arc<dyn RuntimeProbe>> {
        self.runtimes.get(&kind)
    }

    /// The adapter for `agent`, if there is one.
    pub fn agent(&self, agent: &str) -> Option<Arc<dyn AgentProbe>> {
        (self.agents)(agent)
    }
}

impl std::fmt::Debug for Probes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Probes").field("runtimes", &self.runtimes.keys().collect::<Vec<_>>()).finish_non_exhaustive()
    }
}
