//! The terminal side of [`crate::confirm::Confirm`]: the question on stderr, the answer from stdin.

use std::io::{BufRead, Write};

use crate::confirm::{Confirm, is_yes};

/// Asks on stderr and reads one line from stdin, when stdin is a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    tty: bool,
}

impl Terminal {
    /// Ask only when stdin is a terminal (`Ui::stdin_tty`).
    pub fn new(stdin_tty: bool) -> Self {
        Terminal { tty: stdin_tty }
    }
}

impl Confirm for Terminal {
    fn can_ask(&self) -> bool {
        self.tty
    }

    fn ask(&self, question: &str) -> std::io::Result<bool> {
        let mut err = std::io::stderr().lock();
        write!(err, "{question} [y/N] ")?;
        err.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        Ok(is_yes(&answer))
    }
}
