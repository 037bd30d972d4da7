//! What the user is looking at, for the notification policy (SPEC H2: nothing for the session
//! that is open and focused).

use grove_engine::manager::SessionKey;

use crate::attention::FocusState;
use crate::ipc_error::{IpcError, IpcErrorCode};

/// `set_focus`: the session the detail panel shows (`"<project>/<id>"`), or null when none is.
#[tauri::command]
pub fn set_focus(focus: tauri::State<'_, FocusState>, session: Option<String>) -> Result<(), IpcError> {
    let key = match session {
        None => None,
        Some(text) => Some(parse_key(&text)?),
    };
    focus.set_session(key);
    Ok(())
}

fn parse_key(text: &str) -> Result<SessionKey, IpcError> {
    let invalid = || IpcError::new(IpcErrorCode::InvalidInput, format!("{text:?} is not a <project>/<session> key"));
    let (project, id) = text.split_once('/').ok_or_else(invalid)?;
    Ok(SessionKey { project: project.parse().map_err(|_| invalid())?, id: id.parse().map_err(|_| invalid())? })
}
