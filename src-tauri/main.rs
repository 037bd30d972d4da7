//! The `grove` binary: the desktop app with no arguments, the CLI with a subcommand.

fn main() -> std::process::ExitCode {
    grove_app::main()
}
