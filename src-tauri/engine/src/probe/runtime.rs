//! One runtime probe for a mixed list of handles: tmux handles go to the tmux probe (one call for
//! all of them), process handles to the pid probe, so the enrichment layer need not sort them.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Liveness, ProbeFuture, RuntimeProbe};
use crate::session::{RuntimeHandle, RuntimeKind};

/// Routes each handle to the probe for its runtime kind and merges the answers.
#[derive(Clone)]
pub struct RuntimeProbes {
    tmux: Arc<dyn RuntimeProbe>,
    process: Arc<dyn RuntimeProbe>,
}

impl RuntimeProbes {
    /// Routes tmux handles to `tmux` and process handles to `process`.
    pub fn new(tmux: Arc<dyn RuntimeProbe>, process: Arc<dyn RuntimeProbe>) -> Self {
        Self { tmux, process }
    }
}

impl RuntimeProbe for RuntimeProbes {
    fn ended<'a>(&'a self, handle: &'a RuntimeHandle) -> ProbeFuture<'a, Option<crate::session::AgentExit>> {
        match handle.kind {
            RuntimeKind::Tmux => self.tmux.ended(handle),
            RuntimeKind::Process => self.process.ended(handle),
        }
    }

    fn liveness<'a>(&'a self, handles: &'a [RuntimeHandle]) -> ProbeFuture<'a, HashMap<String, Liveness>> {
        Box::pin(async move {
            let (tmux, process): (Vec<RuntimeHandle>, Vec<RuntimeHandle>) =
                handles.iter().cloned().partition(|h| h.kind == RuntimeKind::Tmux);
            // Skip a probe with nothing to ask: it would start a tmux process for no answer.
            let mut all = if tmux.is_empty() { HashMap::new() } else { self.tmux.liveness(&tmux).await? };
            if !process.is_empty() {
                all.extend(self.process.liveness(&process).await?);
            }
            Ok(all)
        })
    }
}
