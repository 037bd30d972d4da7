//! The merge rule and the diff of [`FeedState`].

use chrono::{DateTime, Utc};

use super::*;
use crate::ids::{ProjectId, SessionId};
use crate::manager::LiveFields;
use crate::session::{Activity, Lifecycle, RECORD_VERSION, RuntimeKind, SessionKind, SessionState};

fn record(id: &str, state: SessionState) -> SessionRecord {
    let created: DateTime<Utc> = "2025-01-02T03:04:05Z".parse().unwrap();
    let mut lifecycle = Lifecycle::spawning(created);
    lifecycle.session.state = state;
    SessionRecord {
        version: RECORD_VERSION,
        id: SessionId::new(id).unwrap(),
        project_id: ProjectId::new("api").unwrap(),
        kind: SessionKind::Worker,
        agent: "claude-code".into(),
        runtime: RuntimeKind::Tmux,
        branch: format!("session/{id}"),
        worktree: format!("/w/{id}").into(),
        created_at: created,
        display_name: Some(format!("Session {id}")),
        prompt: None,
        issue: None,
        agent_session_id: None,
        lifecycle,
        pr_info: None,
        reactions: Vec::new(),
        exit: None,
        landing: None,
        extra: serde_json::Map::new(),
    }
}

fn enriched(record: SessionRecord) -> SessionView {
    let at = "2025-01-02T03:05:00Z".parse().unwrap();
    let live = LiveFields { activity: Some(Activity::Active), ..LiveFields::default() };
    SessionView { record, live, enrichment: Enrichment::Enriched { at } }
}

fn list(views: Vec<SessionView>) -> SessionList {
    SessionList { sessions: views, warnings: Vec::new() }
}

#[test]
fn an_unchanged_disk_reading_keeps_the_live_fields_and_sends_nothing() {
    let mut state = FeedState::default();
    let on_disk = record("api-1", SessionState::Working);
    state.apply_list(&list(vec![SessionView::stored(on_disk.clone())]));
    let delta = state.apply_list(&list(vec![enriched(on_disk.clone())]));
    assert_eq!(delta.changed.len(), 1, "the probe's answer is a change");
    let delta = state.apply_list(&list(vec![SessionView::stored(on_disk.clone())]));
    assert_eq!(delta, Delta::default(), "the same file read again must not blank the live fields");
    let held = state.session(&SessionKey::of(&on_disk)).unwrap();
    assert_eq!(held.view.live.activity, Some(Activity::Active), "live fields survive a disk reading");
}

#[test]
fn a_changed_record_replaces_the_record_and_keeps_the_live_fields() {
    let mut state = FeedState::default();
    let before = record("api-1", SessionState::Working);
    state.apply_list(&list(vec![SessionView::stored(before.clone())]));
    state.apply_list(&list(vec![enriched(before.clone())]));
    let mut after = before.clone();
    after.display_name = Some("Renamed".into());
    let delta = state.apply_list(&list(vec![SessionView::stored(after.clone())]));
    assert_eq!(delta.changed, vec![SessionKey::of(&after)], "a rewritten record is a change");
    let held = state.session(&SessionKey::of(&after)).unwrap();
    assert_eq!(held.view.record, after, "the new record is shown");
    assert_eq!(held.view.live.activity, Some(Activity::Active), "the known activity stays until the next probe");
}

#[test]
fn a_terminal_record_drops_live_fields_that_no_probe_will_renew() {
    let mut state = FeedState::default();
    let working = record("api-1", SessionState::Working);
    state.apply_list(&list(vec![enriched(working.clone())]));
    let done = record("api-1", SessionState::Done);
    state.apply_list(&list(vec![SessionView::stored(done.clone())]));
    let held = state.session(&SessionKey::of(&done)).unwrap();
    assert_eq!(held.view.live.activity, None, "a finished session must not keep showing its last activity");
    assert_eq!(held.attention, crate::session::AttentionLevel::Done, "derived attention follows the record");
}

#[test]
fn missing_sessions_are_removed_and_quarantines_are_reported_once() {
    let mut state = FeedState::default();
    let (one, two) = (record("api-1", SessionState::Working), record("api-2", SessionState::Working));
    state.apply_list(&list(vec![SessionView::stored(one.clone()), SessionView::stored(two.clone())]));
    let moved: PathBuf = "/h/projects/api/sessions/api-3.json.corrupt-17".into();
    let quarantine = StoreWarning::Quarantined {
        file: "/h/projects/api/sessions/api-3.json".into(),
        quarantined_as: moved.clone(),
        reason: "expected value".into(),
    };
    let delta = state.apply_list(&SessionList { sessions: vec![SessionView::stored(one)], warnings: vec![quarantine] });
    assert_eq!(delta.removed, vec![SessionKey::of(&two)], "api-2 is gone from disk");
    assert!(delta.changed.is_empty(), "api-1 did not change: {:?}", delta.changed);
    state.quarantined(&moved);
    state.apply_list(&list(Vec::new()));
    let store: Vec<_> = state.warnings().into_iter().filter(|w| w.source == WarningSource::Store).collect();
    assert_eq!(store.len(), 1, "one quarantine, reported by the listing and the watcher, is one warning: {store:?}");
    assert!(store[0].message.contains("expected value"), "the listing's reason is kept: {}", store[0].message);
}

#[test]
fn projects_come_from_config_and_from_records_sorted_by_id() {
    let mut state = FeedState::default();
    state.set_config(FeedConfig {
        projects: vec![super::super::config::ConfiguredProject {
            id: ProjectId::new("web").unwrap(),
            name: "Web app".into(),
            local_file: None,
        }],
        ..FeedConfig::default()
    });
    state.apply_list(&list(vec![SessionView::stored(record("api-1", SessionState::Working))]));
    let ids: Vec<(String, String)> = state.projects().into_iter().map(|p| (p.id, p.name)).collect();
    assert_eq!(ids, [("api".into(), "api".into()), ("web".into(), "Web app".into())], "config and record projects");
}
