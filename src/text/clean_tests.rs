//! Unit tests of the cleaner, on small texts.

use super::*;

fn blocks(text: &str) -> Vec<(BlockKind, String)> {
    let is_metadata = |line: &str| line.starts_with("Publié le");
    let metadata = Metadata {
        header_lines: 0,
        is_metadata: &is_metadata,
    };
    clean(text, &metadata)
        .into_iter()
        .map(|b| (b.kind, b.text))
        .collect()
}

#[test]
fn unwraps_joins_and_drops_metadata() {
    let text = "Titre court\n\nPublié le 3 mars 2020\n\nLa lutte con-\ntre le terrorisme se\npoursuit.\n\n12\n";
    assert_eq!(
        blocks(text),
        [
            (BlockKind::Heading, "Titre court".into()),
            (
                BlockKind::Paragraph,
                "La lutte contre le terrorisme se poursuit.".into()
            ),
        ]
    );
}

#[test]
fn a_paragraph_resumes_after_a_footnote() {
    let text = "Titre\n\nLe texte cite la doctrine\nmilitaire1 et\n\n1 M. Galeotti, The Modern Russian Army.\n\nse poursuit après la note.\n";
    assert_eq!(
        blocks(text),
        [
            (BlockKind::Heading, "Titre".into()),
            (
                BlockKind::Paragraph,
                "Le texte cite la doctrine militaire[1] et se poursuit après la note.".into()
            ),
            (
                BlockKind::Footnote,
                "1 M. Galeotti, The Modern Russian Army.".into()
            ),
        ]
    );
}
