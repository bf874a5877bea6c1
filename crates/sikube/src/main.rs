//! `sikube`: the command line of the one binary. Thin: parse, then call the library.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    sikube::main()
}
