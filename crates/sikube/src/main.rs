//! `sikube`: the command line of the one binary. Thin: parse, then call the library.
#![forbid(unsafe_code)]

// Many small allocations per request (rows, strings, rendered pages) from many threads:
// glibc's malloc spent a fifth of a busy server's time in its arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    sikube::main()
}
