//! C5: every error names file, line, column and key, and says what to do.

use grove_engine::config;

use super::{Files, write};

#[test]
fn every_kind_of_error_names_file_line_and_key() {
    // (what, file text, line, column, key, message fragment)
    let cases: &[(&str, &str, u32, u32, &str, &str)] = &[
        ("bad TOML", "[projects.api]\npath = \"r\"\nagent = \n", 3, 9, "", "invalid TOML"),
        (
            "unknown key",
            "[projects.api]\npath = \"r\"\ndefualt_branch = \"x\"\n",
            3,
            1,
            "projects.api.defualt_branch",
            "unknown key `defualt_branch` in [projects.api]; did you mean `default_branch`?",
        ),
        ("bad project id", "[projects.\"a.b\"]\npath = \"r\"\n", 1, 11, "projects.a.b", "invalid project id"),
        (
            "bad prefix",
            "[projects.api]\npath = \"r\"\nsession_prefix = \"-x\"\n",
            3,
            1,
            "projects.api.session_prefix",
            "session prefix",
        ),
        (
            "duplicate prefix",
            "[projects.api]\npath = \"a\"\n[projects.web]\npath = \"w\"\nsession_prefix = \"api\"\n",
            5,
            1,
            "projects.web.session_prefix",
            "already used by project `api`",
        ),
        (
            "duration out of range",
            "[reactions.agent_stuck]\nthreshold = \"8d\"\n",
            2,
            1,
            "reactions.agent_stuck.threshold",
            "out of range",
        ),
        (
            "duration without unit",
            "[projects.api]\npath = \"r\"\n[projects.api.reactions.changes_requested]\nescalate_after = \"30\"\n",
            4,
            18,
            "projects.api.reactions.changes_requested.escalate_after",
            "no unit",
        ),
        (
            "retries out of range",
            "[reactions.ci_failed]\nretries = 11\n",
            2,
            1,
            "reactions.ci_failed.retries",
            "out of range (0 to 10)",
        ),
        (
            "unknown agent",
            "[projects.api]\npath = \"r\"\nagent = \"codx\"\n",
            3,
            1,
            "projects.api.agent",
            "unknown agent `codx` in `projects.api.agent`; did you mean `codex`?",
        ),
        (
            "unknown notifier",
            "[notification_routing]\nurgent = [\"slack\"]\n",
            2,
            1,
            "notification_routing.urgent",
            "unknown notifier `slack`",
        ),
        ("missing path", "[projects.api]\nrepo = \"o/r\"\n", 1, 11, "projects.api", "has no `path`"),
    ];
    for &(what, text, line, column, key, fragment) in cases {
        let files = Files::new();
        write(&files.global, text);
        let errors = config::check(&files.global_only());
        assert_eq!(errors.len(), 1, "{what}: expected one error, got {errors:#?}");
        let e = &errors[0];
        assert_eq!(e.file, files.global, "{what}: wrong file in {e}");
        assert_eq!((e.line, e.column, e.key.as_str()), (line, column, key), "{what}: wrong place in {e}");
        assert!(e.message.contains(fragment), "{what}: {e} should contain {fragment:?}");
        let prefix = format!("{}:{line}:{column}: ", files.global.display());
        assert!(e.to_string().starts_with(&prefix), "{what}: display {e} should start with {prefix}");
        let strict = config::load_strict(&files.global_only()).expect_err(&format!("{what}: must not load"));
        assert_eq!(strict.errors(), errors.as_slice(), "{what}: load_strict and check must agree");
    }
}

#[test]
fn a_duplicate_prefix_across_files_is_reported_in_the_later_projects_file() {
    let files = Files::new();
    write(&files.global, "[projects.api]\npath = \"a\"\nsession_prefix = \"s\"\n");
    write(&files.running, "[projects.web]\npath = \"w\"\nsession_prefix = \"s\"\n");
    let errors = config::check(&files.sources());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!((errors[0].file.as_path(), errors[0].line), (files.running.as_path(), 3), "{}", errors[0]);
    assert!(errors[0].message.contains(&files.global.display().to_string()), "names the other file: {}", errors[0]);
}

#[test]
fn all_errors_of_both_files_are_reported_together() {
    let files = Files::new();
    write(&files.global, "[projects.api]\npath = \"a\"\nagent = \"nope-nope-nope\"\nruntime = \"tmux\"\n");
    write(&files.running, "[reactions.ci_failed]\nretries = 99\naction = \"auto_merge\"\n");
    let errors = config::check(&files.sources());
    let keys: Vec<&str> = errors.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(
        keys,
        ["projects.api.agent", "reactions.ci_failed.retries", "reactions.ci_failed.action"],
        "{errors:#?}"
    );
}

#[test]
fn land_keys_default_validate_with_their_place_and_base_branch_is_default_branch() {
    // SPEC K4, K6: `land` and `after_land` per project and in [defaults]; K1's `base_branch`.
    use grove_engine::config::{AfterLand, LandMethod};
    let files = Files::new();
    write(
        &files.global,
        "[defaults]\nland = \"rebase\"\n\
         [projects.api]\npath = \"a\"\nafter_land = \"clean\"\nbase_branch = \"trunk\"\n\
         [projects.web]\npath = \"w\"\nland = \"merge\"\n",
    );
    let loaded = config::load_strict(&files.global_only()).expect("valid land keys load");
    let api = &loaded.config.projects[&super::id("api")];
    assert_eq!(
        (api.land, api.after_land, api.default_branch.as_str()),
        (LandMethod::Rebase, AfterLand::Clean, "trunk")
    );
    let web = &loaded.config.projects[&super::id("web")];
    assert_eq!((web.land, web.after_land, web.default_branch.as_str()), (LandMethod::Merge, AfterLand::Keep, "main"));

    let cases: &[(&str, &str, u32, &str, &str)] = &[
        ("bad method", "[projects.api]\npath = \"r\"\nland = \"squosh\"\n", 3, "projects.api.land", "squosh"),
        ("bad policy", "[defaults]\nafter_land = \"wipe\"\n", 2, "defaults.after_land", "wipe"),
        (
            "both names",
            "[projects.api]\npath = \"r\"\ndefault_branch = \"main\"\nbase_branch = \"dev\"\n",
            4,
            "projects.api.base_branch",
            "same setting",
        ),
    ];
    for &(what, text, line, key, fragment) in cases {
        let files = Files::new();
        write(&files.global, text);
        let errors = config::check(&files.global_only());
        assert_eq!(errors.len(), 1, "{what}: expected one error, got {errors:#?}");
        let e = &errors[0];
        assert_eq!((e.line, e.key.as_str()), (line, key), "{what}: wrong place in {e}");
        assert!(e.to_string().contains(fragment), "{what}: {e} should contain {fragment:?}");
    }
    let schema = config::schema();
    let project = serde_json::to_string(&schema).unwrap();
    for key in ["\"land\"", "\"after_land\"", "\"base_branch\"", "\"squash\"", "\"clean\""] {
        assert!(project.contains(key), "the schema lacks {key}");
    }
}
