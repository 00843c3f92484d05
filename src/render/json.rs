//! `-o json` of `check` and `doctor`: the audit payload in the one envelope (`report::envelope`).

use std::io::Write;

use crate::report::json_v1::AuditV1;
use crate::report::{Audit, envelope};

pub fn audit<W: Write>(w: &mut W, a: &Audit) -> std::io::Result<()> {
    envelope::write(w, a.command.as_str(), &AuditV1::from(a))
}
