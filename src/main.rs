//! The `bcsetup` binary: all logic lives in the library.

fn main() -> std::process::ExitCode {
    bcsetup::main(std::env::args_os())
}
