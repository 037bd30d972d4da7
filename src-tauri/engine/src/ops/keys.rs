//! Named keys for answering a dialog exactly (SPEC F2a): `grove send ID --key Down --key Enter`.
//! Only a short list of names is accepted, each mapped to the tmux key it presses, so user text
//! never reaches tmux's key-name parser and a typo is refused instead of typed.

use std::fmt;

/// A key Grove can press in an agent's terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The name tmux's `send-keys` knows it by.
    tmux: String,
}

/// The most keys one send may press: a dialog answer is a few keys, not a typed message.
pub const MAX_KEYS: usize = 32;

/// Named keys and the tmux names they press. Single letters and digits are accepted besides.
const NAMED: [(&str, &str); 12] = [
    ("enter", "Enter"),
    ("return", "Enter"),
    ("esc", "Escape"),
    ("escape", "Escape"),
    ("up", "Up"),
    ("down", "Down"),
    ("left", "Left"),
    ("right", "Right"),
    ("tab", "Tab"),
    ("btab", "BTab"),
    ("space", "Space"),
    ("backspace", "BSpace"),
];

/// A key name Grove does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown key {0:?}: use Enter, Esc, Up, Down, Left, Right, Tab, BTab, Space, Backspace, a digit or a letter")]
pub struct UnknownKey(pub String);

impl Key {
    /// The key called `name` (case-insensitive for named keys; a letter keeps its case).
    pub fn parse(name: &str) -> Result<Self, UnknownKey> {
        let lower = name.to_ascii_lowercase();
        if let Some((_, tmux)) = NAMED.iter().find(|(n, _)| *n == lower) {
            return Ok(Self { tmux: (*tmux).to_owned() });
        }
        let mut chars = name.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() => Ok(Self { tmux: c.to_string() }),
            _ => Err(UnknownKey(name.to_owned())),
        }
    }

    /// The tmux key name.
    pub fn tmux_name(&self) -> &str {
        &self.tmux
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.tmux)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_tmux_keys_and_anything_else_is_refused() {
        let cases = [("Enter", "Enter"), ("esc", "Escape"), ("DOWN", "Down"), ("1", "1"), ("y", "y"), ("N", "N")];
        for (name, tmux) in cases {
            assert_eq!(Key::parse(name).map(|k| k.tmux_name().to_owned()), Ok(tmux.to_owned()), "key {name}");
        }
        for bad in ["", "C-c", "Enter; kill-server", "yes", "é", "-", "F1"] {
            assert!(Key::parse(bad).is_err(), "{bad:?} must be refused: only named keys are pressed");
        }
    }
}
