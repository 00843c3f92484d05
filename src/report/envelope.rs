//! The one JSON envelope: every command that writes JSON writes `{"version": 1, "tool": {...},
//! "command": "...", <the command's payload>}`. The payloads are frozen structs (fields are only ever
//! added); a rename or a change of meaning means `version: 2` (docs/output-formats.md).

use std::io::Write;

use serde::Serialize;

/// The envelope's version.
pub const VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub const fn this() -> Tool {
        Tool {
            name: "tkedirect",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Envelope<'a, T: Serialize> {
    pub version: u32,
    pub tool: Tool,
    /// `check`, `doctor`, `enable`, `disable`, `sync`.
    pub command: &'a str,
    #[serde(flatten)]
    pub payload: &'a T,
}

/// Write `payload` in the envelope, pretty-printed, with a final newline.
pub fn write<W: Write, T: Serialize>(w: &mut W, command: &str, payload: &T) -> std::io::Result<()> {
    let env = Envelope {
        version: VERSION,
        tool: Tool::this(),
        command,
        payload,
    };
    serde_json::to_writer_pretty(&mut *w, &env)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_tool_command_then_the_payload() {
        #[derive(Serialize)]
        struct P {
            status: &'static str,
        }
        let mut out = Vec::new();
        write(&mut out, "sync", &P { status: "in-sync" }).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["version", "tool", "command", "status"]);
        assert_eq!(v["tool"]["name"], "tkedirect");
    }
}
