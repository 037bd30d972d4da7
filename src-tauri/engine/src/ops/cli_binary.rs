//! Which `grove` program agents run for their hooks (`grove hook`) and the demo agent runs as.
//! Since the window and the command line are two binaries (ARCHITECTURE §3.6), that is always the
//! command line: it starts in a few ms, where the window binary loads GTK and WebKit first.

use std::path::PathBuf;

/// The `grove` command line agents run for their hooks (and the demo agent runs as): the running
/// executable when it is `grove`, the `grove` beside it when it is the window binary `grove-app`;
/// other programs embedding the engine (tests, benchmarks) have no `hook` subcommand: `None`.
pub fn grove_cli_binary() -> Option<PathBuf> {
    cli_binary_for(std::env::current_exe().ok()?)
}

/// [`grove_cli_binary`] when the running executable is `exe`.
fn cli_binary_for(exe: PathBuf) -> Option<PathBuf> {
    match exe.file_stem()?.to_str()? {
        "grove" => Some(exe),
        // The window binary: its start loads GTK and WebKit, which an agent would wait for on every
        // tool call; the command line installed beside it does the same work in a few ms. Without
        // one (a partial install) the app's own binary still runs the command line.
        "grove-app" => {
            let cli = exe.with_file_name(format!("grove{}", std::env::consts::EXE_SUFFIX));
            Some(if cli.is_file() { cli } else { exe })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_binary_names_the_command_line_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let (app, cli) = (dir.path().join("grove-app"), dir.path().join("grove"));
        std::fs::write(&app, "").unwrap();
        assert_eq!(cli_binary_for(app.clone()), Some(app.clone()), "no grove beside it: the app runs the CLI itself");
        std::fs::write(&cli, "").unwrap();
        assert_eq!(cli_binary_for(app), Some(cli.clone()), "hooks must call the light `grove`, not the window");
        assert_eq!(cli_binary_for(cli.clone()), Some(cli), "the command line names itself");
        let test_binary = dir.path().join("grove_engine-0123abcd");
        assert_eq!(cli_binary_for(test_binary), None, "a program without `grove hook` gets no hooks");
    }
}
