//! How much of a passage is prose: the share of its characters in words,
//! against URLs, numbers and reference debris. A footnote that is a
//! single link, or a table of figures, has the query's words too, but it
//! is not what a reader wants first; the ranking weighs hits by this.

/// Weight of a passage of this kind and text, from 0.1 (links, figures)
/// to 1 (prose).
pub fn weight(kind: &str, text: &str) -> f32 {
    let mut letters = 0usize;
    let mut other = 0usize;
    for token in text.split_whitespace() {
        let chars = token.chars().count();
        if is_url(token) {
            other += chars;
        } else {
            let l = token.chars().filter(|c| c.is_alphabetic()).count();
            letters += l;
            other += chars - l;
        }
    }
    let total = letters + other;
    if total == 0 {
        return 0.1;
    }
    // Ordinary prose has punctuation and a few figures: 85 % letters
    // counts as all prose.
    let share = (letters as f32 / total as f32 / 0.85).min(1.0);
    let secondary = match kind {
        "footnote" | "caption" => 0.85,
        _ => 1.0,
    };
    (share * share * secondary).clamp(0.1, 1.0)
}

/// Whether a token is a web address.
fn is_url(token: &str) -> bool {
    let t = token.trim_matches(|c: char| !c.is_alphanumeric());
    t.contains("://")
        || t.starts_with("www.")
        || (t.contains('/') && t.split('/').next().is_some_and(|host| host.contains('.')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_whole() {
        let text = "En 2002, le dialogue et la coopération ont été renforcés, lorsque le CCP a été remplacé par le Conseil OTAN-Russie (COR).";
        assert_eq!(weight("paragraph", text), 1.0);
    }

    #[test]
    fn links_and_figures_weigh_little() {
        let link = "6 Voir https://carnegieendowment.org/2019/08/01/russia-and-cooperative-security-in-europe-times-change-tactics-remain-pub-79611";
        assert!(
            weight("footnote", link) < 0.15,
            "{}",
            weight("footnote", link)
        );
        let figures =
            "Arménie 506 Bélarus 604 Russie 61 388 Kazakhstan 1 733 Tadjikistan 81 Kirghizstan 109";
        assert!(weight("caption", figures) < 0.7);
        assert_eq!(weight("paragraph", " "), 0.1);
    }

    #[test]
    fn footnotes_of_prose_rank_a_little_lower() {
        let note = "Le Bélarus et le Kazakhstan adoptent une position assez neutre et vague.";
        assert_eq!(weight("footnote", note), 0.85);
    }
}
