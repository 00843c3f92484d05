//! Renderers: reports, plans and changes as text for people and machines, written to any `impl Write`.
//! One place decides how tables look ([`Style`], [`new_table`], [`lines`]): they wrap their long columns
//! at the terminal's width, and stay unwrapped when stdout is not a terminal.

pub mod diff;
pub mod github;
pub mod json;
pub mod live;
pub mod sarif;
pub mod sync;
pub mod table;

use comfy_table::{ContentArrangement, Table, presets};

/// How to draw for the reader at hand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// ANSI colors.
    pub color: bool,
    /// The terminal's width in columns; None when stdout is not a terminal (no wrapping).
    pub width: Option<u16>,
}

impl Style {
    /// Paint `text` with an SGR code (`31` red…) when colors are on.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// A borderless table that fits `style.width` by wrapping its widest columns inside themselves.
pub fn new_table(style: &Style) -> Table {
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    if let Some(w) = style.width {
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_width(w);
    } else {
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
    t
}

/// The table's lines without the padding comfy-table leaves at their ends.
pub fn lines(t: &Table) -> String {
    t.lines()
        .map(|l| l.trim_end().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Greedy word wrap of each line of `text` at `width` characters; a word longer than the width is split.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = Vec::new();
    for line in text.split('\n') {
        let mut current = String::new();
        for word in line.split(' ') {
            let mut word: Vec<char> = word.chars().collect();
            let used = current.chars().count();
            if used > 0 && used + 1 + word.len() <= width {
                current.push(' ');
                current.extend(word);
                continue;
            }
            if used > 0 {
                out.push(std::mem::take(&mut current));
            }
            while word.len() > width {
                out.push(word.drain(..width).collect());
            }
            current.extend(word);
        }
        out.push(current);
    }
    out
}

/// `a, b, c and 4 more`: the first few of a long list for tables (JSON lists them all).
pub fn first_few(items: &[String], shown: usize) -> String {
    if items.len() > shown {
        format!(
            "{} and {} more",
            items[..shown].join(", "),
            items.len() - shown
        )
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use comfy_table::Cell;

    #[test]
    fn tables_wrap_inside_the_width() {
        let style = Style {
            color: false,
            width: Some(60),
        };
        let mut t = new_table(&style);
        t.set_header(vec!["OBJECT", "MESSAGE"]);
        t.add_row(vec![
            Cell::new("svc/checkout -n shop"),
            Cell::new("a long message that certainly does not fit into sixty columns of a terminal at all"),
        ]);
        let text = lines(&t);
        assert!(text.lines().count() > 2, "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
        assert!(
            text.contains("svc/checkout"),
            "objects are not broken mid-word: {text}"
        );
        let wide = new_table(&Style::default());
        assert!(matches!(
            wide.content_arrangement(),
            ContentArrangement::Disabled
        ));
        assert_eq!(
            first_few(&["a".into(), "b".into(), "c".into()], 2),
            "a, b and 1 more"
        );
    }
}
