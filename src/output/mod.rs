//! Printers: one per output format.
//!
//! * [`terminal`]: ranked hits for people, with colour on a terminal;
//! * [`json`]: JSON Lines, one hit per line, for programs;
//! * [`cite`]: citations (Markdown, text, BibTeX, CSL-JSON).

pub mod cite;
pub mod json;
pub mod terminal;

/// Whether to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    /// ANSI colours and bold.
    Always,
    /// Plain text; matches are marked with `*…*`.
    Never,
}

impl Color {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    pub fn auto() -> Color {
        use std::io::IsTerminal;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if !no_color && std::io::stdout().is_terminal() {
            Color::Always
        } else {
            Color::Never
        }
    }
}
