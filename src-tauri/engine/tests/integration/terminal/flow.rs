//! Back-pressure: a flood of output is held at the viewer's pace, never buffered without bound,
//! and a viewer that stops drawing does not hold the others back for long.

use std::time::Duration;

use grove_engine::terminal::TerminalOptions;

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
    let (server, id) = server("term-stall", "stall-1", ECHO_AGENT);
    let options = TerminalOptions { stall_after: Duration::from_millis(300), ..Default::default() };
    let limit = options.message_bytes;
    let terminals = terminals(&server, options);
    let (stuck, live) = (viewer(), viewer());
    let vs = terminals.open(&id, SIZE, stuck.clone()).await.expect("open the stuck viewer");
    let vl = terminals.open(&id, SIZE, live.clone()).await.expect("open the live viewer");
    live.wait_for_text("ready", &terminals, vl).await;

    // Far more output than the ring holds, while `stuck` acknowledges nothing.
    terminals.input(vl, b"x\r").expect("input");
    for n in 0..40 {
        let line = format!("{}{n}\r", "z".repeat(4000));
        terminals.input(vl, line.as_bytes()).expect("input");
    }
    live.wait_for_text("zz39", &terminals, vl).await;
    assert!(
        stuck.received() <= limit,
        "the stuck viewer must get one message at most ({limit} bytes) until it acknowledges: got {}",
        stuck.received()
    );

    // It comes back: it is sent what the ring still holds, starting at its start.
    stuck.wait_for_text("zz39", &terminals, vs).await;
    terminals.shutdown().await;
}
