//! Starting and ending a session's runtime: a tmux session on Grove's socket, or a process group.
//! Shared by spawn, restore, kill and stop, so every path sets the same environment and ends
//! runtimes the same way.

use std::path::Path;

use super::error::Cause;
use super::files::MessageFile;
use super::launch::LaunchPlan;
use super::{Ops, PROJECT_ENV, PROMPT_FILE_ENV, SESSION_ENV, process};
use crate::events::{self, LAUNCH_EVENT};
use crate::home::HOME_ENV;
use crate::ids::{ProjectId, SessionId};
use crate::process_identity::{Presence, ProcessIdentity};
use crate::session::{RuntimeHandle, RuntimeKind};

/// What to start: the session it belongs to, where, and how.
pub(crate) struct Launch<'a> {
    /// The session (also the tmux session name).
    pub session: &'a SessionId,
    /// Its project.
    pub project: &'a ProjectId,
    /// The agent's name, for the launch marker in its events file.
    pub agent: &'a str,
    /// The worktree the agent works in.
    pub cwd: &'a Path,
    /// The agent's argv and environment.
    pub plan: &'a LaunchPlan,
    /// The prompt file, exported as `GROVE_PROMPT_FILE`.
    pub prompt_file: Option<&'a Path>,
    /// tmux or plain process.
    pub kind: RuntimeKind,
}

impl Ops {
    /// Starts the runtime and returns its handle. For a tmux runtime whose agent takes its prompt
    /// by paste (Aider), the prompt is pasted once the session exists; the terminal buffers it
    /// until the agent reads its input.
    pub(crate) async fn start_runtime(&self, launch: &Launch<'_>) -> Result<RuntimeHandle, Cause> {
        let home = self.store.home();
        let mut env = vec![
            (SESSION_ENV.to_owned(), launch.session.to_string()),
            (PROJECT_ENV.to_owned(), launch.project.to_string()),
            (HOME_ENV.to_owned(), home.root().display().to_string()),
        ];
        if let Some(file) = launch.prompt_file {
            env.push((PROMPT_FILE_ENV.to_owned(), file.display().to_string()));
        }
        env.extend(launch.plan.env.iter().cloned());
        // Before the agent starts, so every event of this run comes after the marker.
        let marked = events::mark(home, launch.project, launch.session, launch.agent, LAUNCH_EVENT, (self.now)());
        if let Err(e) = marked {
            // The agent runs without a clean slate of events: an old wait may show until it reports.
            tracing::warn!(session = %launch.session, "could not mark the launch in the events file: {e}");
        }
        match launch.kind {
            RuntimeKind::Tmux => {
                self.revive_tmux_socket().await;
                let pane = self.tmux.new_session(launch.session, launch.cwd, &env, &launch.plan.argv).await?;
                // The pane's process, so liveness can be judged even when no tmux server answers.
                let handle = RuntimeHandle::new(RuntimeKind::Tmux, launch.session.to_string()).with_process(pane);
                if let Some(prompt) = &launch.plan.paste_prompt
                    && let Err(e) = self.paste(launch.session, prompt).await
                {
                    // The session exists now; end it so the caller sees one clean failure.
                    let _ = self.tmux.kill_session(launch.session).await;
                    return Err(e);
                }
                Ok(handle)
            }
            RuntimeKind::Process => {
                if launch.plan.paste_prompt.is_some() {
                    return Err(Cause::Invalid(
                        "this agent takes its prompt through a terminal; use the tmux runtime".into(),
                    ));
                }
                let log = home.project_dir(launch.project).join("logs").join(format!("{}.log", launch.session));
                let pid = process::start(&launch.plan.argv, launch.cwd, &env, &log)?;
                Ok(RuntimeHandle::new(RuntimeKind::Process, pid.to_string())
                    .with_process(Some(ProcessIdentity::of(pid))))
            }
        }
    }

    /// Ends the runtime behind `handle`; a runtime already gone counts as ended.
    pub(crate) async fn stop_runtime(&self, handle: &RuntimeHandle) -> Result<(), Cause> {
        match handle.kind {
            RuntimeKind::Tmux => {
                // The handle's id came from a record file; it must still be a valid name.
                let name = SessionId::new(handle.id.clone())
                    .map_err(|e| Cause::Invalid(format!("runtime handle {:?}: {e}", handle.id)))?;
                self.tmux.kill_session(&name).await?;
                // The pane's process, proven Grove's by its start time, may outlive what the
                // socket reaches: a server whose socket file was deleted answers nobody (SPEC
                // D11a). It leads its own process group (tmux starts panes in a new session), so
                // that group is ended the way a process runtime is; a restore must never leave
                // the old agent running beside the new one.
                if let Some(pane) = handle.process.as_ref().filter(|p| p.presence() == Presence::Same) {
                    process::kill_group(pane).await?;
                }
                Ok(())
            }
            RuntimeKind::Process => {
                let pid: u32 = handle
                    .id
                    .parse()
                    .map_err(|_| Cause::Invalid(format!("runtime handle {:?} is not a process id", handle.id)))?;
                // The recorded start time, when the handle has one for this pid; an older record
                // has none and keeps the pid-only behaviour.
                let start = handle.process.as_ref().filter(|p| p.pid == pid).and_then(|p| p.start.clone());
                process::kill_group(&ProcessIdentity { pid, start }).await
            }
        }
    }

    /// Before a call that may start a tmux server: if Grove's socket file is gone while a server
    /// still runs Grove's sessions (a tmp cleaner), that server is asked to recreate it, so the
    /// call reaches it instead of starting a second server that would hide those sessions
    /// (SPEC D11a). Best effort: without a live recorded pane there is nothing to revive.
    async fn revive_tmux_socket(&self) {
        if self.tmux.socket().exists() {
            return;
        }
        let store = self.store.clone();
        let Ok(stored) = tokio::task::spawn_blocking(move || store.list_stored()).await else { return };
        let panes = stored.sessions.iter().filter_map(|r| r.lifecycle.runtime.handle.as_ref());
        let panes: Vec<_> = panes.filter(|h| h.kind == RuntimeKind::Tmux).filter_map(|h| h.process.as_ref()).collect();
        crate::probe::revive_socket(self.tmux.socket(), panes).await;
    }

    /// Pastes `text` into tmux session `session` from a private temp file, removed afterwards.
    pub(crate) async fn paste(&self, session: &SessionId, text: &str) -> Result<(), Cause> {
        let home = self.store.home().clone();
        let (id, owned) = (session.clone(), text.to_owned());
        let file = tokio::task::spawn_blocking(move || MessageFile::create(&home, &id, &owned))
            .await
            .map_err(|e| Cause::Task(e.to_string()))??;
        self.tmux.paste_file(session, file.path(), file.name()).await?;
        Ok(())
    }
}

/// Whether a runtime kind can take pasted messages (only a terminal can).
pub(crate) fn takes_paste(kind: RuntimeKind) -> bool {
    kind == RuntimeKind::Tmux
}
