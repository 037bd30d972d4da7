//! Back-pressure: a flood of output is held at the viewer's pace, never buffered without bound,
//! and a viewer that stops drawing does not hold the others back for long.

use std::time::Duration;

use grove_engine::terminal::{TerminalOptions, TerminalStatus};

use super::support::*;

/// Lines tmux has pushed into the pane's history: grows while the agent keeps printing.
fn history(server: &TmuxServer, name: &str) -> u64 {
    tmux_out(server, &["display-message", "-p", "-t", &format!("={name}:"), "#{history_size}"]).parse().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_is_sent_only_as_fast_as_the_viewer_draws_and_the_agent_never_waits() {
    // A pane's history limit is fixed when it is created: raise it before the flood starts.
    let (server, _) = server("term-flood", "idle", "exec cat");
    server.tmux(&["set-option", "-g", "history-limit", "1000000"]);
    server.tmux(&["new-session", "-d", "-s", "flood-1", "exec yes flood-line"]);
    let id = grove_engine::ids::SessionId::new("flood-1").unwrap();
    let options = TerminalOptions::default();
    let limit = options.message_bytes;
    let terminals = terminals(&server, options);
    let sink = viewer();
    let v = terminals.open(&id, SIZE, sink.clone()).await.expect("open");

    // Never acknowledged: the viewer gets its first message and nothing more.
    sink.wait_until("the first message of output", None, |s| !s.output.is_empty()).await;
    let first = sink.received();
    assert!(first <= limit, "one message is at most {limit} bytes, got {first}");
    let before = history(&server, "flood-1");
    eventually("the agent to print 20,000 more lines while the view is held", || {
        history(&server, "flood-1") > before + 20_000
    })
    .await;
    assert_eq!(
        sink.received(),
        first,
        "an unacknowledged viewer must get nothing after its first message, however much the agent prints"
    );

    // Drawing resumes the flow.
    let held = sink.received();
    sink.wait_until("output to flow again once acknowledged", Some((&terminals, v)), |s| {
        s.output.len() > held + 4 * limit
    })
    .await;
    assert!(sink.text().contains("flood-line"), "the flood's text arrives");
    terminals.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_viewer_that_stops_drawing_stops_holding_the_others_back() {
    let (server, id) = server("term-stall", "stall-1", "read go; exec yes stall-flood");
    let options = TerminalOptions { stall_after: Duration::from_millis(300), ..Default::default() };
    let (limit, ring) = (options.message_bytes, options.ring_bytes);
    let terminals = terminals(&server, options);
    let (stuck, live) = (viewer(), viewer());
    let vs = terminals.open(&id, SIZE, stuck.clone()).await.expect("open the stuck viewer");
    let vl = terminals.open(&id, SIZE, live.clone()).await.expect("open the live viewer");
    live.wait_for_status("attached", |s| *s == TerminalStatus::Attached).await;
    terminals.input(vl, b"go\r").expect("input");

    // Far more output than the ring holds reaches the live viewer while `stuck` acknowledges
    // nothing: after `stall_after`, the stuck one no longer holds the reader back.
    live.wait_until("four rings of output at the live viewer", Some((&terminals, vl)), |s| s.output.len() > 4 * ring)
        .await;
    assert!(
        stuck.received() <= 2 * limit,
        "the stuck viewer must not be sent more until it acknowledges: got {}",
        stuck.received()
    );

    // It comes back: it is sent what the ring holds now, and tmux is asked to redraw its screen.
    // The first ack comes from a thread outside the runtime, as the app's synchronous commands do.
    let held = stuck.received();
    let unacked = std::mem::take(&mut stuck.seen.lock().unwrap().unacked);
    std::thread::scope(|s| {
        s.spawn(|| terminals.ack(vs, unacked).expect("ack from outside the runtime"));
    });
    stuck
        .wait_until("output again at the viewer that came back", Some((&terminals, vs)), |s| {
            s.output.len() > held + limit
        })
        .await;
    assert!(stuck.text().contains("stall-flood"), "the flood's text reaches the viewer that came back");
    terminals.shutdown().await;
}
