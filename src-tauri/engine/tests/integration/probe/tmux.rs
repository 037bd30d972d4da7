//! The tmux runtime probe against a real tmux server on a private socket (SPEC D1, D11, D11a): one
//! tmux call for all sessions, and only positive evidence makes a session missing: the server
//! answering without it, or, with no server answering, its recorded pane process gone.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use grove_engine::probe::agents::pane::{PaneBatcher, PaneCapture, PaneVerdict, TmuxPanes, classify_pane};
use grove_engine::probe::{
    LastOutput, Liveness, PidProbe, ProbeError, RuntimeProbe, RuntimeProbes, TmuxLastOutput, TmuxProbe,
};
use grove_engine::process_identity::{ProcessIdentity, ProcessStart};
use grove_engine::session::{RuntimeHandle, RuntimeKind};

use super::support::{TmuxServer, calls, counting_tmux, record, within};

fn tmux_handles(names: &[String]) -> Vec<RuntimeHandle> {
    names.iter().map(|n| RuntimeHandle::new(RuntimeKind::Tmux, n.clone())).collect()
}

fn alive_count(answer: &HashMap<String, Liveness>) -> usize {
    answer.values().filter(|l| matches!(l, Liveness::Alive { pid: Some(_) })).count()
}

#[tokio::test]
async fn fifty_sessions_cost_one_call_and_only_absence_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..50).map(|i| format!("s{i}")).collect();
    let server = TmuxServer::start("fifty", &names, "sleep 3600");
    let (wrapper, counter) = counting_tmux(tmp.path());
    let probe = TmuxProbe::new(server.socket.clone()).with_program(&wrapper);
    let handles = tmux_handles(&names);

    let first = within("liveness", probe.liveness(&handles)).await.expect("tmux answers");
    assert_eq!(calls(&counter), 1, "one liveness() for 50 sessions must run tmux exactly once");
    assert_eq!((first.len(), alive_count(&first)), (50, 50), "all 50 sessions alive with a pid: {first:?}");

    server.tmux(&["kill-session", "-t", "=s7"]);
    let second = within("liveness", probe.liveness(&handles)).await.expect("tmux answers");
    assert_eq!(calls(&counter), 2, "the second liveness() is again one call");
    assert_eq!(second["s7"], Liveness::Missing, "a session tmux no longer lists is missing");
    assert_eq!(alive_count(&second), 49, "the other 49 stay alive: {second:?}");

    // The handles as Grove records them: each with its pane's process and start time.
    let recorded = with_panes(&handles, &first);
    server.tmux(&["kill-server"]);
    // kill-server returns before the server and its panes have finished exiting; a call in that
    // window gets "server exited unexpectedly" (an error, not evidence) or still sees a pane
    // process. Ask until every pane process is gone.
    let third = within("the server and its panes to exit", async {
        loop {
            match probe.liveness(&recorded).await {
                Ok(answer) if answer.values().all(|l| *l == Liveness::Missing) => return answer,
                Ok(_) | Err(ProbeError::Failed { .. }) => tokio::task::yield_now().await,
                Err(other) => panic!("a server shutting down must fail or answer, got {other:?}"),
            }
        }
    })
    .await;
    assert_eq!(third.len(), 50, "with the server and every pane process gone all are missing: {third:?}");
    let bare = within("liveness", probe.liveness(&handles)).await.expect("no server is an answer");
    assert!(
        bare.values().all(|l| matches!(l, Liveness::Unknown { .. })),
        "without a server or a recorded pane process nothing can be concluded: {bare:?}"
    );
}

/// `handles` with the pane process each had in `answer` recorded, as spawn records it.
fn with_panes(handles: &[RuntimeHandle], answer: &HashMap<String, Liveness>) -> Vec<RuntimeHandle> {
    handles
        .iter()
        .map(|h| {
            let pane = match answer.get(&h.id) {
                Some(Liveness::Alive { pid: Some(pid) }) => Some(ProcessIdentity::of(*pid)),
                _ => None,
            };
            h.clone().with_process(pane)
        })
        .collect()
}

#[tokio::test]
async fn a_deleted_socket_file_is_no_evidence_and_a_recorded_pane_brings_the_socket_back() {
    let names: Vec<String> = vec!["live".into(), "unrecorded".into()];
    let server = TmuxServer::start("deleted", &names, "sleep 3600");
    let probe = TmuxProbe::new(server.socket.clone());
    let handles = tmux_handles(&names);
    let answer = within("liveness", probe.liveness(&handles)).await.expect("tmux answers");
    let mut recorded = with_panes(&handles[..1], &answer);
    recorded.push(handles[1].clone());
    let Some(Liveness::Alive { pid: Some(pane) }) = answer.get("live") else { panic!("live runs: {answer:?}") };
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait().unwrap();
    let reused = ProcessIdentity { pid: *pane, start: Some(ProcessStart::from("linux:an-earlier-boot:1".to_owned())) };
    recorded.push(RuntimeHandle::new(RuntimeKind::Tmux, "ended").with_process(Some(ProcessIdentity::of(gone_pid))));
    recorded.push(RuntimeHandle::new(RuntimeKind::Tmux, "reused").with_process(Some(reused)));

    // What a tmp cleaner does: the server runs on, unreachable.
    std::fs::remove_file(&server.socket).expect("delete the socket file");
    let bare = within("liveness", probe.liveness(&handles)).await.expect("no server answering is an answer");
    assert!(bare.values().all(|l| matches!(l, Liveness::Unknown { .. })), "no pane recorded, no verdict: {bare:?}");
    assert!(!server.socket.exists(), "without a proven pane nothing is signalled");

    // A recorded live pane leads to its server, which recreates its socket and answers again.
    let after = within("liveness", probe.liveness(&recorded)).await.expect("the revived server answers");
    assert!(server.socket.exists(), "the server was asked to recreate its socket");
    assert_eq!(after["live"], Liveness::Alive { pid: Some(*pane) }, "its pane still runs: {after:?}");
    assert!(matches!(after["unrecorded"], Liveness::Alive { .. }), "the server lists it again: {after:?}");
    assert_eq!(after["ended"], Liveness::Missing, "a session the server does not list is gone: {after:?}");
    assert_eq!(after["reused"], Liveness::Missing, "{after:?}");
    // Drop ends the server through its socket again.
}

#[tokio::test]
async fn a_socket_no_server_ever_used_concludes_only_from_recorded_panes() {
    let probe = TmuxProbe::new(TmuxServer::unique_socket("never"));
    let mut gone = std::process::Command::new("true").spawn().unwrap();
    let gone_pid = gone.id();
    gone.wait().unwrap();
    let mut handles = tmux_handles(&["a".into()]);
    handles.push(RuntimeHandle::new(RuntimeKind::Tmux, "b").with_process(Some(ProcessIdentity::of(gone_pid))));
    let answer = within("liveness", probe.liveness(&handles)).await.expect("a missing socket is an answer");
    assert!(matches!(answer["a"], Liveness::Unknown { .. }), "no socket alone is not evidence: {answer:?}");
    assert_eq!(answer["b"], Liveness::Missing, "no socket and its pane gone: {answer:?}");
}

#[tokio::test]
async fn a_pane_whose_command_ended_is_exited() {
    let server = TmuxServer::start("exited", &["keep".into()], "sleep 3600");
    server.tmux(&["set-option", "-g", "remain-on-exit", "on", ";", "new-session", "-d", "-s", "done", "true"]);
    let probe = TmuxProbe::new(server.socket.clone());
    let handles = tmux_handles(&["keep".into(), "done".into()]);
    // `true` exits on its own schedule: ask until tmux has marked the pane dead.
    let answer = within("pane to die", async {
        loop {
            let answer = probe.liveness(&handles).await.expect("tmux answers");
            if !matches!(answer["done"], Liveness::Alive { .. }) {
                return answer;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert_eq!(answer["done"], Liveness::Exited, "a dead pane kept open is exited, not missing");
    assert!(matches!(answer["keep"], Liveness::Alive { pid: Some(_) }), "the other session is alive: {answer:?}");
}

#[tokio::test]
async fn mixed_handles_go_to_their_own_probe_with_one_tmux_call() {
    let tmp = tempfile::tempdir().unwrap();
    let server = TmuxServer::start("mixed", &["t1".into()], "sleep 3600");
    let (wrapper, counter) = counting_tmux(tmp.path());
    let probes =
        RuntimeProbes::new(Arc::new(TmuxProbe::new(server.socket.clone()).with_program(&wrapper)), Arc::new(PidProbe));
    let mut reaped = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = reaped.id();
    reaped.wait().unwrap();
    let handles = vec![
        RuntimeHandle::new(RuntimeKind::Tmux, "t1"),
        RuntimeHandle::new(RuntimeKind::Tmux, "t2"),
        RuntimeHandle::new(RuntimeKind::Process, std::process::id().to_string()),
        RuntimeHandle::new(RuntimeKind::Process, dead_pid.to_string()),
    ];
    let answer = within("liveness", probes.liveness(&handles)).await.expect("both probes answer");
    assert_eq!(calls(&counter), 1, "the tmux handles share one call");
    assert!(matches!(answer["t1"], Liveness::Alive { .. }), "t1 runs: {answer:?}");
    assert_eq!(answer["t2"], Liveness::Missing, "t2 was never started");
    assert_eq!(answer[&std::process::id().to_string()], Liveness::Alive { pid: Some(std::process::id()) });
    assert_eq!(answer[&dead_pid.to_string()], Liveness::Missing, "a reaped pid is missing");
}

#[tokio::test]
async fn last_output_is_the_windows_activity_time() {
    let server = TmuxServer::start("output", &["talks".into()], "echo hello; sleep 3600");
    let source = TmuxLastOutput::new(server.socket.clone());
    let tmp = tempfile::tempdir().unwrap();
    let rec = record("talks", "shell", tmp.path(), Utc::now());
    let at = within("last output", source.last_output(&rec)).await.expect("tmux answers").expect("the session exists");
    let age = Utc::now() - at;
    assert!(age >= TimeDelta::seconds(-1) && age < TimeDelta::seconds(60), "output was just now, got {at} ({age})");
    let absent = record("nobody", "shell", tmp.path(), Utc::now());
    let none = within("last output", source.last_output(&absent)).await.expect("tmux answers");
    assert_eq!(none, None, "a session tmux does not know has no output time");
}

/// The pane layer (SPEC I0 layer 4): every candidate session of one pass is captured by a single
/// tmux invocation, and a session that vanished meanwhile costs one more, not a failure.
#[tokio::test]
async fn concurrent_screen_reads_are_one_capture_and_a_vanished_session_is_skipped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (wrapper, counter) = counting_tmux(dir.path());
    let names: Vec<String> = (1..=5).map(|i| format!("ask-{i}")).collect();
    let dialog = "printf 'Bash command\\n  cargo test\\nDo you want to proceed?\\n> 1. Yes\\n'; sleep 3600";
    let server = TmuxServer::start("panes", &names, dialog);
    let batcher = Arc::new(PaneBatcher::new(Arc::new(TmuxPanes::new(server.socket.clone()).with_program(&wrapper))));
    // The screens are drawn by the time tmux answers a direct capture.
    within("the dialogs on screen", async {
        while !TmuxPanes::new(server.socket.clone())
            .capture(&names)
            .await
            .is_ok_and(|s| s.len() == 5 && s.values().all(|t| t.contains("Do you want to proceed?")))
        {
            tokio::task::yield_now().await;
        }
    })
    .await;

    let mut asked: Vec<String> = names.clone();
    asked.insert(2, "gone".into()); // a session that ended between the listing and the capture
    let mut reads = tokio::task::JoinSet::new();
    for name in asked {
        let batcher = batcher.clone();
        reads.spawn(async move { (name.clone(), batcher.screen(&name).await) });
    }
    let mut screens = HashMap::new();
    while let Some(done) = reads.join_next().await {
        let (name, screen) = done.expect("a read task");
        screens.insert(name, screen.expect("the capture works"));
    }
    assert_eq!(screens["gone"], None, "a missing session has no screen, and is no error");
    for name in &names {
        let screen = screens[name].as_deref().unwrap_or_default();
        let title = match classify_pane("claude-code", screen) {
            PaneVerdict::Waiting(dialog) => dialog.title,
            other => panic!("{name}'s dialog is not read as a wait: {other:?}; screen {screen:?}"),
        };
        assert_eq!(title, "Do you want to proceed?", "{name}'s dialog is read: {screen:?}");
    }
    assert_eq!(calls(&counter), 2, "six reads at once: one invocation, and one more after the missing target");
}
