//! Unknown keys: every key of a file is checked against the JSON schema of its type (the one
//! source of truth for which keys exist), and a typo gets the nearest known key as a suggestion:
//! "unknown key `defualt_branch` in [projects.api]; did you mean `default_branch`?".

use serde_json::{Map, Value};
use toml::de::{DeTable, DeValue};

use super::error::ConfigError;
use super::spans::SpanIndex;

/// Largest edit distance still offered as a suggestion, relative to the typed key's length: a
/// third of the characters (at least one, at most three) covers typos and swapped letters without
/// proposing unrelated words.
fn max_suggestion_distance(len: usize) -> usize {
    (len / 3).clamp(1, 3)
}

/// Errors for every key of `root` that its schema does not know. `schema` is a root schema as
/// produced by `schemars` (with `$defs`).
pub(crate) fn unknown_keys(root: &DeTable<'_>, schema: &Value, spans: &SpanIndex) -> Vec<ConfigError> {
    let mut out = Vec::new();
    let defs = schema.get("$defs").and_then(Value::as_object).cloned().unwrap_or_default();
    walk(root, schema, &defs, &mut Vec::new(), spans, &mut out);
    out
}

fn walk(
    table: &DeTable<'_>,
    node: &Value,
    defs: &Map<String, Value>,
    path: &mut Vec<String>,
    spans: &SpanIndex,
    out: &mut Vec<ConfigError>,
) {
    let Some(node) = resolve(node, defs, table) else {
        return;
    };
    let properties = node.get("properties").and_then(Value::as_object);
    let additional = node.get("additionalProperties");
    for (key, value) in table.iter() {
        let key_text: &str = key.get_ref();
        let child = match (properties.and_then(|p| p.get(key_text)), additional) {
            (Some(schema), _) => Some(schema),
            (None, Some(schema)) if schema.is_object() => Some(schema),
            (None, Some(Value::Bool(true))) => None,
            // A closed object: properties listed and nothing else allowed.
            (None, _) if properties.is_some() || additional == Some(&Value::Bool(false)) => {
                let known: Vec<&str> = properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
                let mut key_path: Vec<&str> = path.iter().map(String::as_str).collect();
                key_path.push(key_text);
                let error = spans.error(&key_path, unknown_key_message(key_text, path, &known));
                out.push(error);
                continue;
            }
            (None, _) => None,
        };
        if let (Some(child), DeValue::Table(inner)) = (child, value.get_ref()) {
            path.push(key_text.to_owned());
            walk(inner, child, defs, path, spans, out);
            path.pop();
        }
    }
}

/// Follows `$ref`s and picks the object schema that applies: `Option<T>` is `anyOf [T, null]`;
/// an internally tagged enum is `oneOf` variants told apart by a `const` property (`kind`), chosen
/// by the table's own value. `None` when no variant matches (serde then reports the bad tag).
fn resolve<'a>(node: &'a Value, defs: &'a Map<String, Value>, table: &DeTable<'_>) -> Option<&'a Value> {
    if let Some(name) = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/")) {
        return resolve(defs.get(name)?, defs, table);
    }
    let variants = node.get("anyOf").or_else(|| node.get("oneOf")).and_then(Value::as_array);
    let Some(variants) = variants else {
        return Some(node);
    };
    let objects: Vec<&Value> = variants
        .iter()
        .filter_map(|v| resolve(v, defs, table))
        .filter(|v| v.get("type") != Some(&Value::String("null".into())))
        .collect();
    match objects.as_slice() {
        [only] => Some(only),
        many => many.iter().copied().find(|v| tag_matches(v, table)),
    }
}

/// Whether every `const` property of `variant` has that value in `table`.
fn tag_matches(variant: &Value, table: &DeTable<'_>) -> bool {
    let Some(properties) = variant.get("properties").and_then(Value::as_object) else {
        return false;
    };
    let mut tags = properties.iter().filter_map(|(k, v)| Some((k, v.get("const")?.as_str()?))).peekable();
    tags.peek().is_some()
        && tags
            .all(|(key, want)| table.iter().any(|(k, v)| **k.get_ref() == **key && v.get_ref().as_str() == Some(want)))
}

fn unknown_key_message(key: &str, table_path: &[String], known: &[&str]) -> String {
    let location =
        if table_path.is_empty() { "at the top level".to_owned() } else { format!("in [{}]", table_path.join(".")) };
    match nearest(key, known.iter().copied()) {
        Some(suggestion) => format!("unknown key `{key}` {location}; did you mean `{suggestion}`?"),
        None => format!("unknown key `{key}` {location}; known keys: {}", known.join(", ")),
    }
}

/// The candidate closest to `typed` by edit distance (adjacent swaps count as one edit), if it is
/// close enough to be a plausible typo.
pub(crate) fn nearest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = max_suggestion_distance(typed.chars().count());
    candidates
        .into_iter()
        .map(|c| (edit_distance(typed, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        for j in 0..=b.len() {
            d[i * width + j] = if i == 0 || j == 0 {
                i + j
            } else {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best =
                    (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + 1);
                }
                best
            };
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::schema;

    fn check(text: &str) -> Vec<String> {
        let table = DeTable::parse(text).unwrap();
        let spans = SpanIndex::new(Path::new("/c.toml"), text, table.get_ref());
        unknown_keys(table.get_ref(), &schema::schema(), &spans).into_iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("defualt_branch", "default_branch"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(nearest("agnet", ["agent", "runtime"]), Some("agent"));
        assert_eq!(nearest("zzzzzz", ["agent", "runtime"]), None, "no suggestion for an unrelated word");
    }

    #[test]
    fn a_typo_in_a_project_names_table_line_and_suggestion() {
        let errors = check("[projects.api]\npath = \"/r\"\ndefualt_branch = \"dev\"\n");
        assert_eq!(
            errors,
            ["/c.toml:3:1: unknown key `defualt_branch` in [projects.api]; did you mean `default_branch`?"]
        );
    }

    #[test]
    fn every_level_is_checked() {
        let text = "\
            bogus = 1\n\
            [defaults]\nagnet = \"x\"\n\
            [reactions.ci_faild]\nretries = 1\n\
            [reactions.agent_stuck]\nthreshhold = \"1m\"\n\
            [agents.a]\ncommand = \"a\"\nenv = { ANY_NAME = \"ok\" }\nargz = []\n\
            [notifiers.n]\nkind = \"webhook\"\nurl = \"https://x\"\ncommand = \"c\"\n";
        let errors = check(text);
        let expect = [
            "1:1: unknown key `bogus` at the top level",
            "3:1: unknown key `agnet` in [defaults]; did you mean `agent`?",
            "4:12: unknown key `ci_faild` in [reactions]; did you mean `ci_failed`?",
            "7:1: unknown key `threshhold` in [reactions.agent_stuck]; did you mean `threshold`?",
            "11:1: unknown key `argz` in [agents.a]; did you mean `args`?",
            "15:1: unknown key `command` in [notifiers.n]",
        ];
        for want in expect {
            assert!(errors.iter().any(|e| e.contains(want)), "expected an error containing {want:?} in {errors:#?}");
        }
        assert_eq!(errors.len(), expect.len(), "env keys are free-form and must not be flagged: {errors:#?}");
    }

    #[test]
    fn a_notifier_is_checked_against_its_own_kind() {
        assert!(check("[notifiers.n]\nkind = \"command\"\ncommand = \"c\"\nargs = []\n").is_empty());
        let errors = check("[notifiers.n]\nkind = \"desktop\"\nsond = false\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("did you mean `sound`?"), "{errors:?}");
    }
}
