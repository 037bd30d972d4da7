//! The read paths over a real tmux server on a private socket (SPEC D1, D10, D11): liveness for
//! every session costs one tmux call per refresh, and a session killed behind Grove's back is
//! written down as `terminated/runtime_lost` on the next fresh read, while the others stay as they
//! were.

use std::sync::Arc;
use std::time::Duration;

use grove_engine::home::GroveHome;
use grove_engine::manager::{Enrichment, EnrichmentPolicy, Probes, Sessions};
use grove_engine::probe::TmuxProbe;
use grove_engine::session::{RuntimeKind, RuntimeState, SessionReason, SessionState};
use grove_engine::store::Store;

use super::support::{project, session, working};
use crate::probe::support::{TmuxServer, calls, counting_tmux};

/// Real processes answer in milliseconds; this only bounds a hang.
const READ_BOUND: Duration = Duration::from_secs(30);

#[tokio::test]
async fn fifty_sessions_cost_one_tmux_call_per_refresh_and_an_external_kill_is_runtime_lost() {
    let home = tempfile::tempdir().unwrap();
    let tools = tempfile::tempdir().unwrap();
    let store = Store::new(GroveHome::at(home.path()));
    let ids: Vec<String> = (1..=50).map(|n| format!("api-{n}")).collect();
    for id in &ids {
        store.create(&working("api", id)).expect("write a record through the store");
    }
    let server = TmuxServer::start("fresh-read", &ids, "sleep 3600");
    let (wrapper, counter) = counting_tmux(tools.path());
    let tmux = TmuxProbe::new(server.socket.clone()).with_program(&wrapper);
    // No agent adapters: this test is about runtime liveness only.
    let probes = Probes::new(Arc::new(|_: &str| None)).with_runtime(RuntimeKind::Tmux, Arc::new(tmux));
    let sessions = Sessions::new(store.clone(), probes, EnrichmentPolicy::default());

    let first = tokio::time::timeout(READ_BOUND, sessions.list_fresh()).await.expect("list_fresh answers");
    assert_eq!(calls(&counter), 1, "liveness of 50 sessions must cost exactly one tmux invocation");
    assert_eq!(first.sessions.len(), 50);
    for view in &first.sessions {
        assert!(matches!(view.enrichment, Enrichment::Enriched { .. }), "{} enriched: {:?}", view.record.id, view);
        assert_eq!(view.record.lifecycle.runtime.state, RuntimeState::Alive, "{} is alive", view.record.id);
    }

    server.tmux(&["kill-session", "-t", "=api-7"]);
    let second = tokio::time::timeout(READ_BOUND, sessions.list_fresh()).await.expect("list_fresh answers");
    assert_eq!(calls(&counter), 2, "the next refresh is again one tmux invocation");

    let killed = store.load(&project("api"), &session("api-7")).expect("api-7 is still on disk");
    let lc = &killed.lifecycle;
    assert_eq!(
        (lc.session.state, lc.session.reason),
        (SessionState::Terminated, SessionReason::RuntimeLost),
        "a session tmux no longer lists is persisted as runtime_lost"
    );
    assert_eq!(lc.runtime.state, RuntimeState::Missing);
    let view = second.sessions.iter().find(|v| v.record.id.as_str() == "api-7").expect("api-7 listed");
    assert_eq!(view.record.lifecycle.session.state, SessionState::Terminated, "the read shows it at once");

    for id in ids.iter().filter(|id| id.as_str() != "api-7") {
        let record = store.load(&project("api"), &session(id)).expect("record on disk");
        assert_eq!(record.lifecycle.session.state, SessionState::Working, "{id} must be untouched");
    }
}
