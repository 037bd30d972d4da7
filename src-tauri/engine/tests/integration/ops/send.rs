//! Send (SPEC F2): hostile text arrives byte for byte and runs nothing; over-long text is refused
//! with its length; a stopped session is restored before the message is delivered.

use grove_engine::ops::{Cause, MAX_MESSAGE_CHARS, OpStep};

use super::support::{ECHO_AGENT, Fixture, RECORDER_AGENT, poll, within};

/// Text that a shell, `send-keys` or a naive quoting would change or execute.
fn hostile(pwned: &std::path::Path) -> String {
    format!(
        "it's \"quoted\" and 'single'\n$(touch {p}) and `touch {p}` and ${{HOME}}\n\
         tab\there; semi; && || | > < * ? ~ # ! %\nnon-ASCII: héllo wörld 日本語 🚀\ntrailing backslash \\",
        p = pwned.display()
    )
}

#[tokio::test]
async fn hostile_text_arrives_exactly_and_runs_nothing() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let pwned = std::env::temp_dir().join(format!(
        "pwned-{}-{}",
        std::process::id(),
        fx.socket().file_stem().unwrap().to_string_lossy()
    ));
    let record = within("spawn", ops.spawn(fx.request(RECORDER_AGENT, "record"))).await.expect("spawn");
    fx.wait_for_output(&record.id, "ready").await;

    let text = hostile(&pwned);
    let outcome = within("send", ops.send(&record.id, &text)).await.expect("send succeeds");
    assert!(!outcome.restored, "a live session is not restored");

    // The terminal turns each pasted line end and the final Enter into "\n".
    let expected = format!("{text}\n").into_bytes();
    let received = poll("the agent to receive the whole message", || {
        std::fs::read(fx.received()).ok().filter(|got| got.len() >= expected.len())
    })
    .await;
    assert_eq!(
        String::from_utf8_lossy(&received),
        String::from_utf8_lossy(&expected),
        "the agent must receive exactly the text sent"
    );
    assert_eq!(received, expected, "byte for byte");
    assert!(!pwned.exists(), "the $() and backtick payloads must never run");
    let leftovers: Vec<_> = std::fs::read_dir(fx.home.root().join("tmp")).unwrap().collect();
    assert!(leftovers.is_empty(), "the message file must be removed after the paste: {leftovers:?}");
}

#[tokio::test]
async fn over_long_messages_are_refused_with_their_length() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "x"))).await.expect("spawn");
    // Characters, not bytes: 10,000 multi-byte characters are within the limit.
    let at_limit = "é".repeat(MAX_MESSAGE_CHARS);
    assert!(at_limit.len() > MAX_MESSAGE_CHARS, "the test text must be longer in bytes than the limit");
    within("send", ops.send(&record.id, &at_limit)).await.expect("exactly the limit is allowed");

    let err = within("send", ops.send(&record.id, &"a".repeat(MAX_MESSAGE_CHARS + 1))).await.unwrap_err();
    assert_eq!(err.step, OpStep::Validate, "refused before anything else: {err}");
    assert!(
        matches!(err.cause, Cause::TooLong { chars, max } if chars == MAX_MESSAGE_CHARS + 1 && max == MAX_MESSAGE_CHARS),
        "the error carries the length: {err}"
    );
}

#[tokio::test]
async fn sending_to_a_stopped_session_restores_it_first() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let record = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "x"))).await.expect("spawn");
    within("stop", ops.stop(&record.id)).await.expect("stop");
    assert!(!fx.has_session(&record.id), "stop ends the tmux session");

    let outcome = within("send", ops.send(&record.id, "are you back?")).await.expect("send restores, then delivers");
    assert!(outcome.restored, "the outcome says the session was restored");
    assert!(fx.has_session(&record.id), "the session runs again");
    // `cat` echoes the line it read, so the text appears twice: typed and echoed back.
    fx.wait_for_output(&record.id, "ready proj-1").await;
    poll("the message echoed back by the agent", || {
        (fx.capture(&record.id).matches("are you back?").count() >= 2).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_reaction_never_restores_and_a_send_never_revives_a_killed_session() {
    // SPEC F2a: before, any terminal session a send reached was restored first, a reaction's too.
    use grove_engine::ops::{KillOptions, SendOptions};
    use grove_engine::react::reactions::AgentSender;
    use grove_engine::session::SessionReason;
    let fx = Fixture::new();
    let ops = fx.ops();
    let stopped = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "a"))).await.expect("spawn");
    let killed = within("spawn", ops.spawn(fx.request(ECHO_AGENT, "b"))).await.expect("spawn");
    within("stop", ops.stop(&stopped.id)).await.expect("stop");
    within("kill", ops.kill(&killed.id, KillOptions::default())).await.expect("kill");

    let err = within("reaction", ops.send_to_agent(&stopped.id, "CI failed: fix it")).await.expect_err("not live");
    assert!(err.contains("never restores"), "a reaction is dropped with its reason: {err}");
    let record = ops.store().find(&stopped.id).expect("record");
    assert_eq!(record.lifecycle.session.reason, SessionReason::StoppedForRestore, "still stopped");

    let err = within("send", ops.send_with(&killed.id, "hello", SendOptions::default())).await.expect_err("killed");
    assert_eq!(err.step, OpStep::CheckState, "{err}");
    assert!(err.to_string().contains("killed"), "{err}");
    let record = ops.store().find(&killed.id).expect("record");
    assert_eq!(record.lifecycle.session.reason, SessionReason::ManuallyKilled, "a person's kill stands");

    // A person's send brings the stopped one back.
    let outcome = within("send", ops.send(&stopped.id, "carry on")).await.expect("send restores a stopped session");
    assert!(outcome.restored, "restored first");
}
