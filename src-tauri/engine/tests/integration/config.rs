//! Config integration tests (SPEC §C): layers, fallbacks, merge, path fields, validation messages
//! and hot reload, each on files in a temp dir.

mod matrix;
mod merge;
mod paths;
mod reload;
mod validation;

use std::path::{Path, PathBuf};

use grove_engine::config::{Config, ConfigSources};
use grove_engine::ids::ProjectId;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn id(s: &str) -> ProjectId {
    ProjectId::new(s).unwrap()
}

fn project_ids(config: &Config) -> Vec<String> {
    config.projects.keys().map(ToString::to_string).collect()
}

/// A temp dir with the global config in `global/` and the running config in `run/`, so relative
/// paths of the two files resolve differently.
struct Files {
    dir: tempfile::TempDir,
    global: PathBuf,
    running: PathBuf,
}

impl Files {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let global = dir.path().join("global").join("config.toml");
        let running = dir.path().join("run").join("app.toml");
        std::fs::create_dir_all(global.parent().unwrap()).unwrap();
        std::fs::create_dir_all(running.parent().unwrap()).unwrap();
        Files { dir, global, running }
    }

    fn sources(&self) -> ConfigSources {
        ConfigSources { global: self.global.clone(), running: Some(self.running.clone()) }
    }

    fn global_only(&self) -> ConfigSources {
        ConfigSources { global: self.global.clone(), running: None }
    }
}
