//! JSON schemas of the config files, generated from the serde types, for editors (`grove config
//! schema`) and for the loader's unknown-key check, so the two can never disagree.

use std::sync::OnceLock;

use serde_json::Value;

use super::types::{ConfigFile, ProjectFile};

/// The schema of the global and running config files.
pub fn schema() -> Value {
    config_schema().clone()
}

/// The schema of a project's local `grove.toml`. It is the project entry's schema; the loader
/// additionally rejects the identity keys (`path`, `repo`, `session_prefix`) there.
pub fn local_schema() -> Value {
    project_schema().clone()
}

pub(crate) fn config_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| generate::<ConfigFile>("Grove config (config.toml)"))
}

pub(crate) fn project_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| generate::<ProjectFile>("Grove project config (grove.toml)"))
}

fn generate<T: schemars::JsonSchema>(title: &str) -> Value {
    let mut schema = schemars::schema_for!(T).to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), Value::String(title.into()));
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_lists_the_top_level_tables_and_is_closed() {
        let s = schema();
        let properties = s["properties"].as_object().expect("the root schema has properties");
        for table in ["defaults", "projects", "agents", "notifiers", "notification_routing", "reactions"] {
            assert!(properties.contains_key(table), "schema is missing [{table}]");
        }
        assert_eq!(s["additionalProperties"], Value::Bool(false), "editors must flag unknown top-level keys");
    }

    #[test]
    fn reaction_keys_are_a_closed_set_and_durations_have_a_pattern() {
        let s = schema();
        let reactions = &s["properties"]["reactions"];
        assert_eq!(reactions["additionalProperties"], Value::Bool(false), "{reactions}");
        assert!(reactions["properties"].get("ci_failed").is_some(), "{reactions}");
        let duration = &s["$defs"]["Duration"];
        assert!(duration["pattern"].is_string(), "durations carry a pattern: {duration}");
    }
}
