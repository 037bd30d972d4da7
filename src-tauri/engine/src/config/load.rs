//! Loading the layers (SPEC C1, C3, C4): strict load of global + running, the fallbacks stop and
//! interactive restore may use, and `check` for `grove config check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::{ConfigError, ConfigErrors};
use super::layer::{self, Layer, LocalLayer};
use super::merge::{merge, resolve};
use super::model::Config;
use super::paths;
use super::validate::{Names, check_file, check_local, check_unique_prefixes};

/// Which files make up the config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSources {
    /// The global config file (`$GROVE_CONFIG` or the platform default).
    pub global: PathBuf,
    /// The file the live app was started with, from `running.json`, when an app is running.
    pub running: Option<PathBuf>,
}

impl ConfigSources {
    /// The global config from the environment (`home::default_config_path`), plus `running`.
    pub fn from_env(running: Option<PathBuf>) -> Self {
        Self { global: crate::home::default_config_path(), running }
    }

    /// The distinct files, global first. The running file is dropped when it is the global file
    /// itself (compared after resolving symlinks), so that file is read once.
    fn files(&self) -> Vec<(&'static str, PathBuf)> {
        let global = layer::absolute(&self.global);
        let mut files = vec![("global", global.clone())];
        if let Some(running) = &self.running {
            let running = layer::absolute(running);
            if !same_file(&global, &running) {
                files.push(("running", running));
            }
        }
        files
    }
}

/// A loaded config and what went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The effective config.
    pub config: Config,
    /// The config files that were read (absolute), global first; empty when none exists.
    pub sources: Vec<PathBuf>,
    /// What the user should know: a fallback and why it was needed, ignored local files.
    pub warnings: Vec<String>,
    /// Errors in projects' `grove.toml` files. Such a file is ignored, its project keeps the
    /// behaviour its config entry gives it, and the error is shown (never silently absent).
    pub local_errors: Vec<ConfigError>,
}

/// Loads and merges the global and running files; any error in either fails the load.
/// A missing file is absent; when both are missing the result is the built-in defaults.
pub fn load_strict(sources: &ConfigSources) -> Result<Loaded, ConfigErrors> {
    let files: Vec<PathBuf> = sources.files().into_iter().map(|(_, path)| path).collect();
    assemble(&files).into_result()
}

/// For stop and shutdown (SPEC C4): strict first; on error the running file alone, then the global
/// file alone, and nothing else, so a broken config never makes stop act on an unrelated one.
/// A fallback result carries a warning naming the file used; if no fallback loads, the strict
/// error is returned.
pub fn load_for_stop(sources: &ConfigSources) -> Result<Loaded, ConfigErrors> {
    let strict = match load_strict(sources) {
        Ok(loaded) => return Ok(loaded),
        Err(errors) => errors,
    };
    let files = sources.files();
    // With one distinct file, "that file alone" is exactly what just failed.
    if files.len() < 2 {
        return Err(strict);
    }
    for (role, path) in files.into_iter().rev() {
        if !path.is_file() {
            // Absent: loading it alone would mean the built-in defaults, which stop must not use.
            continue;
        }
        if let Ok(mut loaded) = assemble(std::slice::from_ref(&path)).into_result() {
            let note = format!(
                "the merged config is invalid ({}); using the {role} config {} alone",
                strict.summary(),
                path.display()
            );
            loaded.warnings.insert(0, note);
            return Ok(loaded);
        }
    }
    Err(strict)
}

/// For interactive restore (SPEC C4, G5): like [`load_for_stop`], and when nothing loads, the
/// built-in defaults with a warning saying so. Never fails: config errors must not block startup.
pub fn load_interactive(sources: &ConfigSources) -> Loaded {
    load_for_stop(sources).unwrap_or_else(|errors| Loaded {
        config: Config::default(),
        sources: Vec::new(),
        warnings: vec![format!("no usable config ({}); using built-in defaults", errors.summary())],
        local_errors: Vec::new(),
    })
}

/// Every error in every file: global, running and each project's `grove.toml`, for
/// `grove config check`. Empty when all is well.
pub fn check(sources: &ConfigSources) -> Vec<ConfigError> {
    let files: Vec<PathBuf> = sources.files().into_iter().map(|(_, path)| path).collect();
    let outcome = assemble(&files);
    outcome.errors.into_iter().chain(outcome.local_errors).collect()
}

/// Everything one load found, valid or not, so strict loading and `check` share one path.
struct Outcome {
    config: Config,
    sources: Vec<PathBuf>,
    errors: Vec<ConfigError>,
    local_errors: Vec<ConfigError>,
    warnings: Vec<String>,
}

impl Outcome {
    fn into_result(self) -> Result<Loaded, ConfigErrors> {
        if let Some(errors) = ConfigErrors::from_vec(self.errors) {
            return Err(errors);
        }
        Ok(Loaded {
            config: self.config,
            sources: self.sources,
            warnings: self.warnings,
            local_errors: self.local_errors,
        })
    }
}

/// Reads `files` (global first), validates them, folds in local files and merges. Goes as far as
/// it can so that every error is found: a file that does not parse is left out of the later steps.
fn assemble(files: &[PathBuf]) -> Outcome {
    let mut errors = Vec::new();
    let mut layers: Vec<Layer> = Vec::new();
    for path in files {
        match layer::read_config(path) {
            Ok(Some(layer)) => layers.push(layer),
            Ok(None) => {}
            Err(e) => errors.extend(e),
        }
    }
    let sources: Vec<PathBuf> = files.iter().filter(|f| f.exists()).cloned().collect();
    for layer in &mut layers {
        let base = layer.path.parent().unwrap_or(Path::new("/")).to_owned();
        errors.extend(paths::resolve_file(&mut layer.file, &base, &layer.spans));
    }
    let names = Names::of(layers.iter().map(|l| &l.file));
    for layer in &layers {
        errors.extend(check_file(&layer.file, &layer.spans, &names));
    }
    let mut local_errors = Vec::new();
    let mut warnings = Vec::new();
    let config = layers
        .iter()
        .map(|layer| {
            let locals = read_locals(layer, &names, &mut local_errors, &mut warnings);
            resolve(layer, &locals)
        })
        .reduce(merge)
        .unwrap_or_default();
    errors.extend(check_unique_prefixes(&config, |path| layers.iter().find(|l| l.path == path).map(|l| &l.spans)));
    Outcome { config, sources, errors, local_errors, warnings }
}

/// Each project's `grove.toml`, read and checked. An invalid one is left out (its project uses
/// its config entry alone) and reported through `errors` and a warning.
fn read_locals(
    layer: &Layer,
    names: &Names,
    errors: &mut Vec<ConfigError>,
    warnings: &mut Vec<String>,
) -> BTreeMap<String, LocalLayer> {
    let mut locals = BTreeMap::new();
    for (id, project) in &layer.file.projects {
        let Some(dir) = &project.path else { continue };
        let problems = match layer::read_local(dir) {
            Ok(None) => continue,
            Ok(Some(mut local)) => {
                let mut problems = paths::resolve_local(&mut local.project, dir, &local.spans);
                problems.extend(check_local(&local.project, &local.spans, names));
                if problems.is_empty() {
                    locals.insert(id.clone(), local);
                    continue;
                }
                problems
            }
            Err(problems) => problems,
        };
        warnings.push(format!("project `{id}`: ignoring its grove.toml, which is invalid: {}", problems[0]));
        errors.extend(problems);
    }
    locals
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
