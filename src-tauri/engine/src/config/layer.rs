//! Reading one file (SPEC C1): a missing file is absent; a file that exists but cannot be read,
//! parsed or typed is an error with its position, never treated as absent.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;
use toml::de::DeTable;

use super::error::ConfigError;
use super::keys;
use super::schema;
use super::spans::SpanIndex;
use super::types::{ConfigFile, ProjectFile};

/// Name of a project's local config file, at the project's root.
pub const LOCAL_FILE_NAME: &str = "grove.toml";

/// A global or running config file as read: typed, with its key positions. Paths are resolved
/// by the caller (`paths::resolve_file`), after which every path field is absolute.
pub(crate) struct Layer {
    /// Absolute path of the file.
    pub path: PathBuf,
    pub file: ConfigFile,
    pub spans: SpanIndex,
}

/// A project's `grove.toml`, read and typed.
pub(crate) struct LocalLayer {
    pub path: PathBuf,
    pub project: ProjectFile,
    pub spans: SpanIndex,
}

/// Reads a global or running config file; `Ok(None)` when it does not exist.
pub(crate) fn read_config(path: &Path) -> Result<Option<Layer>, Vec<ConfigError>> {
    let path = absolute(path);
    let read = read_typed::<ConfigFile>(&path, schema::config_schema())?;
    Ok(read.map(|(file, spans)| Layer { path, file, spans }))
}

/// Reads `<project_dir>/grove.toml`; `Ok(None)` when it does not exist.
pub(crate) fn read_local(project_dir: &Path) -> Result<Option<LocalLayer>, Vec<ConfigError>> {
    let path = project_dir.join(LOCAL_FILE_NAME);
    let read = read_typed::<ProjectFile>(&path, schema::project_schema())?;
    Ok(read.map(|(project, spans)| LocalLayer { path, project, spans }))
}

/// `path` made absolute against the working directory (as given on the command line), so every
/// layer knows the directory its relative paths are relative to.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_owned())
}

/// Read, parse, check keys against `schema`, deserialise. Stops at the first pass that fails,
/// since later passes would only repeat the same problem in other words.
fn read_typed<T: DeserializeOwned>(path: &Path, schema: &Value) -> Result<Option<(T, SpanIndex)>, Vec<ConfigError>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(vec![ConfigError::whole_file(path, format!("cannot read the config file: {e}"))]);
        }
    };
    let table = match DeTable::parse(&text) {
        Ok(table) => table,
        Err(e) => {
            let spans = SpanIndex::new(path, &text, &DeTable::new());
            let offset = e.span().map_or(0, |s| s.start);
            let message = format!("invalid TOML: {}", e.message().trim_end());
            return Err(vec![spans.error_at_offset(offset, String::new(), message)]);
        }
    };
    let spans = SpanIndex::new(path, &text, table.get_ref());
    let unknown = keys::unknown_keys(table.get_ref(), schema, &spans);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    match toml::from_str::<T>(&text) {
        Ok(value) => Ok(Some((value, spans))),
        Err(e) => {
            let offset = e.span().map_or(0, |s| s.start);
            let key = spans.key_at(offset);
            let detail = e.message().trim_end();
            let message =
                if key.is_empty() { detail.to_owned() } else { format!("invalid value for `{key}`: {detail}") };
            Err(vec![spans.error_at_offset(offset, key, message)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("config.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_missing_file_is_absent_and_an_empty_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_config(&dir.path().join("nope.toml")).unwrap().is_none(), "missing must read as absent");
        let layer = read_config(&write(dir.path(), "")).unwrap().expect("an empty file exists");
        assert_eq!(layer.file, ConfigFile::default());
    }

    #[test]
    fn a_directory_in_place_of_the_file_is_an_error_not_absent() {
        let dir = tempfile::tempdir().unwrap();
        let errors = read_config(dir.path()).err().expect("a directory is not a config file");
        assert!(errors[0].message.contains("cannot read"), "{errors:?}");
    }

    #[test]
    fn syntax_and_type_errors_carry_position_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let errors = read_config(&write(dir.path(), "[defaults]\nagent = \"x\n")).err().unwrap();
        assert_eq!(errors[0].line, 2, "{errors:?}");
        assert!(errors[0].message.starts_with("invalid TOML"), "{errors:?}");

        let errors =
            read_config(&write(dir.path(), "[projects.api]\npath = \"/r\"\nruntime = \"tmx\"\n")).err().unwrap();
        let e = &errors[0];
        assert_eq!((e.line, e.column, e.key.as_str()), (3, 11, "projects.api.runtime"), "{e:?}");
        assert!(e.message.contains("tmux"), "the message lists the accepted values: {e}");

        let errors = read_config(&write(dir.path(), "[reactions.ci_failed]\nescalate_after = \"30\"\n")).err().unwrap();
        let e = &errors[0];
        assert_eq!((e.line, e.key.as_str()), (2, "reactions.ci_failed.escalate_after"), "{e:?}");
        assert!(e.message.contains("no unit"), "{e}");
    }
}
