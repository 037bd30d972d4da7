//! C3: how the running file merges over the global one.

use std::path::PathBuf;
use std::time::Duration;

use grove_engine::config::{self, NotifierConfig, Priority, ReactionKey, Runtime};

use super::{Files, id, write};

#[test]
fn a_running_project_replaces_the_global_one_and_keeps_its_own_defaults() {
    let files = Files::new();
    write(
        &files.global,
        "[defaults]\nagent = \"codex\"\nruntime = \"tmux\"\n\
         [projects.api]\npath = \"g-api\"\npost_create = [\"make g\"]\n\
         [projects.web]\npath = \"g-web\"\n",
    );
    write(&files.running, "[defaults]\nagent = \"aider\"\nruntime = \"process\"\n[projects.api]\npath = \"r-api\"\n");
    let loaded = config::load_strict(&files.sources()).unwrap();
    let api = &loaded.config.projects[&id("api")];
    let run_dir = files.running.parent().unwrap();
    assert_eq!(api.path, run_dir.join("r-api"), "the running file's project wins, with its own path base");
    assert_eq!(api.agent, "aider", "the running project keeps the running file's default agent");
    assert_eq!(api.runtime, Runtime::Process, "the running project keeps the running file's default runtime");
    assert!(api.post_create.is_empty(), "the global entry is replaced whole, not merged field by field");
    assert_eq!(api.declared_in, files.running);
    let web = &loaded.config.projects[&id("web")];
    assert_eq!((web.agent.as_str(), web.runtime), ("codex", Runtime::Tmux), "global projects keep global defaults");
    assert_eq!(loaded.config.defaults.agent, "codex", "the merged defaults are the global file's");
    assert_eq!(loaded.sources, [files.global.clone(), files.running.clone()]);
}

#[test]
fn agents_running_wins_while_notifiers_routing_and_reactions_global_wins() {
    let files = Files::new();
    write(
        &files.global,
        "[agents.bot]\ncommand = \"global-bot\"\n\
         [notifiers.hook]\nkind = \"webhook\"\nurl = \"https://global.test\"\n\
         [notification_routing]\nurgent = [\"hook\"]\n\
         [reactions.ci_failed]\nretries = 1\n",
    );
    write(
        &files.running,
        "[agents.bot]\ncommand = \"running-bot\"\n[agents.extra]\ncommand = \"extra\"\n\
         [notifiers.hook]\nkind = \"webhook\"\nurl = \"https://running.test\"\n\
         [notifiers.log]\nkind = \"command\"\ncommand = \"logger\"\n\
         [notification_routing]\nurgent = [\"desktop\"]\ninfo = [\"log\"]\n\
         [reactions.ci_failed]\nretries = 5\n[reactions.agent_stuck]\nthreshold = \"20m\"\n",
    );
    let c = config::load_strict(&files.sources()).unwrap().config;
    assert_eq!(c.agents["bot"].command, PathBuf::from("running-bot"), "custom agents: running wins");
    assert!(c.agents.contains_key("extra"), "running-only agents are kept");
    assert_eq!(c.notifiers["hook"], NotifierConfig::Webhook { url: "https://global.test".into() }, "global wins");
    assert!(c.notifiers.contains_key("log"), "running-only notifiers are kept");
    assert_eq!(c.notifiers_for(Priority::Urgent), ["hook"], "routing: global wins per priority");
    assert_eq!(c.notifiers_for(Priority::Info), ["log"], "running-only routing entries are kept");
    let any = id("none");
    assert_eq!(c.reaction(&any, ReactionKey::CiFailed).retries, Some(1), "reactions: global wins per key");
    assert_eq!(c.reaction(&any, ReactionKey::AgentStuck).threshold, Some(Duration::from_secs(1200)));
}
