//! Asking a person before a change: the one port for confirmation prompts. The library decides *when* to
//! ask (live `enable`/`disable`, `sync --apply`); the terminal implementation is in `app::confirm`, and
//! unit tests answer with [`Scripted`].

/// Somebody who can confirm a change.
pub trait Confirm {
    /// Whether anybody can be asked at all (a terminal on stdin). When not, the caller prints the plan
    /// only and says how to apply it (`--yes`).
    fn can_ask(&self) -> bool;

    /// Ask `question` (one line, without the `[y/N]`); true only on an explicit yes.
    fn ask(&self, question: &str) -> std::io::Result<bool>;
}

/// Nobody to ask: plan only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Nobody;

impl Confirm for Nobody {
    fn can_ask(&self) -> bool {
        false
    }

    fn ask(&self, _: &str) -> std::io::Result<bool> {
        Ok(false)
    }
}

/// Whether a typed answer is a yes: `y` or `yes`, any case, surrounding spaces ignored.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Answers given in advance, for tests; records every question asked.
#[cfg(test)]
#[derive(Debug, Default)]
pub struct Scripted {
    answers: std::sync::Mutex<std::collections::VecDeque<bool>>,
    asked: std::sync::Mutex<Vec<String>>,
}

#[cfg(test)]
impl Scripted {
    pub fn answering(answers: &[bool]) -> Self {
        Scripted {
            answers: std::sync::Mutex::new(answers.iter().copied().collect()),
            asked: Default::default(),
        }
    }

    /// The questions asked so far.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

#[cfg(test)]
impl Confirm for Scripted {
    fn can_ask(&self) -> bool {
        true
    }

    fn ask(&self, question: &str) -> std::io::Result<bool> {
        self.asked.lock().unwrap().push(question.to_string());
        Ok(self
            .answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("a scripted answer for every question"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_confirms() {
        assert!(is_yes("y\n"));
        assert!(is_yes(" YES \n"));
        assert!(!is_yes("\n"));
        assert!(!is_yes("no"));
        assert!(!is_yes("yep"));
    }

    #[test]
    fn scripted_answers_in_order() {
        let s = Scripted::answering(&[false, true]);
        assert!(!s.ask("a?").unwrap());
        assert!(s.ask("b?").unwrap());
        assert_eq!(s.asked(), ["a?", "b?"]);
        assert!(!Nobody.can_ask());
    }
}
