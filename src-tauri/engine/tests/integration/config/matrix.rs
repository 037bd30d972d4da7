//! C1/C4: the matrix {global missing, valid, invalid} x {running missing, valid, invalid, same as
//! global}, through `load_strict`, `load_for_stop` and `load_interactive`.

use std::path::Path;

use grove_engine::config::{self, Config, ConfigSources, Loaded};

use super::{Files, project_ids, write};

const VALID_GLOBAL: &str = "[projects.g]\npath = \"g-repo\"\n";
const VALID_RUNNING: &str = "[projects.r]\npath = \"r-repo\"\n";
/// Parses as TOML but has an unknown key: must be an error, never "absent".
const INVALID: &str = "[projects.x]\npath = \"x\"\ndefualt_branch = \"main\"\n";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Global {
    Missing,
    Valid,
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Running {
    Missing,
    Valid,
    Invalid,
    /// The running path names the global file (through `../global/`), which must be read once.
    SameAsGlobal,
}

/// What a loader should return.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// These projects, and a warning containing this text (or no warning).
    Config(&'static [&'static str], Option<&'static str>),
    /// An error with exactly these files ("global", "running") among its errors.
    Error(&'static [&'static str]),
    /// The built-in defaults, with a warning saying so (interactive only).
    Defaults,
}

#[test]
fn load_matrix_strict_stop_and_interactive() {
    use Global as G;
    use Running as R;
    use Want::*;
    const BOTH: &[&str] = &["g", "r"];
    let rows: &[(G, R, Want, Want, Want)] = &[
        // global   running          strict                 stop                                   interactive
        (G::Missing, R::Missing, Config(&[], None), Config(&[], None), Config(&[], None)),
        (G::Missing, R::Valid, Config(&["r"], None), Config(&["r"], None), Config(&["r"], None)),
        (G::Missing, R::Invalid, Error(&["running"]), Error(&["running"]), Defaults),
        (G::Missing, R::SameAsGlobal, Config(&[], None), Config(&[], None), Config(&[], None)),
        (G::Valid, R::Missing, Config(&["g"], None), Config(&["g"], None), Config(&["g"], None)),
        (G::Valid, R::Valid, Config(BOTH, None), Config(BOTH, None), Config(BOTH, None)),
        (
            G::Valid,
            R::Invalid,
            Error(&["running"]),
            Config(&["g"], Some("using the global config")),
            Config(&["g"], Some("using the global config")),
        ),
        (G::Valid, R::SameAsGlobal, Config(&["g"], None), Config(&["g"], None), Config(&["g"], None)),
        (G::Invalid, R::Missing, Error(&["global"]), Error(&["global"]), Defaults),
        (
            G::Invalid,
            R::Valid,
            Error(&["global"]),
            Config(&["r"], Some("using the running config")),
            Config(&["r"], Some("using the running config")),
        ),
        (G::Invalid, R::Invalid, Error(&["global", "running"]), Error(&["global", "running"]), Defaults),
        (G::Invalid, R::SameAsGlobal, Error(&["global"]), Error(&["global"]), Defaults),
    ];
    for &(global, running, strict, stop, interactive) in rows {
        let case = format!("global {global:?}, running {running:?}");
        let files = Files::new();
        match global {
            G::Missing => {}
            G::Valid => write(&files.global, VALID_GLOBAL),
            G::Invalid => write(&files.global, INVALID),
        }
        let running_path = match running {
            R::Missing => files.running.clone(),
            R::Valid => {
                write(&files.running, VALID_RUNNING);
                files.running.clone()
            }
            R::Invalid => {
                write(&files.running, INVALID);
                files.running.clone()
            }
            R::SameAsGlobal => files.dir.path().join("run").join("..").join("global").join("config.toml"),
        };
        let sources = ConfigSources { global: files.global.clone(), running: Some(running_path) };
        let role = |path: &Path| {
            if path == files.global { "global" } else { "running" }
        };
        check_outcome(&format!("{case}: load_strict"), config::load_strict(&sources), strict, role);
        check_outcome(&format!("{case}: load_for_stop"), config::load_for_stop(&sources), stop, role);
        check_outcome(&format!("{case}: load_interactive"), Ok(config::load_interactive(&sources)), interactive, role);
        if running == R::SameAsGlobal
            && let Ok(loaded) = config::load_strict(&sources)
        {
            assert!(loaded.sources.len() <= 1, "{case}: the same file must be read once: {:?}", loaded.sources);
        }
    }
}

fn check_outcome(
    case: &str,
    got: Result<Loaded, config::ConfigErrors>,
    want: Want,
    role: impl Fn(&Path) -> &'static str,
) {
    match (want, got) {
        (Want::Config(projects, warning), Ok(loaded)) => {
            assert_eq!(project_ids(&loaded.config), projects, "{case}: wrong projects");
            match warning {
                None => assert!(loaded.warnings.is_empty(), "{case}: unexpected warnings {:?}", loaded.warnings),
                Some(text) => assert!(
                    loaded.warnings.iter().any(|w| w.contains(text) && w.contains("defualt_branch")),
                    "{case}: expected a warning with {text:?} that names the error, got {:?}",
                    loaded.warnings
                ),
            }
        }
        (Want::Defaults, Ok(loaded)) => {
            assert_eq!(loaded.config, Config::default(), "{case}: expected the built-in defaults");
            assert!(
                loaded.warnings.iter().any(|w| w.contains("built-in defaults") && w.contains("defualt_branch")),
                "{case}: falling back to defaults must warn and name the error: {:?}",
                loaded.warnings
            );
        }
        (Want::Error(files), Err(errors)) => {
            let mut got: Vec<&str> = errors.errors().iter().map(|e| role(&e.file)).collect();
            got.dedup();
            assert_eq!(got, files, "{case}: errors from the wrong files: {errors}");
            for e in errors.errors() {
                assert_eq!((e.line, e.key.as_str()), (3, "projects.x.defualt_branch"), "{case}: {e}");
            }
            assert_eq!(errors.errors().len(), files.len(), "{case}: each invalid file reported once: {errors}");
        }
        (want, got) => panic!("{case}: wanted {want:?}, got {got:?}"),
    }
}
