//! The Helm post-renderer: `helm install … --post-renderer tkedirect-render`. Manifests on stdin, the same
//! manifests with direct access enabled on stdout; settings from flags or TKEDIRECT_* environment variables.

fn main() -> std::process::ExitCode {
    tkedirect::app::post_render::main_entry(std::env::args_os().collect())
}
