//! What a user of the terminal view sees: typing and answers, resizing, several viewers of one
//! session, the recent output on reopening, re-attaching, an ended session, bad requests.

use std::sync::Arc;
use std::time::Duration;

use grove_engine::ids::SessionId;
use grove_engine::ops::Tmux;
use grove_engine::terminal::{TermSize, TerminalError, TerminalOptions, TerminalStatus, Terminals};

use super::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_keys_reach_the_agent_and_its_answer_comes_back() {
    let (server, id) = server("term-type", "type-1", ECHO_AGENT);
    let terminals = terminals(&server, TerminalOptions::default());
    let sink = viewer();
    let v = terminals.open(&id, SIZE, sink.clone()).await.expect("open the terminal");
    sink.wait_for_text("ready", &terminals, v).await;
    sink.wait_for_status("attached", |s| *s == TerminalStatus::Attached).await;
    for key in ["h", "e", "l", "l", "o", "\r"] {
        terminals.input(v, key.as_bytes()).expect("input is accepted while attached");
    }
    sink.wait_for_text("answer: hello", &terminals, v).await;
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tmux_window_follows_the_viewers_size() {
    let (server, id) = server("term-size", "size-1", ECHO_AGENT);
    let terminals = terminals(&server, TerminalOptions::default());
    let sink = viewer();
    let v = terminals.open(&id, TermSize { cols: 90, rows: 30 }, sink.clone()).await.expect("open");
    sink.wait_for_text("ready", &terminals, v).await;
    let size = || tmux_out(&server, &["display-message", "-p", "-t", "=size-1:", "#{window_width}x#{window_height}"]);
    // tmux keeps one row for its status line.
    eventually("the window to take the viewer's 90x30", || size() == "90x29").await;
    terminals.resize(v, TermSize { cols: 120, rows: 40 }).expect("resize");
    eventually("the window to follow the resize to 120x40", || size() == "120x39").await;
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn viewers_share_one_client_and_the_last_one_out_detaches_leaving_the_agent_running() {
    let (server, id) = server("term-share", "share-1", ECHO_AGENT);
    let terminals = terminals(&server, TerminalOptions::default());
    let (a, b) = (viewer(), viewer());
    let va = terminals.open(&id, SIZE, a.clone()).await.expect("open the first viewer");
    a.wait_for_text("ready", &terminals, va).await;
    let vb = terminals.open(&id, SIZE, b.clone()).await.expect("open the second viewer");
    b.wait_for_text("ready", &terminals, vb).await;
    let pids = clients(&server, "share-1");
    assert_eq!(pids.len(), 1, "two viewers of one session must share one tmux client, found {pids:?}");

    terminals.input(vb, b"shared\r").expect("input from the second viewer");
    a.wait_for_text("answer: shared", &terminals, va).await;
    b.wait_for_text("answer: shared", &terminals, vb).await;

    assert!(terminals.close(va), "closing an open viewer");
    assert_eq!(clients(&server, "share-1").len(), 1, "one viewer left: the client must stay");
    terminals.input(vb, b"still\r").expect("the remaining viewer still types");
    b.wait_for_text("answer: still", &terminals, vb).await;

    assert!(terminals.close(vb));
    assert!(!terminals.close(vb), "closing twice reports that the viewer was not open");
    eventually("the tmux client to detach after the last viewer left", || clients(&server, "share-1").is_empty()).await;
    eventually("the client process to be gone (reaped, not a zombie)", || !process_exists(pids[0])).await;
    let alive = Tmux::new(server.socket.clone()).has_session(&id).await.expect("ask tmux");
    assert!(alive, "detaching the view must leave the agent's session running");
    assert!(terminals.attached_sessions().is_empty(), "no attachment may remain");
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_viewer_and_a_reopened_view_get_the_recent_output() {
    // Printed once the view has drawn the screen (what came before is only on tmux's screen),
    // then scrolled off the 24-row screen: only the kept output can show the marker again.
    // "Attached" alone is not enough: tmux may not have sent the client its first full draw yet,
    // and output printed before that draw reaches the view only as the screen's last 23 lines.
    let program = "echo waiting-for-go; read go; echo marker-7731; seq 1 200; echo done-printing; exec cat";
    let (server, id) = server("term-replay", "replay-1", program);
    let terminals = terminals(&server, TerminalOptions::default());
    let first = viewer();
    let v1 = terminals.open(&id, SIZE, first.clone()).await.expect("open");
    first.wait_for_status("attached", |s| *s == TerminalStatus::Attached).await;
    first.wait_for_text("waiting-for-go", &terminals, v1).await;
    terminals.input(v1, b"go\r").expect("input");
    first.wait_for_text("done-printing", &terminals, v1).await;
    assert!(first.text().contains("marker-7731"), "the first viewer saw the marker stream past");

    let late = viewer();
    let v2 = terminals.open(&id, SIZE, late.clone()).await.expect("open a late viewer");
    late.wait_for_text("marker-7731", &terminals, v2).await;

    terminals.close(v1);
    terminals.close(v2);
    eventually("the client to detach", || clients(&server, "replay-1").is_empty()).await;
    let again = viewer();
    let v3 = terminals.open(&id, SIZE, again.clone()).await.expect("reopen");
    again.wait_for_text("marker-7731", &terminals, v3).await;
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_detached_client_is_reattached_and_typing_goes_on() {
    let (server, id) = server("term-reattach", "re-1", ECHO_AGENT);
    let options =
        TerminalOptions { backoff: vec![Duration::from_millis(50), Duration::from_millis(50)], ..Default::default() };
    let terminals = terminals(&server, options);
    let sink = viewer();
    let v = terminals.open(&id, SIZE, sink.clone()).await.expect("open");
    sink.wait_for_text("ready", &terminals, v).await;
    let first = clients(&server, "re-1");
    server.tmux(&["detach-client", "-s", "=re-1"]);
    sink.wait_for_status("reattaching", |s| matches!(s, TerminalStatus::Reattaching { .. })).await;
    eventually("a new client to attach", || {
        let now = clients(&server, "re-1");
        !now.is_empty() && now != first
    })
    .await;
    sink.wait_until("attached again", None, |s| s.statuses.last() == Some(&TerminalStatus::Attached)).await;
    terminals.input(v, b"after\r").expect("input after the re-attach");
    sink.wait_for_text("answer: after", &terminals, v).await;
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_view_says_ended_when_the_agent_session_ends() {
    let (server, id) = server("term-ended", "end-1", ECHO_AGENT);
    let terminals = terminals(&server, TerminalOptions::default());
    let sink = viewer();
    let v = terminals.open(&id, SIZE, sink.clone()).await.expect("open");
    sink.wait_for_text("ready", &terminals, v).await;
    server.tmux(&["kill-session", "-t", "=end-1"]);
    sink.wait_for_status("ended", |s| matches!(s, TerminalStatus::Ended { .. })).await;
    assert!(
        !sink.statuses().iter().any(|s| matches!(s, TerminalStatus::Failed { .. })),
        "an ended session is not a failure: {:?}",
        sink.statuses()
    );
    let refused = terminals.input(v, b"x");
    assert!(matches!(refused, Err(TerminalError::NotAttached(_))), "input to an ended view: {refused:?}");
    assert!(sink.text().contains("ready"), "the output seen before the end stays");
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attaching_gives_up_after_three_tries_in_a_row() {
    let (server, id) = server("term-fail", "fail-1", ECHO_AGENT);
    let dir = tempfile::tempdir().expect("temp dir");
    // A tmux whose attach fails at once (as when the client cannot start), everything else real.
    let broken = script(
        dir.path(),
        "tmux",
        "for a in \"$@\"; do [ \"$a\" = attach-session ] && { echo attach refused >&2; exit 1; }; done\nexec tmux \"$@\"",
    );
    let options =
        TerminalOptions { backoff: vec![Duration::from_millis(20), Duration::from_millis(20)], ..Default::default() };
    let terminals = Terminals::new(Tmux::new(server.socket.clone()).with_program(&broken), options);
    let sink = viewer();
    terminals.open(&id, SIZE, sink.clone()).await.expect("the session exists, so the view opens");
    sink.wait_for_status("failed", |s| matches!(s, TerminalStatus::Failed { .. })).await;
    let tries: Vec<u32> = sink
        .statuses()
        .iter()
        .filter_map(|s| match s {
            TerminalStatus::Reattaching { attempt, max_attempts: 3, .. } => Some(*attempt),
            _ => None,
        })
        .collect();
    assert_eq!(tries, [2, 3], "tries 2 and 3 are announced, then it gives up: {:?}", sink.statuses());
    let message = match sink.statuses().last() {
        Some(TerminalStatus::Failed { message }) => message.clone(),
        other => panic!("the last status must be failed, got {other:?}"),
    };
    assert!(message.contains("3 tries"), "the failure says how many tries: {message}");
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_typed_errors() {
    let (server, id) = server("term-bad", "bad-1", ECHO_AGENT);
    let terminals = terminals(&server, TerminalOptions::default());
    let missing = SessionId::new("not-there").unwrap();
    let opened = terminals.open(&missing, SIZE, viewer()).await;
    assert!(matches!(opened, Err(TerminalError::NoSession(_))), "a missing tmux session: {opened:?}");
    assert!(matches!(terminals.input(99, b"x"), Err(TerminalError::UnknownViewer(99))));
    assert!(matches!(terminals.ack(99, 1), Err(TerminalError::UnknownViewer(99))));
    assert!(matches!(terminals.resize(99, SIZE), Err(TerminalError::UnknownViewer(99))));
    assert!(matches!(TermSize::checked(0, 10), Err(TerminalError::BadSize { .. })));
    assert!(matches!(TermSize::checked(80, 9000), Err(TerminalError::BadSize { .. })));

    let sink = viewer();
    let v = terminals.open(&id, SIZE, sink.clone()).await.expect("open");
    sink.wait_for_text("ready", &terminals, v).await;
    let huge = vec![b'a'; 64 * 1024 + 1];
    let refused = terminals.input(v, &huge);
    assert!(matches!(refused, Err(TerminalError::InputTooLarge { .. })), "oversized input: {refused:?}");
    terminals.input(v, b"fine\r").expect("a normal input after a refused one");
    sink.wait_for_text("answer: fine", &terminals, v).await;
    assert!(!sink.text().contains("aaaaaaaa"), "nothing of the refused input may reach the agent");
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_hangs_up_every_client_and_leaves_the_agents_running() {
    let (server, id) = server("term-quit", "quit-1", ECHO_AGENT);
    let terminals = Arc::new(terminals(&server, TerminalOptions::default()));
    let sink = viewer();
    let v = terminals.open(&id, SIZE, sink.clone()).await.expect("open");
    sink.wait_for_text("ready", &terminals, v).await;
    let pids = clients(&server, "quit-1");
    assert_eq!(pids.len(), 1, "one client while viewed");
    terminals.shutdown().await;
    assert!(!process_exists(pids[0]), "the client process is reaped by the time shutdown returns");
    eventually("tmux to drop the client", || clients(&server, "quit-1").is_empty()).await;
    let alive = Tmux::new(server.socket.clone()).has_session(&id).await.expect("ask tmux");
    assert!(alive, "quitting the view leaves the agent running");
}
