//! Grove's tmux server killed mid-run (SPEC D1, D10, D11, F4, G4): with real git worktrees, real
//! tmux on the home's own socket and the live probes. The dashboard shows every session as crashed
//! (no server answers and every recorded pane process is gone; nobody asked for the end, so SPEC
//! A2a makes it crashed, not killed), records and worktrees with their uncommitted work stay, no agent process
//! outlives its server, and restore brings every session back.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant as StdInstant};

use grove_engine::config::{self, ConfigSources};
use grove_engine::feed::FeedOptions;
use grove_engine::manager::{EnrichmentPolicy, Probes};
use grove_engine::ops::{Ops, SpawnRequest};
use grove_engine::session::{DisplayStatus, RuntimeState, SessionReason, SessionState};
use grove_engine::store::Store;

use super::support::{App, TmuxGuard, WAIT, WORK_FILE, git, git_repo, poll, process_running, project, session, within};

const CONFIG: &str = "[projects.api]\npath = \"repo\"\nagent = \"echo\"\n\n\
                      [agents.echo]\ncommand = \"sh\"\nargs = [\"-c\", \"echo ready $GROVE_SESSION; exec cat\"]\n";

fn screen(socket: &Path, id: &str) -> String {
    let out =
        Command::new("tmux").arg("-S").arg(socket).args(["capture-pane", "-p", "-t", &format!("={id}:")]).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_tmux_server_mid_run_shows_sessions_crashed_keeps_their_work_and_restore_brings_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    git_repo(&root.join("repo"));
    let config_file = root.join("config.toml");
    std::fs::write(&config_file, CONFIG).unwrap();
    let home = root.join("home");
    let grove_home = grove_engine::home::GroveHome::at(&home);
    let socket = grove_home.tmux_socket();
    let _server = TmuxGuard(socket.clone());
    let loaded = config::load_strict(&ConfigSources { global: config_file.clone(), running: None }).expect("config");
    let ops = Ops::new(Store::new(grove_home.clone()), loaded.config)
        .with_hook_program(None)
        .with_start_grace(std::time::Duration::ZERO);

    let ids = ["api-1", "api-2", "api-3"];
    for id in ids {
        let request = SpawnRequest { prompt: Some("work".into()), ..SpawnRequest::new(project("api")) };
        let record = within("spawn", ops.spawn(request)).await.expect("spawn");
        assert_eq!(record.id.as_str(), id);
        std::fs::write(record.worktree.join(WORK_FILE), format!("work of {id}\n")).unwrap();
    }
    for id in ids {
        poll(&format!("{id}'s agent to start"), || screen(&socket, id).contains(&format!("ready {id}")).then_some(()))
            .await;
    }

    // The app, with the live probes. The cadence at which a running dashboard re-probes on its
    // own is shortened (0.5 s instead of the 35 s cache and 30 s reconciliation) so the test
    // sees the server's death without sitting through it; the path taken is the same.
    let policy = EnrichmentPolicy { cache_fresh_for: Duration::from_millis(500), ..EnrichmentPolicy::default() };
    let options = FeedOptions {
        reconcile_every: Duration::from_millis(500),
        pass_gap: Duration::from_millis(500),
        ..FeedOptions::default()
    };
    let app = App::start(&home, &config_file, Probes::live(&grove_home), policy, options).await;
    let mut viewer = app.viewer();
    let alive = |m: &super::support::Model| {
        ids.iter().all(|id| {
            m.get("api", id).is_some_and(|s| {
                s.view.record.lifecycle.runtime.state == RuntimeState::Alive && s.view.live.pid.is_some()
            })
        })
    };
    viewer.until("every session seen alive", WAIT, alive).await;
    let pids: Vec<u32> =
        ids.iter().map(|id| viewer.model.get("api", id).and_then(|s| s.view.live.pid).expect("a pane pid")).collect();

    let out = Command::new("tmux").arg("-S").arg(&socket).arg("kill-server").output().expect("run tmux kill-server");
    assert!(out.status.success(), "kill-server: {}", String::from_utf8_lossy(&out.stderr));
    let killed_at = StdInstant::now();
    let crashed = |m: &super::support::Model| ids.iter().all(|id| m.status("api", id) == Some(DisplayStatus::Crashed));
    viewer.until("every session shown crashed (SPEC A2a)", WAIT, crashed).await;
    let noticed = killed_at.elapsed();

    for (id, pid) in ids.iter().zip(&pids) {
        let record = app.store.load(&project("api"), &session(id)).expect("the record is kept");
        let life = &record.lifecycle;
        assert_eq!(
            (life.session.state, life.session.reason, life.runtime.state),
            (SessionState::Terminated, SessionReason::RuntimeLost, RuntimeState::Missing),
            "SPEC D10: {id} is written down as runtime_lost"
        );
        let work = std::fs::read_to_string(record.worktree.join(WORK_FILE)).expect("the worktree and its work stay");
        assert_eq!(work, format!("work of {id}\n"), "{id}'s uncommitted work is untouched");
        assert!(git(&record.worktree, &["status", "--porcelain"]).contains(WORK_FILE), "git still sees it");
        poll(&format!("{id}'s agent (pid {pid}) to end with its server"), || (!process_running(*pid)).then_some(()))
            .await;
    }

    // Restore brings each back in its own worktree, on a new server.
    let restoring = StdInstant::now();
    for id in ids {
        within("restore", ops.restore(&session(id))).await.expect("restore");
        app.feed.notify_changed(&super::support::key("api", id));
    }
    let working = |m: &super::support::Model| ids.iter().all(|id| m.status("api", id) == Some(DisplayStatus::Working));
    viewer.until("every session working again", WAIT, |m| working(m) && alive(m)).await;
    let restored = restoring.elapsed();
    for id in ids {
        poll(&format!("{id}'s agent to run again"), || {
            screen(&socket, id).contains(&format!("ready {id}")).then_some(())
        })
        .await;
        let record = app.store.load(&project("api"), &session(id)).expect("record");
        assert_eq!(
            std::fs::read_to_string(record.worktree.join(WORK_FILE)).unwrap(),
            format!("work of {id}\n"),
            "restore reuses the worktree with its work"
        );
    }
    println!("faults: tmux server killed: 3 sessions shown crashed in {noticed:?}; restored and shown in {restored:?}");
}
