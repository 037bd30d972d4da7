//! What the feed needs from the config (SPEC C6): the configured projects for the sidebar, and the
//! errors of the last reload, shown as warnings and as a "config" chip on the projects they name.
//! The app keeps one [`FeedConfig`] in a `watch` channel and feeds it the [`ConfigEvent`]s of its
//! [`ConfigWatcher`](crate::config::ConfigWatcher); the feed only reads it.

use std::path::PathBuf;

use super::message::{FeedWarning, WarningSource};
use crate::config::{ConfigError, ConfigEvent, Loaded};
use crate::ids::ProjectId;

/// A project as the config declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfiguredProject {
    /// Its id.
    pub id: ProjectId,
    /// Its display name.
    pub name: String,
    /// Its `grove.toml`, whose errors are the project's own.
    pub local_file: Option<PathBuf>,
}

/// The config as the feed shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedConfig {
    /// The projects of the last good config, by id.
    pub projects: Vec<ConfiguredProject>,
    /// Notes about the last good config (a fallback that was used and why).
    pub notes: Vec<String>,
    /// Errors to show: those of the last reload when it was invalid, and those of projects'
    /// `grove.toml` files, which are ignored but never silently (SPEC C1).
    pub errors: Vec<ConfigError>,
    /// What the PR loop says is wrong with GitHub ("rate limited until 14:05"), if anything. Not
    /// config, but it travels the same way: the app sets it, the feed shows it.
    pub github: Option<String>,
}

impl FeedConfig {
    /// The state after loading `loaded`.
    pub fn from_loaded(loaded: &Loaded) -> Self {
        let projects = loaded
            .config
            .projects
            .values()
            .map(|p| ConfiguredProject { id: p.id.clone(), name: p.name.clone(), local_file: p.local_file.clone() })
            .collect();
        Self { projects, notes: loaded.warnings.clone(), errors: loaded.local_errors.clone(), github: None }
    }

    /// Takes a reload into account: a valid one replaces everything; an invalid one keeps the
    /// last good projects (the config in force did not change) and shows its errors.
    pub fn apply(&mut self, event: &ConfigEvent) {
        match event {
            ConfigEvent::Reloaded(loaded) => *self = Self { github: self.github.take(), ..Self::from_loaded(loaded) },
            ConfigEvent::Invalid(errors) => {
                let local = self.projects.iter().filter_map(|p| p.local_file.as_ref());
                let local: Vec<PathBuf> = local.cloned().collect();
                // Errors of local files survive a failed global reload: those files did not change.
                self.errors.retain(|e| local.contains(&e.file));
                self.errors.extend(errors.errors().iter().cloned());
            }
        }
    }

    /// Whether an error names `project`: a key under `projects.<id>`, or its `grove.toml`.
    pub fn has_error(&self, project: &ConfiguredProject) -> bool {
        let prefix = format!("projects.{}", project.id);
        self.errors.iter().any(|e| {
            let key_match = e.key == prefix || e.key.strip_prefix(&prefix).is_some_and(|rest| rest.starts_with('.'));
            key_match || project.local_file.as_ref() == Some(&e.file)
        })
    }

    /// The warnings to show: one per error, with file and line, then the notes.
    pub fn warnings(&self) -> Vec<FeedWarning> {
        let errors = self.errors.iter().map(|e| FeedWarning {
            source: WarningSource::Config,
            message: e.to_string(),
            file: Some(e.file.display().to_string()),
            line: Some(e.line),
        });
        let notes = self.notes.iter().map(|note| FeedWarning {
            source: WarningSource::Config,
            message: note.clone(),
            file: None,
            line: None,
        });
        let github = self.github.iter().map(|message| FeedWarning {
            source: WarningSource::Github,
            message: message.clone(),
            file: None,
            line: None,
        });
        errors.chain(notes).chain(github).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigErrors;

    fn project(id: &str, local: Option<&str>) -> ConfiguredProject {
        ConfiguredProject {
            id: ProjectId::new(id).unwrap(),
            name: format!("Project {id}"),
            local_file: local.map(PathBuf::from),
        }
    }

    fn error(file: &str, key: &str) -> ConfigError {
        ConfigError { file: file.into(), line: 7, column: 3, key: key.into(), message: "bad value".into() }
    }

    #[test]
    fn an_invalid_reload_flags_the_projects_it_names_and_keeps_the_last_good_projects() {
        let mut config =
            FeedConfig { projects: vec![project("api", None), project("apiv2", None)], ..Default::default() };
        let errors = ConfigErrors::from_vec(vec![error("/c.toml", "projects.api.agent")]).unwrap();
        config.apply(&ConfigEvent::Invalid(errors));
        assert_eq!(config.projects.len(), 2, "an invalid reload keeps the projects in force");
        assert!(config.has_error(&config.projects[0]), "the error's key names project api");
        assert!(!config.has_error(&config.projects[1]), "projects.api.* must not flag apiv2");
        let warnings = config.warnings();
        assert_eq!(warnings.len(), 1, "one warning per error: {warnings:?}");
        assert_eq!((warnings[0].file.as_deref(), warnings[0].line), (Some("/c.toml"), Some(7)), "file and line");
    }

    #[test]
    fn github_trouble_is_a_warning_that_survives_config_reloads() {
        let mut config =
            FeedConfig { github: Some("GitHub rate limit: checking again at 14:05".into()), ..Default::default() };
        let loaded = Loaded {
            config: crate::config::Config::default(),
            sources: vec![],
            warnings: vec![],
            local_errors: vec![],
        };
        config.apply(&ConfigEvent::Reloaded(std::sync::Arc::new(loaded)));
        let warnings = config.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].source, WarningSource::Github);
        assert!(warnings[0].message.contains("rate limit"), "{warnings:?}");
    }

    #[test]
    fn local_file_errors_flag_their_project_and_survive_a_failed_global_reload() {
        let mut config = FeedConfig {
            projects: vec![project("api", Some("/repo/grove.toml"))],
            errors: vec![error("/repo/grove.toml", "agent")],
            ..Default::default()
        };
        assert!(config.has_error(&config.projects[0]), "an error in its grove.toml is the project's");
        let errors = ConfigErrors::from_vec(vec![error("/c.toml", "defaults.agent")]).unwrap();
        config.apply(&ConfigEvent::Invalid(errors.clone()));
        config.apply(&ConfigEvent::Invalid(errors));
        let files: Vec<_> = config.errors.iter().map(|e| e.file.display().to_string()).collect();
        assert_eq!(files, ["/repo/grove.toml", "/c.toml"], "a second invalid reload replaces, not appends, its errors");
    }
}
