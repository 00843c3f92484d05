//! `-o json`: the versioned schema of `report::json_v1`, pretty-printed.

use crate::report::Report;
use crate::report::json_v1::Output;

pub fn render(report: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(&Output::from(report)).expect("JSON output serializes");
    s.push('\n');
    s
}
