fn main() -> std::process::ExitCode {
    tkedirect::app::main_entry(std::env::args_os().collect())
}
