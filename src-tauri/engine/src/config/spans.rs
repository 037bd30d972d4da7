//! Where each key of a TOML file is: built from `toml`'s spanned parse tree, so every error can
//! name the line and column of the key it is about, whichever pass found it.

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

use super::error::ConfigError;

/// One key: its dotted path and the byte ranges of the key and of its value.
#[derive(Debug, Clone)]
struct Entry {
    path: Vec<String>,
    key: Range<usize>,
    value: Range<usize>,
}

/// Key positions of one parsed file.
#[derive(Debug, Clone)]
pub(crate) struct SpanIndex {
    file: PathBuf,
    source: String,
    entries: Vec<Entry>,
}

impl SpanIndex {
    /// Indexes every key of `root` (tables and inline tables, at any depth).
    pub(crate) fn new(file: &Path, source: &str, root: &DeTable<'_>) -> Self {
        let mut entries = Vec::new();
        collect(root, &mut Vec::new(), &mut entries);
        Self { file: file.to_owned(), source: source.to_owned(), entries }
    }

    /// An error at `path`, or at its longest prefix that exists in the file (a defaulted field is
    /// reported at its table), or at 1:1 when none does.
    pub(crate) fn error(&self, path: &[&str], message: impl Into<String>) -> ConfigError {
        let offset = (0..=path.len())
            .rev()
            .find_map(|n| self.entries.iter().find(|e| e.path == path[..n]).map(|e| e.key.start))
            .unwrap_or(0);
        self.error_at_offset(offset, path.join("."), message)
    }

    /// An error at a byte offset, with its key given.
    pub(crate) fn error_at_offset(&self, offset: usize, key: String, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_column(&self.source, offset);
        ConfigError { file: self.file.clone(), line, column, key, message: message.into() }
    }

    /// The dotted path of the innermost key whose key or value contains `offset`; empty when the
    /// offset is outside every key (for example in a comment).
    pub(crate) fn key_at(&self, offset: usize) -> String {
        self.entries
            .iter()
            .filter(|e| e.key.contains(&offset) || e.value.contains(&offset) || e.value.start == offset)
            .max_by_key(|e| e.path.len())
            .map(|e| e.path.join("."))
            .unwrap_or_default()
    }
}

fn collect(table: &DeTable<'_>, prefix: &mut Vec<String>, out: &mut Vec<Entry>) {
    for (key, value) in table.iter() {
        prefix.push(key.get_ref().to_string());
        out.push(Entry { path: prefix.clone(), key: key.span(), value: value.span() });
        if let DeValue::Table(inner) = value.get_ref() {
            collect(inner, prefix, out);
        }
        prefix.pop();
    }
}

/// 1-based line and character column of a byte offset (clamped to the text).
pub(crate) fn line_column(source: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> SpanIndex {
        let table = DeTable::parse(text).unwrap();
        SpanIndex::new(Path::new("/c.toml"), text, table.get_ref())
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        assert_eq!(line_column("abc", 0), (1, 1));
        assert_eq!(line_column("a\nbc", 3), (2, 2));
        assert_eq!(line_column("é = 1\nx", 4), (1, 4), "columns count characters, not bytes");
        assert_eq!(line_column("ab", 99), (1, 3), "offsets past the end are clamped");
    }

    #[test]
    fn errors_land_on_the_key_or_its_nearest_existing_table() {
        let idx = index("[defaults]\nagent = \"x\"\n\n[projects.api]\npath = \"/r\"\n");
        let e = idx.error(&["defaults", "agent"], "m");
        assert_eq!((e.line, e.column, e.key.as_str()), (2, 1, "defaults.agent"));
        let e = idx.error(&["projects", "api", "session_prefix"], "m");
        assert_eq!(e.line, 4, "a defaulted key is reported at its table header: {e:?}");
        assert_eq!(e.key, "projects.api.session_prefix", "the key named is still the one at fault");
        let e = idx.error(&["nothing"], "m");
        assert_eq!((e.line, e.column), (1, 1));
    }

    #[test]
    fn key_at_finds_the_innermost_key() {
        let text = "[projects.api]\nruntime = \"tmx\"\n";
        let idx = index(text);
        let offset = text.find("\"tmx\"").unwrap();
        assert_eq!(idx.key_at(offset), "projects.api.runtime");
    }
}
