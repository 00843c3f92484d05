//! Fixture clusters: a directory of YAML streams, an optional `version` and `groups` file.

use super::*;

pub fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/clusters")
        .join(name)
}

/// Objects, gitVersion and served groups of a fixture directory.
pub fn read_fixture(dir: &Path) -> (Vec<Value>, Option<String>, Option<Vec<String>>) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    let mut objects = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        objects.extend(parse_yaml_stream(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display())));
    }
    let version = std::fs::read_to_string(dir.join("version"))
        .ok()
        .map(|s| s.trim().to_string());
    let groups = std::fs::read_to_string(dir.join("groups")).ok().map(|s| {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect()
    });
    (objects, version, groups)
}

/// Parse a YAML stream into objects; `kind: List` documents are flattened.
pub fn parse_yaml_stream(text: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for d in docs {
        match d {
            Value::Null => {}
            Value::Object(ref m) if m.get("kind").and_then(Value::as_str) == Some("List") => {
                out.extend(
                    m.get("items")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default(),
                );
            }
            other => out.push(other),
        }
    }
    Ok(out)
}
