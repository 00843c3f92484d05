//! The kubectl plugin: `kubectl tkedirect …` runs this executable; usage and help then say `kubectl tkedirect`.

fn main() -> std::process::ExitCode {
    tkedirect::app::main_entry(std::env::args_os().collect())
}
