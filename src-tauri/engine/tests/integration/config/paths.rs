//! C1/C2: every path field is absolute after load, against the directory of the declaring file;
//! a project's local `grove.toml` adds behaviour and may not set identity.

use std::path::{Path, PathBuf};

use grove_engine::config::{self, Config, PATH_FIELDS, ReactionKey};

use super::{Files, id, write};

/// Sets every path field to a relative value. A field added to PATH_FIELDS but not here makes
/// `every_path_field_is_absolute_*` fail, so the list and this fixture stay in step.
const ALL_PATH_FIELDS: &str = "\
[projects.p]
path = \"repo\"
agent_rules_file = \"rules/AGENTS.md\"
[agents.a]
command = \"./bin/agent\"
[notifiers.n]
kind = \"command\"
command = \"bin/notify\"
";

fn relative_value(key: &str) -> &'static str {
    match key {
        "projects.p.path" => "repo",
        "projects.p.agent_rules_file" => "rules/AGENTS.md",
        "agents.a.command" => "bin/agent",
        "notifiers.n.command" => "bin/notify",
        other => panic!("no expected value for path field {other}; add it to ALL_PATH_FIELDS"),
    }
}

fn assert_all_path_fields_resolved(config: &Config, base: &Path, which: &str) {
    for field in PATH_FIELDS {
        let values = (field.read)(config);
        assert!(!values.is_empty(), "{which}: the fixture does not set `{}`; add it to ALL_PATH_FIELDS", field.key);
        for (key, value) in values {
            assert!(value.is_absolute(), "{which}: `{key}` = {value:?} is not absolute");
            assert_eq!(value, base.join(relative_value(&key)), "{which}: `{key}` resolved against the wrong dir");
        }
    }
}

#[test]
fn every_path_field_is_absolute_in_the_global_file() {
    let files = Files::new();
    write(&files.global, ALL_PATH_FIELDS);
    let loaded = config::load_strict(&files.global_only()).unwrap();
    assert_all_path_fields_resolved(&loaded.config, files.global.parent().unwrap(), "global");
}

#[test]
fn every_path_field_is_absolute_in_the_running_file() {
    let files = Files::new();
    write(&files.running, ALL_PATH_FIELDS);
    let alone = config::load_strict(&files.sources()).unwrap();
    assert_all_path_fields_resolved(&alone.config, files.running.parent().unwrap(), "running alone");
    // Merged with a global file elsewhere, the running file's paths keep their own base.
    write(&files.global, "[projects.other]\npath = \"other\"\n");
    let merged = config::load_strict(&files.sources()).unwrap();
    let mut running_part = merged.config.clone();
    running_part.projects.retain(|k, _| k.as_str() == "p");
    assert_all_path_fields_resolved(&running_part, files.running.parent().unwrap(), "running merged");
    let other = &merged.config.projects[&id("other")];
    assert_eq!(other.path, files.global.parent().unwrap().join("other"), "global paths keep the global base");
}

#[test]
fn programs_on_path_stay_bare_and_tilde_expands_to_home() {
    let home = grove_engine::home::user_home().expect("tests run with a home directory");
    let files = Files::new();
    write(
        &files.running,
        "[agents.bare]\ncommand = \"claude\"\n[agents.tilde]\ncommand = \"~/bin/agent\"\n\
         [projects.p]\npath = \"~/src/p\"\n",
    );
    let c = config::load_strict(&files.sources()).unwrap().config;
    assert_eq!(c.agents["bare"].command, PathBuf::from("claude"), "a bare program name is a PATH lookup");
    assert_eq!(c.agents["tilde"].command, home.join("bin/agent"), "`~/` expands to the home directory");
    assert_eq!(c.projects[&id("p")].path, home.join("src/p"));
}

#[test]
fn a_local_grove_toml_adds_behaviour_with_paths_relative_to_the_project() {
    let files = Files::new();
    let repo = files.dir.path().join("repo");
    write(&files.global, &format!("[projects.api]\npath = {:?}\ndefault_branch = \"trunk\"\n", repo));
    write(
        &repo.join("grove.toml"),
        "agent = \"codex\"\ndefault_branch = \"dev\"\nagent_rules_file = \"docs/rules.md\"\n\
         [reactions.ci_failed]\nretries = 4\n",
    );
    let loaded = config::load_strict(&files.global_only()).unwrap();
    let api = &loaded.config.projects[&id("api")];
    assert_eq!(api.agent, "codex", "grove.toml sets what the entry leaves unset");
    assert_eq!(api.default_branch, "trunk", "the config entry wins over grove.toml");
    assert_eq!(api.agent_rules_file.as_deref(), Some(repo.join("docs/rules.md").as_path()));
    assert_eq!(loaded.config.reaction(&id("api"), ReactionKey::CiFailed).retries, Some(4));
    assert_eq!(api.local_file.as_deref(), Some(repo.join("grove.toml").as_path()));
}

#[test]
fn identity_in_grove_toml_is_an_error_shown_without_blocking_the_load() {
    let files = Files::new();
    let repo = files.dir.path().join("repo");
    write(&files.global, &format!("[projects.api]\npath = {:?}\n", repo));
    let local = repo.join("grove.toml");
    write(&local, "agent = \"codex\"\nsession_prefix = \"zz\"\n");
    let loaded = config::load_strict(&files.global_only()).unwrap();
    let api = &loaded.config.projects[&id("api")];
    assert_eq!((api.agent.as_str(), api.session_prefix.as_str()), ("claude-code", "api"), "invalid local ignored");
    let e = &loaded.local_errors[0];
    assert_eq!((e.file.as_path(), e.line, e.key.as_str()), (local.as_path(), 2, "session_prefix"), "{e}");
    assert!(loaded.warnings.iter().any(|w| w.contains("grove.toml")), "{:?}", loaded.warnings);
    assert_eq!(config::check(&files.global_only()), loaded.local_errors, "check reports local errors");
}
