//! The `grove-app` binary: the desktop window with no subcommand, the command line otherwise
//! (so an install with only this binary still works, at the window's start-up cost).

fn main() -> std::process::ExitCode {
    grove_app::main()
}
