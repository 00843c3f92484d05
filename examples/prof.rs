use std::time::Instant;
use tkedirect::patch::engine::{self, Source};
use tkedirect::patch::{Eni, Intent, NetworkMode, Options};
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let opts = Options { intent: Intent::Enable, mode: NetworkMode::Mixed, eni: Eni::Shared, container: None };
    for _ in 0..3 {
        let t = Instant::now();
        let sources = vec![Source { name: "x".into(), text: text.clone() }];
        let out = engine::run(&sources, &opts, &[], None).unwrap();
        eprintln!("engine: {:?} changed={}", t.elapsed(), out.outputs[0].is_some());
    }
    let t = Instant::now();
    let mut n = 0;
    for c in tkedirect::yaml::split::documents(&text) { let d = &text[c.start..c.end]; let r = tkedirect::yaml::parse(d).unwrap(); n += r.is_some() as usize; }
    eprintln!("parse only: {:?} {n}", t.elapsed());
}
