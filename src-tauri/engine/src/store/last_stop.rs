//! `last-stop.json` (SPEC B6, G1-G5): what the last stop stopped, grouped by real project, so the
//! next start can offer to restore exactly those sessions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
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
            projects: vec![StoppedProject {
                project_id: ProjectId::new("api").unwrap(),
                session_ids: vec![SessionId::new("api-1").unwrap(), SessionId::new("api-3").unwrap()],
            }],
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
    fn typescript_declaration_matches_the_json() {
        let decl = StopScope::decl(&ts_rs::Config::default());
        assert!(decl.contains("\"kind\": \"project\"") && decl.contains("projectId"), "{decl}");
    }
}
