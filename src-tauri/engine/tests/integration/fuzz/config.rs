//! Config layers (SPEC C1-C5): `config::load_strict`, `check`, `load_interactive` and the local
//! `grove.toml`, on files a user edits by hand, and `HumanDuration` on the durations in them.
//!
//! An invalid file is a list of errors that each name the file and a line and column inside it,
//! the same list `grove config check` prints; it never loads as something else. A broken
//! `grove.toml` never blocks the load. A file serialised from valid values loads to exactly
//! those values.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use grove_engine::config::{
    self, AgentConfig, Config, ConfigError, ConfigFile, ConfigSources, DEFAULT_AGENT, DEFAULT_BRANCH, DEFAULT_RUNTIME,
    DESKTOP_NOTIFIER, Defaults, DefaultsFile, HumanDuration, MAX_REACTION_DURATION, MAX_REACTION_RETRIES,
    MIN_REACTION_DURATION, NotifierConfig, Priority, Project, ProjectFile, ReactionAction, ReactionKey,
    ReactionOverride, Runtime,
};
use grove_engine::ids::{ProjectId, SessionId};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, select};

use super::support::{any_text, bounded, byte_mutation, cases, hostile_bytes, scratch, seed};

/// A scratch dir with the global config at `global/config.toml`.
fn global_with(bytes: &[u8]) -> (tempfile::TempDir, ConfigSources) {
    let dir = scratch();
    let global = dir.path().join("global").join("config.toml");
    std::fs::create_dir_all(global.parent().expect("a parent")).expect("create the config dir");
    std::fs::write(&global, bytes).expect("write the config");
    (dir, ConfigSources { global, running: None })
}

/// Every error names `file` and a position that exists in it (1-based; a column may point one
/// past the end of its line, where a value is missing).
fn assert_located(errors: &[ConfigError], file: &Path, bytes: &[u8], what: &str) {
    let text = std::str::from_utf8(bytes).ok();
    for e in errors {
        assert_eq!(e.file, file, "{what}: error names another file: {e}");
        assert!(!e.message.trim().is_empty(), "{what}: error without a message at {}:{}", e.line, e.column);
        assert!(e.line >= 1 && e.column >= 1, "{what}: positions are 1-based: {e}");
        let Some(text) = text else {
            assert_eq!((e.line, e.column), (1, 1), "{what}: a file that is not UTF-8 is a whole-file error: {e}");
            continue;
        };
        let lines: Vec<&str> = text.split('\n').collect();
        let line = lines
            .get(e.line as usize - 1)
            .unwrap_or_else(|| panic!("{what}: line {} is past the end of a {}-line file: {e}", e.line, lines.len()));
        let columns = line.chars().count() as u32 + 1;
        assert!(e.column <= columns, "{what}: column {} is past the end of line {} ({line:?}): {e}", e.column, e.line);
    }
}

/// Loading a (possibly damaged) global file: strict load and `check` agree, every error is
/// located in the file, and the interactive load still starts with something.
fn check_global(bytes: &[u8]) {
    let what = format!("loading {} bytes of config", bytes.len());
    let (_dir, sources) = global_with(bytes);
    let file = std::path::absolute(&sources.global).expect("an absolute path");
    let strict = config::load_strict(&sources);
    let checked = config::check(&sources);
    match &strict {
        Ok(loaded) => {
            assert_eq!(checked, loaded.local_errors, "{what}: check found errors a strict load accepted");
            assert_eq!(
                loaded.sources,
                std::slice::from_ref(&file),
                "{what}: the loaded file is not listed as the source"
            );
        }
        Err(errors) => {
            let errors = errors.errors();
            assert!(!errors.is_empty(), "{what}: a failed load must say why");
            assert!(checked.starts_with(errors), "{what}: check lists {checked:?}, the load failed with {errors:?}");
            assert_located(errors, &file, bytes, &what);
        }
    }
    // Stop uses the same file alone here, so it must give the same answer.
    assert_eq!(config::load_for_stop(&sources), strict, "{what}: stop and strict loads disagree on one file");
    let interactive = config::load_interactive(&sources);
    if strict.is_err() {
        assert_eq!(interactive.config, Config::default(), "{what}: an invalid config must fall back to defaults");
        assert!(
            interactive.warnings.iter().any(|w| w.contains("built-in defaults")),
            "{what}: the fallback must be said: {:?}",
            interactive.warnings
        );
    }
}

/// A project whose `grove.toml` is damaged still loads from its entry; the local errors name
/// the local file, and the local file is applied only when it has none.
fn check_local(bytes: &[u8]) {
    let what = format!("loading a project with {} bytes of grove.toml", bytes.len());
    let dir = scratch();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).expect("create the project dir");
    let local = repo.join("grove.toml");
    std::fs::write(&local, bytes).expect("write grove.toml");
    let global = dir.path().join("config.toml");
    let text = format!("[projects.api]\npath = {}\n", toml_string(&repo.display().to_string()));
    std::fs::write(&global, text).expect("write the global config");
    let sources = ConfigSources { global, running: None };
    let loaded = config::load_strict(&sources)
        .unwrap_or_else(|e| panic!("{what}: a broken grove.toml must not fail the load: {e}"));
    let api = loaded.config.project(&ProjectId::new("api").unwrap()).expect("the project is still there");
    assert_located(&loaded.local_errors, &local, bytes, &what);
    if loaded.local_errors.is_empty() {
        assert_eq!(api.local_file.as_deref(), Some(local.as_path()), "{what}: a valid grove.toml was not applied");
    } else {
        assert_eq!(api.local_file, None, "{what}: an invalid grove.toml was applied anyway");
        assert!(loaded.warnings.iter().any(|w| w.contains("grove.toml")), "{what}: the user must be told");
        assert_eq!(config::check(&sources), loaded.local_errors, "{what}: check must list the local errors");
    }
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// Lines of the seed that set one key (`key = value`), for duplicating.
fn key_lines(text: &str) -> Vec<usize> {
    let is_key_line = |l: &str| {
        let l = l.trim_start();
        !l.starts_with(['#', '[']) && l.contains('=')
    };
    text.lines().enumerate().filter(|(_, l)| is_key_line(l)).map(|(n, _)| n).collect()
}

/// One config seed with one of its `key = value` lines written twice (the copy right after it).
fn seed_with_duplicate_key() -> impl Strategy<Value = (String, String, u32)> {
    (seed("config"), any::<Index>()).prop_map(|((name, bytes), i)| {
        let text = String::from_utf8(bytes).expect("config seeds are UTF-8");
        let candidates = key_lines(&text);
        let n = *i.get(&candidates);
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(n + 1, lines[n]);
        (name, lines.join("\n") + "\n", n as u32 + 2)
    })
}

/// Lines of a seed deleted, repeated or moved: what a careless edit does to a config.
fn seed_with_lines_edited() -> impl Strategy<Value = Vec<u8>> {
    (seed("config"), vec((any::<Index>(), any::<Index>(), 0..3u8), 1..4)).prop_map(|((_, bytes), edits)| {
        let text = String::from_utf8(bytes).expect("config seeds are UTF-8");
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        for (a, b, op) in edits {
            if lines.is_empty() {
                break;
            }
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            match op {
                0 => {
                    lines.remove(a);
                }
                1 => lines.insert(b, lines[a].clone()),
                _ => lines.swap(a, b),
            }
        }
        (lines.join("\n") + "\n").into_bytes()
    })
}

/// A name `check_name` accepts, short enough to stay a valid session prefix.
fn name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_-]{0,15}"
}

/// A branch name: no whitespace or control characters, unicode allowed.
fn branch() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9/._é🌲-]{1,16}"
}

/// An absolute path that does not exist (so no `grove.toml` is found under it), unicode allowed.
fn absolute_path() -> impl Strategy<Value = PathBuf> {
    vec("[a-z0-9_é-]{1,8}", 1..4)
        .prop_map(|parts| PathBuf::from(format!("/nonexistent-grove-fuzz/{}", parts.join("/"))))
}

/// A program: a bare name (a `PATH` lookup, kept as is) or an absolute path.
fn program() -> impl Strategy<Value = PathBuf> {
    prop_oneof!["[a-z][a-z0-9-]{0,8}".prop_map(PathBuf::from), absolute_path()]
}

/// Free text a user writes in a config: unicode, quotes, backslashes, newlines.
fn text() -> impl Strategy<Value = String> {
    any_text()
}

/// A non-blank argument or command.
fn word() -> impl Strategy<Value = String> {
    "[a-z]\\PC{0,10}"
}

fn duration() -> impl Strategy<Value = HumanDuration> {
    let (min, max) = (MIN_REACTION_DURATION.as_millis() as u64, MAX_REACTION_DURATION.as_millis() as u64);
    (min..=max).prop_map(|ms| HumanDuration::new(Duration::from_millis(ms)))
}

/// A valid override of reaction `key` (auto-merge only where it is allowed).
fn reaction_override(key: ReactionKey) -> impl Strategy<Value = ReactionOverride> {
    let actions = if key == ReactionKey::ApprovedAndGreen {
        ReactionAction::ALL.to_vec()
    } else {
        vec![ReactionAction::SendToAgent, ReactionAction::Notify]
    };
    (
        option::of(any::<bool>()),
        option::of(select(actions)),
        option::of(text()),
        option::of(select(Priority::ALL)),
        option::of(0..=MAX_REACTION_RETRIES),
        option::of(duration()),
        option::of(duration()),
    )
        .prop_map(|(enabled, action, message, priority, retries, escalate_after, threshold)| ReactionOverride {
            enabled,
            action,
            message,
            priority,
            retries,
            escalate_after,
            threshold,
        })
}

fn reactions() -> impl Strategy<Value = BTreeMap<ReactionKey, ReactionOverride>> {
    proptest::sample::subsequence(ReactionKey::ALL.to_vec(), 0..=3)
        .prop_flat_map(|keys| {
            keys.into_iter().map(|k| reaction_override(k).prop_map(move |o| (k, o))).collect::<Vec<_>>()
        })
        .prop_map(|pairs| pairs.into_iter().collect())
}

fn agent_config() -> impl Strategy<Value = AgentConfig> {
    (program(), vec(word(), 0..3), btree_map("[A-Z_]{1,6}", text(), 0..3), option::of(vec(word(), 0..3)))
        .prop_map(|(command, args, env, resume_args)| AgentConfig { command, args, env, resume_args })
}

fn notifier_config() -> impl Strategy<Value = NotifierConfig> {
    prop_oneof![
        any::<bool>().prop_map(|sound| NotifierConfig::Desktop { sound }),
        ("https?://[a-z.]{1,12}/\\PC{0,8}").prop_map(|url| NotifierConfig::Webhook { url }),
        (program(), vec(text(), 0..3)).prop_map(|(command, args)| NotifierConfig::Command { command, args }),
    ]
}

/// A project entry referring only to `agents` and with its own unique prefix (or its id).
fn project_file(agents: Vec<String>) -> impl Strategy<Value = ProjectFile> {
    let identity = (
        option::of(text()),
        absolute_path(),
        option::of(("[A-Za-z0-9-]{1,8}", "[A-Za-z0-9._-]{1,8}").prop_map(|(o, n)| format!("{o}/{n}"))),
        option::of(branch()),
        any::<bool>(),
    );
    let behaviour = (
        option::of(select(agents)),
        option::of(select(Runtime::ALL)),
        option::of(vec(word(), 0..3)),
        option::of(absolute_path()),
        reactions(),
        option::of(any::<bool>()),
    );
    (identity, behaviour).prop_map(
        |(
            (name, path, repo, default_branch, own_prefix),
            (agent, runtime, post_create, agent_rules_file, reactions, mute),
        )| {
            ProjectFile {
                name,
                path: Some(path),
                repo,
                default_branch,
                // Filled in per id by the caller, which knows the id.
                session_prefix: own_prefix.then(String::new),
                agent,
                runtime,
                post_create,
                agent_rules_file,
                reactions,
                mute_notifications: mute,
                base_branch: None,
                land: None,
                after_land: None,
            }
        },
    )
}

/// A valid config file: every name it refers to declared (or built in), prefixes unique.
fn config_file() -> impl Strategy<Value = ConfigFile> {
    let declared = (btree_map(name(), agent_config(), 0..3), btree_map(name(), notifier_config(), 0..3));
    declared.prop_flat_map(|(agents, notifiers)| {
        let agent_names: Vec<String> =
            config::BUILTIN_AGENTS.iter().map(|a| (*a).to_owned()).chain(agents.keys().cloned()).collect();
        let notifier_names: Vec<String> =
            std::iter::once(DESKTOP_NOTIFIER.to_owned()).chain(notifiers.keys().cloned()).collect();
        let defaults = (
            option::of(select(agent_names.clone())),
            option::of(select(Runtime::ALL)),
            option::of(branch()),
            option::of(vec(select(notifier_names.clone()), 0..3)),
        )
            .prop_map(|(agent, runtime, default_branch, notifiers)| DefaultsFile {
                agent,
                runtime,
                default_branch,
                notifiers,
                ..DefaultsFile::default()
            });
        let routing = btree_map(select(Priority::ALL), vec(select(notifier_names), 0..3), 0..3);
        let projects = btree_map(name(), project_file(agent_names), 0..4).prop_map(|mut projects| {
            // An own prefix is `<id>-p`: unique because ids are, unless it is another project's id
            // (that project's default prefix), in which case the project keeps the default.
            let ids: Vec<String> = projects.keys().cloned().collect();
            for (id, project) in &mut projects {
                if project.session_prefix.is_some() {
                    let prefix = format!("{id}-p");
                    project.session_prefix = (!ids.contains(&prefix)).then_some(prefix);
                }
            }
            projects
        });
        (Just(agents), Just(notifiers), defaults, routing, projects, reactions()).prop_map(
            |(agents, notifiers, defaults, notification_routing, projects, reactions)| ConfigFile {
                defaults,
                projects,
                agents,
                notifiers,
                notification_routing,
                reactions,
            },
        )
    })
}

/// The effective config SPEC C3 promises for one file with no local `grove.toml`: each field
/// from the entry, else the file's `[defaults]`, else the built-in default.
fn expected_config(file: &ConfigFile, declared_in: &Path) -> Config {
    let d = &file.defaults;
    let defaults = Defaults {
        agent: d.agent.clone().unwrap_or_else(|| DEFAULT_AGENT.to_owned()),
        runtime: d.runtime.unwrap_or(DEFAULT_RUNTIME),
        default_branch: d.default_branch.clone().unwrap_or_else(|| DEFAULT_BRANCH.to_owned()),
        notifiers: d.notifiers.clone().unwrap_or_else(|| vec![DESKTOP_NOTIFIER.to_owned()]),
        land: config::LandMethod::Squash,
        after_land: config::AfterLand::Keep,
    };
    let projects = file
        .projects
        .iter()
        .map(|(id, p)| {
            let id = ProjectId::new(id.as_str()).expect("generated ids are valid");
            let project = Project {
                name: p.name.clone().unwrap_or_else(|| id.to_string()),
                path: p.path.clone().expect("generated projects have a path"),
                repo: p.repo.clone(),
                default_branch: p.default_branch.clone().unwrap_or_else(|| defaults.default_branch.clone()),
                session_prefix: p.session_prefix.clone().unwrap_or_else(|| id.to_string()),
                agent: p.agent.clone().unwrap_or_else(|| defaults.agent.clone()),
                runtime: p.runtime.unwrap_or(defaults.runtime),
                post_create: p.post_create.clone().unwrap_or_default(),
                agent_rules_file: p.agent_rules_file.clone(),
                reactions: p.reactions.clone(),
                mute_notifications: p.mute_notifications.unwrap_or(false),
                land: config::LandMethod::Squash,
                after_land: config::AfterLand::Keep,
                declared_in: declared_in.to_owned(),
                local_file: None,
                id: id.clone(),
            };
            (id, project)
        })
        .collect();
    Config {
        defaults,
        projects,
        agents: file.agents.clone(),
        notifiers: file.notifiers.clone(),
        notification_routing: file.notification_routing.clone(),
        reactions: file.reactions.clone(),
    }
}

proptest! {
    #![proptest_config(cases(48))]

    /// Real configs with bytes cut, flipped, inserted or repeated.
    #[test]
    fn byte_damaged_configs_fail_with_located_errors(bytes in seed("config").prop_flat_map(|(_, b)| byte_mutation(b))) {
        bounded("loading a config", move || check_global(&bytes));
    }

    /// Real configs with lines deleted, repeated or swapped.
    #[test]
    fn line_edited_configs_fail_with_located_errors(bytes in seed_with_lines_edited()) {
        bounded("loading a config", move || check_global(&bytes));
    }

    /// Bytes no editor writes: invalid UTF-8, NULs, 20 000 levels of arrays or inline tables.
    #[test]
    fn hostile_bytes_in_a_config_fail_with_located_errors(bytes in hostile_bytes()) {
        bounded("loading a config", move || check_global(&bytes));
    }

    /// A damaged or hostile `grove.toml` is reported against itself and never blocks the load.
    #[test]
    fn damaged_local_files_never_block_the_load(
        bytes in prop_oneof![seed("config").prop_flat_map(|(_, b)| byte_mutation(b)), hostile_bytes()]
    ) {
        bounded("loading a project's grove.toml", move || check_local(&bytes));
    }

    /// A key written twice is an error at the second one (TOML forbids it), not a silent choice.
    #[test]
    fn duplicated_keys_are_errors_at_the_duplicate((name, text, line) in seed_with_duplicate_key()) {
        let errors = bounded("loading a config", move || {
            let (_dir, sources) = global_with(text.as_bytes());
            config::load_strict(&sources).err().map(|e| e.into_vec())
        });
        let errors = errors.unwrap_or_else(|| panic!("{name} with line {line} repeated loaded without an error"));
        let at_duplicate = errors.iter().any(|e| e.line == line);
        prop_assert!(at_duplicate, "{} with line {} repeated: errors {:?}", name, line, errors);
    }

    /// Valid values serialised as TOML load to exactly those values.
    #[test]
    fn a_config_written_from_valid_values_loads_to_them(file in config_file()) {
        let text = toml::to_string(&file).expect("a valid config serialises");
        let shown = text.clone();
        let (loaded, path) = bounded("loading a config", move || {
            let (dir, sources) = global_with(text.as_bytes());
            let path = std::path::absolute(&sources.global).expect("absolute");
            let loaded = config::load_strict(&sources);
            let checked = config::check(&sources);
            drop(dir);
            (loaded.map(|l| (l.config, l.warnings, checked)), path)
        });
        let (config, warnings, checked) = loaded.unwrap_or_else(|e| panic!("valid config rejected: {e}\n{shown}"));
        let clean = warnings.is_empty() && checked.is_empty();
        prop_assert!(clean, "warnings {:?} / errors {:?}\n{}", warnings, checked, shown);
        prop_assert_eq!(config, expected_config(&file, &path), "loaded config differs from\n{}", shown);
    }

    /// Durations: any text parses or fails with a message; what a duration displays as parses
    /// back to the same duration.
    #[test]
    fn durations_parse_back_from_their_display(text in "\\PC{0,12}|[0-9]{1,25}(ms|s|m|h|d|x)?", ms in any::<u64>()) {
        if let Ok(d) = text.parse::<HumanDuration>() {
            prop_assert_eq!(d.to_string().parse::<HumanDuration>().ok(), Some(d), "{:?} displays as {}", text, d);
        }
        let d = HumanDuration::new(Duration::from_millis(ms));
        prop_assert_eq!(d.to_string().parse::<HumanDuration>().ok(), Some(d), "{}ms displays as {}", ms, d);
    }
}

proptest! {
    #![proptest_config(cases(16))]

    /// A project that loads can spawn: `<prefix>-<n>` is a valid session id for every n (the
    /// reason `session_prefix` is limited to 107 characters). The default prefix is the project
    /// id, which may be up to 128 characters long.
    #[test]
    fn every_project_that_loads_can_name_its_sessions(id in "[a-z][a-z0-9]{107,127}") {
        let text = format!("[projects.{id}]\npath = \"/nonexistent-grove-fuzz/p\"\n");
        let loaded = bounded("loading a config", move || {
            let (_dir, sources) = global_with(text.as_bytes());
            config::load_strict(&sources).map(|l| l.config)
        });
        if let Ok(config) = loaded {
            for project in config.projects.values() {
                let last = format!("{}-{}", project.session_prefix, u64::MAX);
                prop_assert!(
                    SessionId::new(&last).is_ok(),
                    "project {} loads with prefix {:?} ({} chars), but its sessions cannot be named: {:?}",
                    project.id, project.session_prefix, project.session_prefix.len(), SessionId::new(&last).err()
                );
            }
        }
    }
}

/// Every config seed loads as it is: otherwise the mutations above would start from an error.
#[test]
fn config_seeds_load() {
    for (name, bytes) in super::support::corpus("config") {
        if name.starts_with("local-") {
            bounded("loading a project's grove.toml", move || check_local(&bytes));
        } else {
            let loaded = bounded("loading a config", move || {
                let (_dir, sources) = global_with(&bytes);
                config::load_strict(&sources).map(|_| ())
            });
            assert!(loaded.is_ok(), "seed {name} does not load: {loaded:?}");
        }
    }
}
