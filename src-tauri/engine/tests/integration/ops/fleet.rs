//! Stop of the fleet (SPEC G1, G3, G4) and restore of the last stop (G5), with real git worktrees
//! and real tmux on Grove's own socket, over two projects.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use grove_engine::config::Project;
use grove_engine::ids::{ProjectId, SessionId};
use grove_engine::ops::{ConfigNote, FleetError, Ops, RestoreStep, SessionRef, StopLimits, TMUX_TIMEOUT};
use grove_engine::session::{RuntimeReason, SessionReason, SessionRecord, SessionState};
use grove_engine::store::{LastStop, StopScope, StoppedProject};

use super::support::{ECHO_AGENT, Fixture, git, within};

/// Adds project `id` (its own fresh repository, session prefix `id`) to the fixture's config.
fn add_project(fx: &mut Fixture, id: &str) -> ProjectId {
    let repo = fx.repo.with_file_name(format!("{id}-repo"));
    std::fs::create_dir_all(&repo).expect("create repo dir");
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README.md"), format!("{id}\n")).expect("write README");
    git(&repo, &["add", "README.md"]);
    git(&repo, &["commit", "-q", "-m", "first"]);
    let project = ProjectId::new(id).expect("valid id");
    let template = fx.config.projects[&fx.project].clone();
    fx.config.projects.insert(
        project.clone(),
        Project { id: project.clone(), name: id.into(), path: repo, session_prefix: id.into(), ..template },
    );
    project
}

/// Spawns an echo agent in `project` and waits until it runs.
async fn spawn_live(fx: &Fixture, ops: &Ops, project: &ProjectId) -> SessionRecord {
    let request = grove_engine::ops::SpawnRequest { project: project.clone(), ..fx.request(ECHO_AGENT, "work") };
    let record = within("spawn", ops.spawn(request)).await.expect("spawn");
    fx.wait_for_output(&record.id, &format!("ready {}", record.id)).await;
    record
}

fn id(s: &str) -> SessionId {
    SessionId::new(s).expect("valid id")
}

fn at(project: &ProjectId, session: &str) -> SessionRef {
    SessionRef { project_id: project.clone(), session_id: id(session) }
}

fn ids(sessions: &[SessionRef]) -> Vec<&str> {
    sessions.iter().map(|s| s.session_id.as_str()).collect()
}

/// The recorded sessions as (project, ids), in record order.
fn listed(record: &LastStop) -> Vec<(String, Vec<String>)> {
    record
        .projects
        .iter()
        .map(|p| (p.project_id.to_string(), p.session_ids.iter().map(ToString::to_string).collect()))
        .collect()
}

/// A tmux stand-in that passes every call to the real tmux except `kill-session` of the sessions
/// in `hang` (which never answers) and in `fail` (which fails the way a broken server would).
fn fake_tmux(dir: &Path, hang: &[&str], fail: &[&str]) -> PathBuf {
    let mut script = String::from("#!/bin/sh\ncase \" $* \" in\n");
    for name in hang {
        script.push_str(&format!("  *\" kill-session -t ={name} \"*) exec sleep 600 ;;\n"));
    }
    for name in fail {
        script.push_str(&format!("  *\" kill-session -t ={name} \"*) echo 'server exploded' >&2; exit 1 ;;\n"));
    }
    script.push_str("esac\nexec tmux \"$@\"\n");
    let path = dir.join("fake-tmux");
    std::fs::write(&path, script).expect("write fake tmux");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("make fake tmux executable");
    path
}

#[tokio::test]
async fn stop_all_records_every_live_session_under_its_project_keeps_work_and_restore_brings_all_back() {
    let mut fx = Fixture::new();
    let web = add_project(&mut fx, "web");
    let proj = fx.project.clone();
    let ops = fx.ops();
    let one = spawn_live(&fx, &ops, &proj).await;
    let two = spawn_live(&fx, &ops, &proj).await;
    let already = spawn_live(&fx, &ops, &proj).await;
    within("stop", ops.stop(&already.id)).await.expect("stop one session on its own");
    let other = spawn_live(&fx, &ops, &web).await;
    let unsaved = two.worktree.join("unsaved.txt");
    std::fs::write(&unsaved, "half-done work\n").unwrap();

    let report = within("stop_fleet", ops.stop_fleet(StopScope::All, ConfigNote::default())).await.expect("stop");
    assert!(report.failed.is_empty(), "nothing should fail: {:?}", report.failed);
    assert_eq!(
        report.stopped,
        [at(&proj, "proj-1"), at(&proj, "proj-2"), at(&web, "web-1")],
        "every live session is stopped; proj-3 had ended already"
    );
    for record in [&one, &two, &other] {
        assert!(!fx.has_session(&record.id), "no tmux session of {} may remain after the stop", record.id);
        let stored = ops.store().load(&record.project_id, &record.id).unwrap();
        let life = &stored.lifecycle;
        assert_eq!(
            (life.session.state, life.session.reason, life.runtime.reason),
            (SessionState::Terminated, SessionReason::StoppedForRestore, RuntimeReason::StoppedForRestore),
            "{} is recorded as stopped for restore",
            record.id
        );
        assert!(record.worktree.join("README.md").is_file(), "the worktree of {} is kept", record.id);
    }
    assert_eq!(std::fs::read_to_string(&unsaved).unwrap(), "half-done work\n", "uncommitted work is untouched");
    assert!(git(&two.worktree, &["status", "--porcelain"]).contains("unsaved.txt"), "git still sees it");

    let record = ops.store().read_last_stop().unwrap().expect("last-stop.json is written");
    assert_eq!(record.scope, StopScope::All);
    assert_eq!(
        listed(&record),
        [("proj".into(), vec!["proj-1".into(), "proj-2".into()]), ("web".into(), vec!["web-1".into()])],
        "each stopped session is listed under its own project, and only those"
    );
    assert_eq!(report.last_stop.as_ref(), Some(&record), "the report shows what was written");

    let mut events = Vec::new();
    let restored =
        within("restore_last_stop", ops.restore_last_stop(|p| events.push(p.clone()))).await.expect("restore");
    assert!(restored.is_complete(), "all restore: {:?}", restored.failed);
    assert_eq!(ids(&restored.restored), ["proj-1", "proj-2", "web-1"]);
    let ticks: Vec<(usize, usize, &str, &RestoreStep)> =
        events.iter().map(|e| (e.index, e.total, e.session.session_id.as_str(), &e.step)).collect();
    assert_eq!(
        ticks,
        [
            (1, 3, "proj-1", &RestoreStep::Restoring),
            (1, 3, "proj-1", &RestoreStep::Restored),
            (2, 3, "proj-2", &RestoreStep::Restoring),
            (2, 3, "proj-2", &RestoreStep::Restored),
            (3, 3, "web-1", &RestoreStep::Restoring),
            (3, 3, "web-1", &RestoreStep::Restored),
        ],
        "progress ticks each session as it starts and ends, one by one"
    );
    for record in [&one, &two, &other] {
        assert!(fx.has_session(&record.id), "{} runs again", record.id);
        fx.wait_for_output(&record.id, &format!("ready {}", record.id)).await;
        let stored = ops.store().load(&record.project_id, &record.id).unwrap();
        assert_eq!(stored.worktree, record.worktree, "{} is back in the same worktree", record.id);
        assert_eq!(stored.lifecycle.session.state, SessionState::Working);
    }
    assert_eq!(std::fs::read_to_string(&unsaved).unwrap(), "half-done work\n", "the work is still there");
    assert!(!fx.has_session(&already.id), "a session the stop did not stop is not restored by it");
    assert_eq!(ops.store().read_last_stop().unwrap(), None, "the record is removed once all are restored");
    assert_eq!(restored.remaining, None);
}

#[tokio::test]
async fn a_hung_stop_and_a_failing_stop_are_reported_and_left_out_while_the_others_are_stopped() {
    let fx = Fixture::new();
    let ops = fx.ops();
    let proj = fx.project.clone();
    let ok = spawn_live(&fx, &ops, &proj).await;
    let hung = spawn_live(&fx, &ops, &proj).await;
    let broken = spawn_live(&fx, &ops, &proj).await;
    let wrapper = fake_tmux(fx.tmp.path(), &["proj-2"], &["proj-3"]);
    let ops = ops.with_tmux_program(&wrapper);
    let deadline = Duration::from_secs(1);

    let started = Instant::now();
    let limits = StopLimits { concurrency: 8, deadline };
    let report = within("stop_fleet", ops.stop_fleet_with(StopScope::All, ConfigNote::default(), limits))
        .await
        .expect("the fleet stop runs even when sessions fail");
    let took = started.elapsed();
    assert!(
        took < TMUX_TIMEOUT / 2,
        "the hung stop must be abandoned at its {deadline:?} deadline, not held until tmux's own \
         {TMUX_TIMEOUT:?} timeout; the whole stop took {took:?}"
    );

    assert_eq!(ids(&report.stopped), ["proj-1"], "the healthy session is stopped");
    assert!(!fx.has_session(&ok.id));
    let failures: Vec<(&str, String)> =
        report.failed.iter().map(|f| (f.session_id.as_str(), f.error.to_string())).collect();
    assert_eq!(failures.len(), 2, "both bad sessions are reported: {failures:?}");
    assert_eq!(failures[0].0, "proj-2");
    assert!(failures[0].1.contains("did not finish within"), "the hang is named as one: {}", failures[0].1);
    assert_eq!(failures[1].0, "proj-3");
    assert!(
        failures[1].1.contains("runtime") && failures[1].1.contains("server exploded"),
        "the failure names the step and quotes tmux: {}",
        failures[1].1
    );
    assert!(!report.is_complete(), "a stop with failures is not complete");

    let record = ops.store().read_last_stop().unwrap().expect("the stopped one is recorded");
    assert_eq!(listed(&record), [("proj".into(), vec!["proj-1".into()])], "failed sessions are left out");
    for record in [&hung, &broken] {
        assert!(fx.has_session(&record.id), "{}'s runtime was never ended, so it still runs", record.id);
        let stored = ops.store().load(&proj, &record.id).unwrap();
        assert_eq!(stored.lifecycle.session.state, SessionState::Working, "{}'s record is unchanged", record.id);
    }
}

#[tokio::test]
async fn stopping_one_project_leaves_the_other_running_and_a_later_stop_keeps_the_first_in_the_record() {
    let mut fx = Fixture::new();
    let web = add_project(&mut fx, "web");
    let proj = fx.project.clone();
    let ops = fx.ops();
    let mine = spawn_live(&fx, &ops, &proj).await;
    let theirs = spawn_live(&fx, &ops, &web).await;

    let scope = StopScope::Project { project_id: proj.clone() };
    let report = within("stop_fleet", ops.stop_fleet(scope.clone(), ConfigNote::default())).await.expect("stop");
    assert_eq!(ids(&report.stopped), ["proj-1"], "only the project's own sessions are stopped");
    assert!(!fx.has_session(&mine.id));
    assert!(fx.has_session(&theirs.id), "the other project's session must keep running");
    let stored = ops.store().load(&web, &theirs.id).unwrap();
    assert_eq!(stored.lifecycle.session.state, SessionState::Working, "and its record is untouched");
    let record = ops.store().read_last_stop().unwrap().expect("recorded");
    assert_eq!(record.scope, scope, "scope project is recorded");
    assert_eq!(listed(&record), [("proj".into(), vec!["proj-1".into()])]);

    // Stopping nothing new must not wipe what is still to be restored.
    let again = within("stop_fleet", ops.stop_fleet(scope, ConfigNote::default())).await.expect("stop again");
    assert!(again.stopped.is_empty() && again.last_stop.is_none(), "nothing left to stop in proj");
    assert_eq!(ops.store().read_last_stop().unwrap().as_ref(), Some(&record), "the record is kept as it was");

    let web_scope = StopScope::Project { project_id: web.clone() };
    within("stop_fleet", ops.stop_fleet(web_scope, ConfigNote::default())).await.expect("stop web");
    let record = ops.store().read_last_stop().unwrap().expect("recorded");
    assert_eq!(
        listed(&record),
        [("web".into(), vec!["web-1".into()]), ("proj".into(), vec!["proj-1".into()])],
        "the earlier, unrestored stop stays in the record"
    );
    assert_eq!(record.scope, StopScope::All, "two projects' stops together cover more than one project");

    let unknown = StopScope::Project { project_id: ProjectId::new("nope").unwrap() };
    let err = within("stop_fleet", ops.stop_fleet(unknown, ConfigNote::default())).await.expect_err("unknown");
    assert!(matches!(err, FleetError::UnknownProject(_)), "a project nobody knows is an error, not a no-op: {err}");
}

#[tokio::test]
async fn restore_keeps_a_session_whose_branch_and_worktree_are_gone_in_the_record_with_its_error() {
    let mut fx = Fixture::new();
    let web = add_project(&mut fx, "web");
    let proj = fx.project.clone();
    let ops = fx.ops();
    let one = spawn_live(&fx, &ops, &proj).await;
    let gone = spawn_live(&fx, &ops, &proj).await;
    let other = spawn_live(&fx, &ops, &web).await;
    within("stop_fleet", ops.stop_fleet(StopScope::All, ConfigNote::default())).await.expect("stop");
    git(&fx.repo, &["worktree", "remove", "--force", gone.worktree.to_str().unwrap()]);
    git(&fx.repo, &["branch", "-D", &gone.branch]);

    let mut events = Vec::new();
    let report = within("restore_last_stop", ops.restore_last_stop(|p| events.push(p.clone()))).await.expect("runs");
    assert_eq!(ids(&report.restored), ["proj-1", "web-1"], "the others are restored");
    assert!(fx.has_session(&one.id) && fx.has_session(&other.id), "and run");
    assert!(!fx.has_session(&gone.id), "nothing runs for the session that could not come back");
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    let error = report.failed[0].error.to_string();
    assert!(
        error.contains("restore proj-2") && error.contains("worktree") && error.contains("no longer exists"),
        "the error names the session, the step and the missing branch: {error}"
    );
    assert!(
        events.iter().any(|e| e.session.session_id == gone.id && matches!(&e.step, RestoreStep::Failed { .. })),
        "progress reports the failure: {events:?}"
    );

    let record = ops.store().read_last_stop().unwrap().expect("the failed session stays recorded");
    let mut expected = StoppedProject::new(proj.clone(), vec![gone.id.clone()]);
    expected.errors.insert(gone.id.clone(), error.clone());
    assert_eq!(record.projects, [expected], "only the failed session stays, with its error");
    assert_eq!(report.remaining.as_ref(), Some(&record));

    let declined = within("decline", ops.decline_last_stop()).await.expect("decline");
    assert_eq!(declined, Some(record), "decline returns what it cleared");
    assert_eq!(ops.store().read_last_stop().unwrap(), None, "declining removes the record");
    let nothing = within("restore", ops.restore_last_stop(|_| {})).await.expect("nothing to restore");
    assert!(nothing.restored.is_empty() && nothing.failed.is_empty() && nothing.remaining.is_none());
}
