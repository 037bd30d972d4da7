//! Grove never touches the user's tmux server (ARCHITECTURE §3.1, SPEC G4): a second server on
//! another private socket stands in for the user's, with a session named like a Grove session.
//! It is reached by name (`-L`) the way the user's own tmux is; Grove's by path (`-S`).

use std::process::Command;

use grove_engine::ops::KillOptions;

use super::support::{ECHO_AGENT, Fixture, within};

/// The user's stand-in server, killed when dropped.
struct UserServer {
    socket: String,
}

impl UserServer {
    fn start(session: &str) -> Self {
        let socket = format!("grove-test-user-{}-{session}", std::process::id());
        let out = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-s", session, "sleep 600"])
            .output()
            .expect("run tmux");
        assert!(out.status.success(), "start the user's stand-in server: {}", String::from_utf8_lossy(&out.stderr));
        Self { socket }
    }

    /// Whether session `name` exists on the stand-in server.
    fn has_session(&self, name: &str) -> bool {
        let target = format!("={name}");
        let out = Command::new("tmux").args(["-L", &self.socket, "has-session", "-t", &target]).output();
        out.expect("run tmux").status.success()
    }

    /// The pid of the session's pane, to show it is the same process afterwards.
    fn pane_pid(&self, session: &str) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", "-t", &format!("={session}:"), "#{pane_pid}"])
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

impl Drop for UserServer {
    fn drop(&mut self) {
        // tmux leaves the socket file behind after kill-server; ask for it first.
        let path = Command::new("tmux").args(["-L", &self.socket, "display-message", "-p", "#{socket_path}"]).output();
        let _ = Command::new("tmux").args(["-L", &self.socket, "kill-server"]).output();
        if let Ok(out) = path {
            let path = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if !path.is_empty() {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

#[tokio::test]
async fn spawn_and_kill_leave_another_tmux_server_untouched() {
    let fx = Fixture::new();
    let user = UserServer::start("proj-1");
    let pid_before = user.pane_pid("proj-1");
    assert!(!pid_before.is_empty(), "the stand-in session runs");

    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "x"))).await.expect("spawn");
    assert_eq!(record.id.as_str(), "proj-1", "Grove's session has the same name as the user's");
    assert!(fx.has_session(&record.id), "Grove's session runs on Grove's socket");

    within("kill", ops.kill(&record.id, KillOptions { discard: true })).await.expect("kill");
    assert!(!fx.has_session(&record.id), "Grove's session is gone");
    assert!(user.has_session("proj-1"), "the user's session of the same name must survive");
    assert_eq!(user.pane_pid("proj-1"), pid_before, "and still run the same process");
}
