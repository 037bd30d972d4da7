//! `ensure_demo_project`: a valid repository and config, created once and never reset.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use grove_engine::config::{ConfigSources, load_strict};
use grove_engine::demo::{DEMO_AGENT, DEMO_PROJECT, DemoProject, ensure_demo_project};
use grove_engine::home::GroveHome;
use grove_engine::ids::ProjectId;

use super::support::{git, subjects};

fn ensure(home: &Path, exe: &Path) -> DemoProject {
    ensure_demo_project(&GroveHome::at(home), exe).unwrap_or_else(|e| panic!("demo setup failed: {e}"))
}

#[test]
fn creates_one_commit_on_main_and_a_config_that_loads_strictly() {
    let home = tempfile::tempdir().unwrap();
    // Quote and space: the generated TOML must escape whatever the executable's path holds.
    let exe = home.path().join("my bin").join("gro\"ve");
    let demo = ensure(home.path(), &exe);

    assert_eq!(demo.repo_path, home.path().join("demo/repo"));
    assert_eq!(demo.config_path, home.path().join("demo/config.toml"));
    assert_eq!(subjects(&demo.repo_path).len(), 1, "exactly the initial commit");
    assert_eq!(git(&demo.repo_path, &["symbolic-ref", "--short", "HEAD"]).trim(), "main");
    assert_eq!(git(&demo.repo_path, &["status", "--porcelain"]), "", "every seed file is committed");
    assert!(demo.repo_path.join("test_todo.py").is_file() && demo.repo_path.join("README.md").is_file());
    assert_eq!(
        git(&demo.repo_path, &["config", "--local", "user.email"]).trim(),
        "demo@grove.invalid",
        "the identity lives in the repository's own config, so commits work without a global one"
    );

    let loaded = load_strict(&ConfigSources { global: demo.config_path.clone(), running: None })
        .unwrap_or_else(|e| panic!("the generated config must load strictly: {e}"));
    let project = loaded.config.project(&ProjectId::new(DEMO_PROJECT).unwrap()).expect("project demo declared");
    assert_eq!(
        fs::canonicalize(&project.path).unwrap(),
        fs::canonicalize(&demo.repo_path).unwrap(),
        "path is relative to the config file and must resolve to the repository"
    );
    assert_eq!(project.agent, DEMO_AGENT);
    assert_eq!(project.session_prefix, "demo");
    assert_eq!(project.default_branch, "main");
    // SPEC K6: the demo shows the whole landing, cleanup included.
    assert_eq!(project.land, grove_engine::config::LandMethod::Squash);
    assert_eq!(project.after_land, grove_engine::config::AfterLand::Clean);
    let agent = &loaded.config.agents[DEMO_AGENT];
    assert_eq!(agent.command, exe, "the agent is the given executable, verbatim");
    assert_eq!(agent.args, ["demo-agent"]);
}

#[test]
fn a_second_call_keeps_the_repository_and_its_history() {
    let home = tempfile::tempdir().unwrap();
    let exe = home.path().join("grove");
    let demo = ensure(home.path(), &exe);
    fs::write(demo.repo_path.join("notes.md"), "mine\n").unwrap();
    git(&demo.repo_path, &["add", "notes.md"]);
    // No identity flags: the repository's local identity must be enough.
    git(&demo.repo_path, &["commit", "--quiet", "-m", "user work"]);
    fs::write(demo.repo_path.join("README.md"), "uncommitted edit\n").unwrap();
    let head = git(&demo.repo_path, &["rev-parse", "HEAD"]);

    let again = ensure(home.path(), &exe);
    assert_eq!(again, demo);
    assert_eq!(git(&demo.repo_path, &["rev-parse", "HEAD"]), head, "HEAD must not move");
    assert_eq!(subjects(&demo.repo_path), ["user work", "Initial commit: a tiny todo app"], "history is kept");
    assert_eq!(
        fs::read_to_string(demo.repo_path.join("README.md")).unwrap(),
        "uncommitted edit\n",
        "uncommitted work is never reset"
    );
}

#[test]
fn the_config_is_rewritten_only_when_it_differs() {
    let home = tempfile::tempdir().unwrap();
    let demo = ensure(home.path(), &home.path().join("old/grove"));
    let inode = fs::metadata(&demo.config_path).unwrap().ino();
    ensure(home.path(), &home.path().join("old/grove"));
    assert_eq!(fs::metadata(&demo.config_path).unwrap().ino(), inode, "an unchanged config must not be rewritten");

    ensure(home.path(), &home.path().join("new/grove"));
    let text = fs::read_to_string(&demo.config_path).unwrap();
    assert!(text.contains("new/grove") && !text.contains("old/grove"), "a moved executable is picked up:\n{text}");

    fs::write(&demo.config_path, "garbage = [").unwrap();
    ensure(home.path(), &home.path().join("new/grove"));
    assert_eq!(fs::read_to_string(&demo.config_path).unwrap(), text, "a damaged config is restored");
    let leftovers: Vec<_> = fs::read_dir(home.path().join("demo"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "atomic writes leave no temp files: {leftovers:?}");
}

#[test]
fn a_relative_executable_is_made_absolute() {
    let home = tempfile::tempdir().unwrap();
    let demo = ensure(home.path(), Path::new("target/grove"));
    let loaded = load_strict(&ConfigSources { global: demo.config_path, running: None }).unwrap();
    let command = &loaded.config.agents[DEMO_AGENT].command;
    assert_eq!(command, &std::env::current_dir().unwrap().join("target/grove"), "relative to the caller's cwd");
}

#[test]
fn an_interrupted_setup_is_finished_without_losing_files() {
    let home = tempfile::tempdir().unwrap();
    let repo = home.path().join("demo/repo");
    fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "--quiet", "--initial-branch=main"]);
    fs::write(repo.join("README.md"), "written before the crash\n").unwrap();

    let demo = ensure(home.path(), &home.path().join("grove"));
    assert_eq!(subjects(&demo.repo_path).len(), 1, "the missing initial commit is made");
    assert_eq!(
        git(&repo, &["show", "HEAD:README.md"]),
        "written before the crash\n",
        "a seed file that already exists is kept, not overwritten"
    );
    assert!(repo.join("todo.py").is_file(), "missing seed files are added");
}
