//! The agent's terminal as Grove's tmux server holds it: its text (for failure messages, so a
//! failure shows what the user would have seen) and its process (to kill the agent as a crash
//! would).

use std::process::Command;

use super::procs;
use super::world::World;

impl World {
    fn tmux(&self, args: &[&str]) -> Option<String> {
        let socket = grove_engine::home::GroveHome::at(self.grove_home()).tmux_socket();
        let out = Command::new("tmux").arg("-S").arg(&socket).args(args).env_remove("TMUX").output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The last `lines` non-empty lines of session `id`'s pane, or a note that there is none.
    pub fn pane_tail(&self, id: &str, lines: usize) -> String {
        let target = format!("={id}:");
        match self.tmux(&["capture-pane", "-p", "-J", "-t", &target]) {
            Some(text) => {
                let kept: Vec<&str> = text.lines().map(str::trim_end).filter(|l| !l.is_empty()).collect();
                kept[kept.len().saturating_sub(lines)..].join("\n")
            }
            None => "(no pane: the tmux session is gone)".to_owned(),
        }
    }

    /// The pid of the process tmux started in session `id`'s pane: the agent.
    pub fn agent_pid(&self, id: &str) -> i32 {
        let target = format!("={id}:");
        let text = self.tmux(&["display-message", "-p", "-t", &target, "#{pane_pid}"]);
        text.and_then(|t| t.trim().parse().ok())
            .unwrap_or_else(|| panic!("session {id} has no pane to find its agent in"))
    }

    /// Kills the agent of session `id` and everything it started in its terminal, with SIGKILL, as
    /// a crash would; returns once they are gone. (Codex's app-server daemon is not in that tree: it
    /// detached, and survives an agent crash in real life too.)
    pub fn kill_agent(&self, id: &str) {
        let tree = procs::tree(self.agent_pid(id));
        tree.iter().for_each(|p| procs::kill(p.pid));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while tree.iter().any(|p| procs::alive(p.pid)) {
            assert!(std::time::Instant::now() < deadline, "the agent of {id} survived SIGKILL: {tree:?}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}
