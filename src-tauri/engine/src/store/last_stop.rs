//! `last-stop.json` (SPEC B6, G1-G5): what the last stop stopped, grouped by real project, so the
//! next start can offer to restore exactly those sessions.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::Store;
use super::error::StoreError;
use super::home_file;
use crate::ids::{ProjectId, SessionId};

/// The format version this build writes.
pub const LAST_STOP_VERSION: u32 = 1;

/// What the last stop stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LastStop {
    /// Format version ([`LAST_STOP_VERSION`]).
    pub version: u32,
    /// When the stop happened.
    #[ts(type = "string")]
    pub stopped_at: DateTime<Utc>,
    /// Whether everything or one project was stopped (SPEC G3).
    pub scope: StopScope,
    /// The stopped sessions, grouped by their own project.
    pub projects: Vec<StoppedProject>,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

/// What a stop covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum StopScope {
    /// Every project (`grove stop`, tray "Stop all", quit).
    All,
    /// One project (`grove stop P`).
    Project {
        /// The project stopped.
        project_id: ProjectId,
    },
}

/// The sessions of one project that a stop stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StoppedProject {
    /// The project.
    pub project_id: ProjectId,
    /// Its stopped sessions.
    pub session_ids: Vec<SessionId>,
    /// Why a listed session could not be restored the last time it was tried (SPEC G5), by id.
    /// Absent when none failed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: BTreeMap<SessionId, String>,
    /// Keys this version does not know, written back unchanged.
    #[serde(flatten)]
    #[ts(skip)]
    pub extra: Map<String, Value>,
}

impl StopScope {
    /// The scope of a record holding the sessions of both `self` and `other`: one project only
    /// when both are that project, otherwise all.
    pub fn widen(self, other: &StopScope) -> StopScope {
        if &self == other { self } else { StopScope::All }
    }
}

impl LastStop {
    /// An empty record of a stop of `scope` at `stopped_at`.
    pub fn new(scope: StopScope, stopped_at: DateTime<Utc>) -> Self {
        Self { version: LAST_STOP_VERSION, stopped_at, scope, projects: Vec::new(), extra: Map::new() }
    }

    /// Whether no session is listed.
    pub fn is_empty(&self) -> bool {
        self.projects.iter().all(|p| p.session_ids.is_empty())
    }

    /// How many sessions are listed.
    pub fn session_count(&self) -> usize {
        self.projects.iter().map(|p| p.session_ids.len()).sum()
    }

    /// Every listed session with its project, in record order.
    pub fn sessions(&self) -> impl Iterator<Item = (&ProjectId, &SessionId)> {
        self.projects.iter().flat_map(|p| p.session_ids.iter().map(move |s| (&p.project_id, s)))
    }

    /// The error recorded for `session` by the last restore attempt, if any.
    pub fn error_of(&self, project: &ProjectId, session: &SessionId) -> Option<&str> {
        self.group(project).and_then(|p| p.errors.get(session)).map(String::as_str)
    }

    /// Lists `session` under `project` (once, however often it is added).
    pub fn add(&mut self, project: &ProjectId, session: &SessionId) {
        let group = match self.projects.iter().position(|p| &p.project_id == project) {
            Some(i) => &mut self.projects[i],
            None => {
                self.projects.push(StoppedProject::new(project.clone(), Vec::new()));
                self.projects.last_mut().expect("just pushed")
            }
        };
        if !group.session_ids.contains(session) {
            group.session_ids.push(session.clone());
        }
    }

    /// Takes `session` off the list (restored), with its error; a project left without sessions
    /// goes too.
    pub fn remove(&mut self, project: &ProjectId, session: &SessionId) {
        if let Some(group) = self.projects.iter_mut().find(|p| &p.project_id == project) {
            group.session_ids.retain(|s| s != session);
            group.errors.remove(session);
        }
        self.projects.retain(|p| !p.session_ids.is_empty());
    }

    /// Records why `session` could not be restored; a session no longer listed is left unlisted.
    pub fn set_error(&mut self, project: &ProjectId, session: &SessionId, error: String) {
        if let Some(group) = self.projects.iter_mut().find(|p| &p.project_id == project)
            && group.session_ids.contains(session)
        {
            group.errors.insert(session.clone(), error);
        }
    }

    fn group(&self, project: &ProjectId) -> Option<&StoppedProject> {
        self.projects.iter().find(|p| &p.project_id == project)
    }
}

impl StoppedProject {
    /// `sessions` of `project`, with no errors.
    pub fn new(project_id: ProjectId, session_ids: Vec<SessionId>) -> Self {
        Self { project_id, session_ids, errors: BTreeMap::new(), extra: Map::new() }
    }
}

impl Store {
    /// The last stop record; `None` if there is none. One that does not parse is moved aside and
    /// reported as `Corrupt`.
    pub fn read_last_stop(&self) -> Result<Option<LastStop>, StoreError> {
        home_file::read(&self.home.last_stop_file(), &self.lock_policy)
    }

    /// Writes the record atomically, replacing any previous one.
    pub fn write_last_stop(&self, last_stop: &LastStop) -> Result<(), StoreError> {
        let path = self.home.last_stop_file();
        let _lock = home_file::lock(&path, &self.lock_policy)?;
        home_file::write_locked(&path, last_stop)
    }

    /// Read-modify-write of the record under its lock (SPEC B2): `change` gets the current record
    /// (`None` if there is none) and returns the new one; `None`, or a record listing no session,
    /// removes the file. Returns what is recorded afterwards. A current file that does not parse
    /// is moved aside (kept, and logged) and `change` gets `None`: a stop must still be recorded.
    pub fn update_last_stop(
        &self,
        change: impl FnOnce(Option<LastStop>) -> Option<LastStop>,
    ) -> Result<Option<LastStop>, StoreError> {
        let path = self.home.last_stop_file();
        let _lock = home_file::lock(&path, &self.lock_policy)?;
        let current = match home_file::read_locked::<LastStop>(&path) {
            Ok(current) => current,
            Err(e @ StoreError::Corrupt { .. }) => {
                tracing::warn!("replacing unreadable last-stop.json: {e}");
                None
            }
            Err(e) => return Err(e),
        };
        match change(current).filter(|next| !next.is_empty()) {
            Some(next) => {
                home_file::write_locked(&path, &next)?;
                Ok(Some(next))
            }
            None => {
                home_file::remove_locked(&path)?;
                Ok(None)
            }
        }
    }

    /// Removes the record (everything restored, or the user declined). Returns whether there was
    /// one.
    pub fn remove_last_stop(&self) -> Result<bool, StoreError> {
        let path = self.home.last_stop_file();
        let _lock = home_file::lock(&path, &self.lock_policy)?;
        home_file::remove_locked(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_follows_architecture_3_2() {
        let record = LastStop {
            version: LAST_STOP_VERSION,
            stopped_at: DateTime::parse_from_rfc3339("2025-03-04T05:06:07Z").unwrap().with_timezone(&Utc),
            scope: StopScope::Project { project_id: ProjectId::new("api").unwrap() },
            projects: vec![StoppedProject::new(
                ProjectId::new("api").unwrap(),
                vec![SessionId::new("api-1").unwrap(), SessionId::new("api-3").unwrap()],
            )],
            extra: Map::new(),
        };
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "version": 1,
                "stoppedAt": "2025-03-04T05:06:07Z",
                "scope": {"kind": "project", "projectId": "api"},
                "projects": [{"projectId": "api", "sessionIds": ["api-1", "api-3"]}]
            })
        );
        let all = serde_json::to_value(StopScope::All).unwrap();
        assert_eq!(all, serde_json::json!({"kind": "all"}), "scope all is {{kind: \"all\"}}");
        let back: LastStop = serde_json::from_value(json).unwrap();
        assert_eq!(back, record, "a written record must read back unchanged");
    }

    #[test]
    fn restore_errors_and_unknown_keys_survive_a_rewrite() {
        let json = serde_json::json!({
            "version": 1,
            "stoppedAt": "2025-03-04T05:06:07Z",
            "scope": {"kind": "all"},
            "projects": [{"projectId": "api", "sessionIds": ["api-1", "api-2"], "note": "from a newer grove"}],
            "host": "laptop"
        });
        let mut record: LastStop = serde_json::from_value(json).unwrap();
        let (api, one, two) =
            (ProjectId::new("api").unwrap(), SessionId::new("api-1").unwrap(), SessionId::new("api-2").unwrap());
        record.set_error(&api, &two, "branch gone".into());
        record.remove(&api, &one);
        let back = serde_json::to_value(&record).unwrap();
        assert_eq!(
            back,
            serde_json::json!({
                "version": 1,
                "stoppedAt": "2025-03-04T05:06:07Z",
                "scope": {"kind": "all"},
                "projects": [{
                    "projectId": "api", "sessionIds": ["api-2"], "errors": {"api-2": "branch gone"},
                    "note": "from a newer grove"
                }],
                "host": "laptop"
            }),
            "the failed session keeps its error, the restored one goes, unknown keys stay"
        );
        record.remove(&api, &two);
        assert!(record.is_empty() && record.projects.is_empty(), "a project without sessions is dropped");
    }

    #[test]
    fn scopes_widen_to_all_unless_both_are_the_same_project() {
        let api = StopScope::Project { project_id: ProjectId::new("api").unwrap() };
        let web = StopScope::Project { project_id: ProjectId::new("web").unwrap() };
        assert_eq!(api.clone().widen(&api), api);
        assert_eq!(api.clone().widen(&web), StopScope::All);
        assert_eq!(StopScope::All.widen(&api), StopScope::All);
    }

    #[test]
    fn typescript_declaration_matches_the_json() {
        let decl = StopScope::decl(&ts_rs::Config::default());
        assert!(decl.contains("\"kind\": \"project\"") && decl.contains("projectId"), "{decl}");
    }
}
