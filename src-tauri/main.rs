//! The `grove` binary: the command line. It references only `grove_cli`, so it links none of the
//! window's libraries (ARCHITECTURE §3.6); with no subcommand it execs `grove-app` beside it.

fn main() -> std::process::ExitCode {
    grove_cli::main()
}
