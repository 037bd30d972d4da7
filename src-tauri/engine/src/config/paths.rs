//! Path-bearing fields (SPEC C2): the one list of them, and how each is made absolute at load time,
//! relative to the directory of the file that declared it, with `~/` expanded. Merging therefore
//! only ever sees absolute paths (the fix for AO's "normalised only one side", ao-domain §4.19).

use std::path::{Component, Path, PathBuf};

use super::error::ConfigError;
use super::model::{Config, Project};
use super::spans::SpanIndex;
use super::types::{AgentConfig, ConfigFile, NotifierConfig, ProjectFile};

/// How a field's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// Always a path.
    Path,
    /// A program: a path when it contains a path separator or starts with `.` or `~`; a bare name
    /// such as `claude` stays a `PATH` lookup.
    Program,
}

/// Which table a field lives in, with the accessor that reaches it.
#[derive(Clone, Copy)]
enum Site {
    Project(fn(&mut ProjectFile) -> Option<&mut PathBuf>),
    Agent(fn(&mut AgentConfig) -> Option<&mut PathBuf>),
    Notifier(fn(&mut NotifierConfig) -> Option<&mut PathBuf>),
}

/// One path-bearing field.
#[derive(Clone, Copy)]
pub struct PathField {
    /// Where it is, with `<id>`/`<name>` for the table name: `projects.<id>.path`.
    pub key: &'static str,
    /// Path or program.
    pub kind: PathKind,
    site: Site,
    /// The field's values in an effective config, with their dotted keys (for inspection and tests).
    pub read: fn(&Config) -> Vec<(String, PathBuf)>,
}

/// Every path-bearing field. A new one is added here and nowhere else; the loader resolves what
/// this list names, and the tests check each entry for the global and the running file.
pub const PATH_FIELDS: &[PathField] = &[
    PathField {
        key: "projects.<id>.path",
        kind: PathKind::Path,
        site: Site::Project(|p| p.path.as_mut()),
        read: |c| c.projects.values().map(|p| (format!("projects.{}.path", p.id), p.path.clone())).collect(),
    },
    PathField {
        key: "projects.<id>.agent_rules_file",
        kind: PathKind::Path,
        site: Site::Project(|p| p.agent_rules_file.as_mut()),
        read: |c| {
            let rules = |p: &Project| {
                let file = p.agent_rules_file.clone()?;
                Some((format!("projects.{}.agent_rules_file", p.id), file))
            };
            c.projects.values().filter_map(rules).collect()
        },
    },
    PathField {
        key: "agents.<name>.command",
        kind: PathKind::Program,
        site: Site::Agent(|a| Some(&mut a.command)),
        read: |c| c.agents.iter().map(|(n, a)| (format!("agents.{n}.command"), a.command.clone())).collect(),
    },
    PathField {
        key: "notifiers.<name>.command",
        kind: PathKind::Program,
        site: Site::Notifier(|n| match n {
            NotifierConfig::Command { command, .. } => Some(command),
            _ => None,
        }),
        read: |c| {
            let command = |(name, n): (&String, &NotifierConfig)| match n {
                NotifierConfig::Command { command, .. } => Some((format!("notifiers.{name}.command"), command.clone())),
                _ => None,
            };
            c.notifiers.iter().filter_map(command).collect()
        },
    },
];

/// Resolves every path field of a config file against `base` (the file's directory).
pub(crate) fn resolve_file(file: &mut ConfigFile, base: &Path, spans: &SpanIndex) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for field in PATH_FIELDS {
        let name = field.key.rsplit('.').next().unwrap_or(field.key);
        match field.site {
            Site::Project(get) => {
                for (id, project) in &mut file.projects {
                    resolve_one(get(project), field.kind, base, spans, &["projects", id, name], &mut errors);
                }
            }
            Site::Agent(get) => {
                for (agent, config) in &mut file.agents {
                    resolve_one(get(config), field.kind, base, spans, &["agents", agent, name], &mut errors);
                }
            }
            Site::Notifier(get) => {
                for (notifier, config) in &mut file.notifiers {
                    resolve_one(get(config), field.kind, base, spans, &["notifiers", notifier, name], &mut errors);
                }
            }
        }
    }
    errors
}

/// Resolves the project fields of a local `grove.toml` against `base` (the project's directory).
pub(crate) fn resolve_local(project: &mut ProjectFile, base: &Path, spans: &SpanIndex) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for field in PATH_FIELDS {
        if let Site::Project(get) = field.site {
            let name = field.key.rsplit('.').next().unwrap_or(field.key);
            resolve_one(get(project), field.kind, base, spans, &[name], &mut errors);
        }
    }
    errors
}

fn resolve_one(
    value: Option<&mut PathBuf>,
    kind: PathKind,
    base: &Path,
    spans: &SpanIndex,
    key: &[&str],
    errors: &mut Vec<ConfigError>,
) {
    let Some(value) = value else { return };
    match absolute(value, kind, base, crate::home::user_home().as_deref()) {
        Ok(resolved) => *value = resolved,
        Err(why) => errors.push(spans.error(key, format!("`{}` = {:?}: {why}", key.join("."), value))),
    }
}

/// `value` made absolute: `~` and `~/...` against `home`, relative paths against `base`. A
/// program without a separator or leading `.`/`~` is returned as it is (a `PATH` lookup).
pub fn absolute(value: &Path, kind: PathKind, base: &Path, home: Option<&Path>) -> Result<PathBuf, String> {
    let text = value.to_string_lossy();
    if text.is_empty() {
        return Err("the path is empty".into());
    }
    if kind == PathKind::Program && !text.starts_with(['.', '~']) && !text.chars().any(std::path::is_separator) {
        return Ok(value.to_owned());
    }
    let joined = if let Some(rest) = text.strip_prefix('~') {
        if !(rest.is_empty() || rest.starts_with(std::path::is_separator)) {
            return Err("only `~/` is expanded (not `~user`); write `~/...` or an absolute path".into());
        }
        let home = home.ok_or("cannot expand `~`: the home directory is not known (HOME is unset)")?;
        home.join(rest.trim_start_matches(std::path::is_separator))
    } else {
        base.join(value)
    };
    // Drop `.` components so `./bin/x` reads as `<base>/bin/x`; `..` is kept, as only the file
    // system can say what it means when symlinks are involved.
    Ok(joined.components().filter(|c| *c != Component::CurDir).collect())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    const BASE: &str = "/cfg/dir";
    const HOME: &str = "/home/u";

    fn resolve(value: &str, kind: PathKind) -> Result<PathBuf, String> {
        absolute(Path::new(value), kind, Path::new(BASE), Some(Path::new(HOME)))
    }

    #[test]
    fn paths_resolve_against_the_declaring_directory() {
        let cases = [
            ("repo", "/cfg/dir/repo"),
            ("./repo", "/cfg/dir/repo"),
            ("../up/repo", "/cfg/dir/../up/repo"),
            ("/abs/repo", "/abs/repo"),
            ("~/src/repo", "/home/u/src/repo"),
            ("~", "/home/u"),
        ];
        for (value, want) in cases {
            assert_eq!(resolve(value, PathKind::Path), Ok(PathBuf::from(want)), "path {value:?}");
        }
    }

    #[test]
    fn programs_are_paths_only_when_they_look_like_paths() {
        let cases = [
            ("claude", "claude"),
            ("my-agent", "my-agent"),
            ("./bin/agent", "/cfg/dir/bin/agent"),
            ("bin/agent", "/cfg/dir/bin/agent"),
            (".agent", "/cfg/dir/.agent"),
            ("~/bin/agent", "/home/u/bin/agent"),
            ("/usr/bin/agent", "/usr/bin/agent"),
        ];
        for (value, want) in cases {
            assert_eq!(resolve(value, PathKind::Program), Ok(PathBuf::from(want)), "program {value:?}");
        }
    }

    #[test]
    fn unexpandable_values_are_errors_that_say_why() {
        assert!(resolve("", PathKind::Path).unwrap_err().contains("empty"));
        assert!(resolve("~bob/x", PathKind::Path).unwrap_err().contains("only `~/`"));
        let no_home = absolute(Path::new("~/x"), PathKind::Path, Path::new(BASE), None);
        assert!(no_home.unwrap_err().contains("HOME"), "a missing home must be reported, not guessed");
    }

    /// A field that looks like a path in the schema (named `path`, `command` or `*_file`) but is
    /// missing from PATH_FIELDS would stay relative: catch it here.
    #[test]
    fn every_path_like_field_of_the_schema_is_listed() {
        fn walk(node: &Value, defs: &Value, top: &str, depth: usize, out: &mut Vec<(String, String)>) {
            if depth > 8 {
                return;
            }
            if let Some(name) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
                return walk(&defs[name], defs, top, depth + 1, out);
            }
            for variants in ["anyOf", "oneOf"] {
                for v in node.get(variants).and_then(Value::as_array).into_iter().flatten() {
                    walk(v, defs, top, depth + 1, out);
                }
            }
            if let Some(extra) = node.get("additionalProperties").filter(|a| a.is_object()) {
                walk(extra, defs, top, depth + 1, out);
            }
            for (key, child) in node.get("properties").and_then(Value::as_object).into_iter().flatten() {
                let top = if top.is_empty() { key.as_str() } else { top };
                if key == "path" || key == "command" || key.ends_with("_file") {
                    out.push((top.to_owned(), key.clone()));
                }
                walk(child, defs, top, depth + 1, out);
            }
        }
        let schema = crate::config::schema::schema();
        let mut found = Vec::new();
        walk(&schema, &schema["$defs"], "", 0, &mut found);
        found.sort();
        found.dedup();
        assert_eq!(found.len(), PATH_FIELDS.len(), "the walk must see every listed field: {found:?}");
        for (table, field) in found {
            let listed = PATH_FIELDS
                .iter()
                .any(|f| f.key.starts_with(&format!("{table}.")) && f.key.ends_with(&format!(".{field}")));
            assert!(listed, "`{table}.*.{field}` looks like a path but is not in PATH_FIELDS");
        }
    }

    #[test]
    fn field_keys_are_unique_and_name_their_table() {
        let mut keys: Vec<&str> = PATH_FIELDS.iter().map(|f| f.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), PATH_FIELDS.len(), "each path field is listed once");
        for key in keys {
            assert!(
                key.starts_with("projects.") || key.starts_with("agents.") || key.starts_with("notifiers."),
                "{key}"
            );
        }
    }
}
