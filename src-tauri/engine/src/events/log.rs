//! Appending to and reading an events file. Each event is one `write` of one line to a file
//! opened with `O_APPEND`, so concurrent hooks (Claude runs them in parallel) never interleave
//! within a line; a reader reads the tail only and skips what it cannot parse.

use std::fs::{self, OpenOptions};
use std::io::{self, Write as _};
use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::slim::{MAX_LINE_BYTES, MAX_STRING_CHARS};
use super::{AgentEvent, Via};
use crate::home::GroveHome;
use crate::ids::{ProjectId, SessionId};

/// An events file larger than this is moved aside to `<id>.jsonl.1` (replacing the previous one)
/// before the next append. Readers need only the last few events; a session busy for weeks must
/// not grow the file without bound.
pub const EVENTS_ROTATE_BYTES: u64 = 1024 * 1024;

/// Appends `event` as one line to `path`, creating the file (0600) and its directory (0700).
/// A line longer than [`MAX_LINE_BYTES`] is written without its payload, and with the agent's
/// and the event's names cut to [`MAX_STRING_CHARS`] (they come from outside too).
pub fn append(path: &Path, event: &AgentEvent) -> io::Result<()> {
    let mut line = serde_json::to_string(event).map_err(io::Error::other)?;
    if line.len() > MAX_LINE_BYTES {
        let short = |s: &str| s.chars().take(MAX_STRING_CHARS).collect::<String>();
        let bare = AgentEvent {
            payload: Value::Null,
            agent: short(&event.agent),
            event: short(&event.event),
            ..event.clone()
        };
        line = serde_json::to_string(&bare).map_err(io::Error::other)?;
    }
    line.push('\n');
    if let Some(dir) = path.parent() {
        create_private_dir(dir)?;
    }
    if fs::metadata(path).is_ok_and(|m| m.len() > EVENTS_ROTATE_BYTES) {
        let mut aside = path.as_os_str().to_owned();
        aside.push(".1");
        // Two hooks may race to rotate; the loser moves a nearly empty file, losing history only.
        let _ = fs::rename(path, aside);
    }
    let mut options = OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(line.as_bytes())
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Appends one of Grove's own events for `session`: [`LAUNCH_EVENT`] before Grove starts the agent
/// (events before it belong to an earlier run and no longer say anything about its state), or
/// [`INPUT_EVENT`](super::INPUT_EVENT) after it sent the agent input.
pub fn mark(
    home: &GroveHome,
    project: &ProjectId,
    session: &SessionId,
    agent: &str,
    event: &str,
    at: DateTime<Utc>,
) -> io::Result<()> {
    let marker =
        AgentEvent { at, via: Via::Grove, agent: agent.to_owned(), event: event.to_owned(), payload: Value::Null };
    append(&home.events_file(project, session), &marker)
}

/// The events of the current run among `lines` (the tail of an events file, oldest first): those
/// after the last launch marker, or all of them when the tail holds no marker. Lines that are not
/// events (garbage, a line cut by a full disk) are skipped.
pub fn since_launch(lines: &[String]) -> Vec<AgentEvent> {
    let events: Vec<AgentEvent> = lines.iter().filter_map(|l| serde_json::from_str(l).ok()).collect();
    match events.iter().rposition(AgentEvent::is_launch) {
        Some(marker) => events[marker + 1..].to_vec(),
        None => events,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::events::LAUNCH_EVENT;

    fn event(name: &str, payload: Value) -> AgentEvent {
        AgentEvent { at: Utc::now(), via: Via::Hook, agent: "claude-code".into(), event: name.into(), payload }
    }

    fn lines(path: &Path) -> Vec<String> {
        fs::read_to_string(path).unwrap().lines().map(str::to_owned).collect()
    }

    #[test]
    fn appends_one_private_line_per_event_and_drops_an_oversized_payload() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events").join("s.jsonl");
        append(&path, &event("Stop", json!({"session_id": "a"}))).unwrap();
        append(&path, &event("Notification", json!({"message": "x".repeat(MAX_LINE_BYTES)}))).unwrap();
        let read = since_launch(&lines(&path));
        assert_eq!(read.len(), 2, "two events, two lines");
        assert_eq!(read[0].str("session_id"), Some("a"));
        assert_eq!(read[1].payload, Value::Null, "an oversized payload is dropped, the event kept");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600, "events file mode");
            let dir_mode = fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777;
            assert_eq!(dir_mode, 0o700, "events directory mode");
        }
    }

    #[test]
    fn only_events_after_the_last_launch_count_and_garbage_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let home = GroveHome::at(dir.path());
        let (project, session) = (ProjectId::new("p").unwrap(), SessionId::new("s-1").unwrap());
        let path = home.events_file(&project, &session);
        append(&path, &event("PermissionRequest", Value::Null)).unwrap();
        mark(&home, &project, &session, "claude-code", LAUNCH_EVENT, Utc::now()).unwrap();
        fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{not json\n\xff\xfe\n").unwrap();
        append(&path, &event("SessionStart", Value::Null)).unwrap();
        let text = String::from_utf8_lossy(&fs::read(&path).unwrap()).into_owned();
        let all: Vec<String> = text.lines().map(str::to_owned).collect();
        let read = since_launch(&all);
        let names: Vec<&str> = read.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(names, ["SessionStart"], "the wait before the restart must not count");
    }

    #[test]
    fn a_large_file_is_moved_aside_before_the_next_append() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.jsonl");
        fs::write(&path, vec![b'\n'; usize::try_from(EVENTS_ROTATE_BYTES).unwrap() + 1]).unwrap();
        append(&path, &event("Stop", Value::Null)).unwrap();
        assert_eq!(lines(&path).len(), 1, "the new file holds the new event only");
        assert!(dir.path().join("s.jsonl.1").is_file(), "the old file is kept aside");
    }
}
