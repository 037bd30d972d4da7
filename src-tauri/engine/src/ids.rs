//! Project and session ids. Every id is validated here before it is allowed anywhere near a path
//! (ARCHITECTURE §3.2), so `../x`, empty, over-long or non-ASCII ids never reach the file system.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// Longest id accepted: one leading character plus up to 127 more (ARCHITECTURE §3.2).
pub const MAX_ID_LEN: usize = 128;

/// Which kind of id failed validation, so an error can say "project id" or "session id".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    Project,
    Session,
    /// Session prefixes follow the same pattern as ids (SPEC C5).
    SessionPrefix,
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IdKind::Project => "project id",
            IdKind::Session => "session id",
            IdKind::SessionPrefix => "session prefix",
        })
    }
}

/// Why an id was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{kind} is empty")]
    Empty { kind: IdKind },
    #[error("{kind} {value:?} is {len} characters long; at most {MAX_ID_LEN} are allowed")]
    TooLong { kind: IdKind, value: String, len: usize },
    #[error(
        "{kind} {value:?} has {bad:?} at position {position}; ids use ASCII letters, digits, '_' and '-' and start with a letter or digit"
    )]
    BadCharacter { kind: IdKind, value: String, bad: char, position: usize },
}

/// Checks `value` against `^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$`.
pub fn validate(kind: IdKind, value: &str) -> Result<(), IdError> {
    if value.is_empty() {
        return Err(IdError::Empty { kind });
    }
    let len = value.chars().count();
    if len > MAX_ID_LEN {
        return Err(IdError::TooLong { kind, value: value.to_owned(), len });
    }
    for (position, c) in value.chars().enumerate() {
        let ok = c.is_ascii_alphanumeric() || (position > 0 && (c == '_' || c == '-'));
        if !ok {
            return Err(IdError::BadCharacter { kind, value: value.to_owned(), bad: c, position });
        }
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ts_rs::TS)]
        #[serde(transparent)]
        #[ts(type = "string")]
        pub struct $name(String);

        impl $name {
            /// Validates and wraps an id.
            pub fn new(value: impl Into<String>) -> Result<Self, IdError> {
                let value = value.into();
                validate($kind, &value)?;
                Ok(Self(value))
            }

            /// The id as text; safe to use as a single path component.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Deserialising validates too: an id read from a file is as untrusted as one typed by a user.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::new(s).map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A project id, as declared by `[projects.<id>]` in config.
    ProjectId,
    IdKind::Project
);
id_type!(
    /// A session id, `<prefix>-<n>` for sessions Grove creates (SPEC B4).
    SessionId,
    IdKind::Session
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_ids() {
        for ok in ["a", "api-7", "web_2", "A1", &"x".repeat(MAX_ID_LEN)] {
            assert!(validate(IdKind::Session, ok).is_ok(), "{ok:?} should be a valid id");
        }
    }

    #[test]
    fn rejects_ids_that_could_escape_a_directory_or_confuse_tools() {
        let cases = [
            ("", "empty"),
            ("../x", "traversal"),
            ("a/b", "separator"),
            ("a\\b", "windows separator"),
            ("-a", "leading dash looks like a flag"),
            ("_a", "leading underscore"),
            (".hidden", "leading dot"),
            ("café", "non-ASCII"),
            ("a b", "space"),
            ("a\0b", "NUL"),
        ];
        for (bad, why) in cases {
            assert!(validate(IdKind::Session, bad).is_err(), "{bad:?} ({why}) must be rejected");
        }
        let long = "x".repeat(MAX_ID_LEN + 1);
        assert!(
            matches!(validate(IdKind::Project, &long), Err(IdError::TooLong { len: 129, .. })),
            "an id of 129 characters must be rejected as too long"
        );
    }

    #[test]
    fn errors_say_what_and_where() {
        let err = SessionId::new("../etc").unwrap_err().to_string();
        assert!(err.contains("session id") && err.contains("'.'") && err.contains("position 0"), "{err}");
    }

    #[test]
    fn deserialising_validates() {
        let bad: Result<ProjectId, _> = serde_json::from_str("\"../up\"");
        assert!(bad.is_err(), "a traversal id in JSON must not deserialise");
        let good: ProjectId = serde_json::from_str("\"api\"").unwrap();
        assert_eq!(good.as_str(), "api");
    }
}
