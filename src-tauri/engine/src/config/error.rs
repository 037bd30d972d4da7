//! Config errors: every one names the file, line, column and key it is about (SPEC C5), so
//! `grove config check` and the UI's problems panel can point the user at the exact spot.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// One problem in one config file.
///
/// `line` and `column` are 1-based; `column` counts characters, not bytes. An error about a file
/// as a whole (it cannot be read) is placed at 1:1 with an empty `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct ConfigError {
    /// The file the problem is in.
    #[ts(type = "string")]
    pub file: PathBuf,
    /// 1-based line of the key (or value) at fault.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Dotted key path, such as `projects.api.session_prefix`; empty for whole-file errors.
    pub key: String,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl ConfigError {
    /// An error about a whole file (unreadable, for instance), placed at 1:1.
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line: 1, column: 1, key: String::new(), message: message.into() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file.display(), self.line, self.column, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// All the errors a load found. Never empty: a load that fails has at least one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ConfigErrors(Vec<ConfigError>);

impl ConfigErrors {
    /// Wraps a non-empty list; returns `None` for an empty one, which is not a failure.
    pub fn from_vec(errors: Vec<ConfigError>) -> Option<Self> {
        if errors.is_empty() { None } else { Some(Self(errors)) }
    }

    /// A single error.
    pub fn single(error: ConfigError) -> Self {
        Self(vec![error])
    }

    /// The errors, in file order.
    pub fn errors(&self) -> &[ConfigError] {
        &self.0
    }

    /// The first error, for one-line summaries.
    pub fn first(&self) -> &ConfigError {
        // Construction guarantees at least one error.
        &self.0[0]
    }

    /// Takes the list out.
    pub fn into_vec(self) -> Vec<ConfigError> {
        self.0
    }

    /// A one-line summary for warnings: the first error and how many more there are.
    pub fn summary(&self) -> String {
        match self.0.len() {
            1 => self.first().to_string(),
            n => format!("{} (and {} more)", self.first(), n - 1),
        }
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_file_line_column_message() {
        let e = ConfigError {
            file: PathBuf::from("/c/config.toml"),
            line: 3,
            column: 7,
            key: "projects.api.agent".into(),
            message: "unknown agent `x`".into(),
        };
        assert_eq!(e.to_string(), "/c/config.toml:3:7: unknown agent `x`");
    }

    #[test]
    fn serialises_for_json_output_in_camel_case() {
        let e = ConfigError::whole_file(Path::new("/c.toml"), "cannot read");
        let json = serde_json::to_value(ConfigErrors(vec![e])).unwrap();
        assert_eq!(
            json,
            serde_json::json!([{"file": "/c.toml", "line": 1, "column": 1, "key": "", "message": "cannot read"}]),
            "`grove config check --json` prints this shape"
        );
    }

    #[test]
    fn an_empty_list_is_not_a_failure() {
        assert!(ConfigErrors::from_vec(Vec::new()).is_none(), "no errors must not become a failure");
    }
}
