//! Cleaning, passages, metadata and language on the real seed texts.

use nrel_search::corpus::extract::extract;
use nrel_search::corpus::Manifest;
use nrel_search::ingest::{clean_text as clean, prepare, Document};
use nrel_search::lang::{Lang, LangDetector};
use nrel_search::text::BlockKind;

use crate::harness::seed_corpus;

const ARTICLE_2011: &str = "2011-relations-otan-russie-rapprochement.txt";
const MOMZIKOFF: &str = "momzikoff-alliances-securitaires-espace-postsovietique.txt";
const NATO_PAGE: &str = "2022-otan-relations-avec-la-russie.md";
const TF1: &str = "2021-10-18-tf1-relations-russie-otan.txt";
const NATO_NEWS: &str = "2009-12-04-otan-conseil-otan-russie-partenariat.txt";

fn source(name: &str) -> String {
    std::fs::read_to_string(seed_corpus().join(name)).unwrap()
}

/// The document as indexed, without the manifest (what the text says).
fn document(name: &str) -> Document {
    prepare(
        name,
        &source(name),
        &Manifest::default(),
        &LangDetector::default(),
    )
}

fn all_text(name: &str) -> String {
    clean(&source(name))
        .into_iter()
        .map(|b| b.text)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn line_break_hyphenation_is_joined() {
    let text = all_text(ARTICLE_2011);
    // con-/tre, mem-/bres, cyber-/menaces, Répub-/lique, coo-/pération
    for word in [
        "lutte contre le terrorisme",
        "certains membres de l’Alliance",
        "les cybermenaces",
        "République tchèque",
        "l’importance de la coopération",
    ] {
        assert!(text.contains(word), "missing {word:?}");
    }
    for broken in [
        "con- tre",
        "con-tre",
        "mem-bres",
        "Répub-lique",
        "coo-pération",
    ] {
        assert!(!text.contains(broken), "left {broken:?}");
    }
}

#[test]
fn real_hyphens_are_kept() {
    let text = all_text(ARTICLE_2011);
    // russo-/géorgienne at a line end (line 58 writes it whole), États-/Unis.
    assert!(text.contains("depuis la guerre russo-géorgienne d’août 2008"));
    assert!(text.contains("les États-Unis exagèrent"));
    assert!(text.contains("Conseil OTAN-Russie (COR)"));
    assert!(text.contains("la région euro-atlantique"));
    assert!(!text.contains("russogéorgienne") && !text.contains("ÉtatsUnis"));
}

#[test]
fn passages_map_back_to_their_lines() {
    let raw = source(ARTICLE_2011);
    let lines: Vec<&str> = raw.lines().collect();
    let doc = document(ARTICLE_2011);
    let juin = doc
        .passages
        .iter()
        .find(|p| p.text.contains("Début juin 2011"))
        .expect("the June 2011 passage");
    assert_eq!(juin.line_start, 56);
    assert!(lines[55].contains("Début juin 2011"));
    assert!(lines[juin.line_end as usize - 1].contains("raisons qui l’expliquent"));
    // Every passage's first and last words stand on its first and last lines.
    for p in &doc.passages {
        let first_word: String = p
            .text
            .split_whitespace()
            .next()
            .unwrap()
            .chars()
            .take(4)
            .collect();
        assert!(
            lines[p.line_start as usize - 1].contains(&first_word),
            "passage {} does not start on line {}",
            p.id,
            p.line_start
        );
        assert!(p.line_start <= p.line_end);
    }
}

#[test]
fn passages_are_of_citable_size() {
    for name in [ARTICLE_2011, MOMZIKOFF, NATO_PAGE, TF1, NATO_NEWS] {
        let doc = document(name);
        let body: Vec<_> = doc
            .passages
            .iter()
            .filter(|p| p.kind == "paragraph")
            .collect();
        assert!(!body.is_empty(), "{name}");
        for p in body {
            let words = p.text.split_whitespace().count();
            assert!(
                (20..=260).contains(&words),
                "{name}: {} has {words} words",
                p.id
            );
        }
    }
}

#[test]
fn footnotes_and_captions_stand_alone() {
    let blocks = clean(&source(MOMZIKOFF));
    let footnote = blocks
        .iter()
        .find(|b| b.text.starts_with("3 R. N. Mc Dermott"))
        .expect("footnote 3");
    assert_eq!(footnote.kind, BlockKind::Footnote);
    // The footnote wrapped over a blank line is whole, and nothing else.
    let two = blocks
        .iter()
        .find(|b| b.text.starts_with("2 Voir à ce sujet"))
        .unwrap();
    assert!(
        two.text
            .ends_with("New York, Columbia University Press, 2018."),
        "{}",
        two.text
    );
    let caption = blocks
        .iter()
        .find(|b| b.text.starts_with("Figure 10"))
        .unwrap();
    assert_eq!(caption.kind, BlockKind::Caption);
    assert!(caption
        .text
        .contains("Sources : Stockholm International Peace Research Institute"));
    // Footnote calls glued to words are set apart.
    assert!(blocks
        .iter()
        .any(|b| b.text.contains("seul commandement militaire[1].")));
    // A paragraph cut by a page of footnotes is joined again.
    let resumed = blocks
        .iter()
        .find(|b| {
            b.text
                .contains("première moitié des années 1990, elle s’en détache")
        })
        .expect("paragraph joined across the page break");
    assert_eq!(resumed.kind, BlockKind::Paragraph);
}

#[test]
fn page_debris_and_metadata_lines_are_dropped() {
    let tf1 = all_text(TF1);
    assert!(!tf1.contains("Publié le"));
    assert!(!tf1.contains("TF1 Info"));
    assert!(!tf1.contains("Aurélie LOEK"));
    let news = all_text(NATO_NEWS);
    assert!(!news.contains("Mis à jour"));
    assert!(!news.contains('•'));
    let page = all_text(NATO_PAGE);
    assert!(page.contains("dans la tragique destruction de l'avion qui assurait le vol MH17"));
    assert!(!page.contains("](#)"));
    assert!(!page.contains("## "));
}

#[test]
fn metadata_from_the_texts() {
    let tf1 = extract(&source(TF1));
    assert_eq!(tf1.date.unwrap().to_string(), "2021-10-18");
    assert_eq!(tf1.authors, ["Aurélie Loek"]);
    assert_eq!(
        tf1.title.as_deref(),
        Some("Relations Russie-Otan très tendues : que se passe-t-il entre Moscou et l'Alliance atlantique ?")
    );
    let news = extract(&source(NATO_NEWS));
    assert_eq!(news.date.unwrap().to_string(), "2009-12-04");
    assert_eq!(
        news.title.as_deref(),
        Some("L’OTAN et la Russie conviennent de faire progresser leur partenariat")
    );
    let momzikoff = extract(&source(MOMZIKOFF));
    assert_eq!(momzikoff.authors, ["Sophie Momzikoff"]);
    assert_eq!(momzikoff.date, None);
    let page = extract(&source(NATO_PAGE));
    assert_eq!(page.title.as_deref(), Some("Les relations OTAN-Russie"));
    let article = extract(&source(ARTICLE_2011));
    assert_eq!(
        (article.title, article.authors.len(), article.date),
        (None, 0, None)
    );
}

#[test]
fn the_english_paragraph_is_english() {
    let doc = document(NATO_PAGE);
    assert_eq!(doc.lang, Lang::French);
    let english: Vec<_> = doc
        .passages
        .iter()
        .filter(|p| p.lang == Lang::English)
        .collect();
    assert_eq!(english.len(), 1, "{english:#?}");
    assert!(english[0].text.starts_with("Allies continue to believe"));
    assert_eq!(english[0].line_start, 47);
    let french = doc
        .passages
        .iter()
        .find(|p| p.text.starts_with("Les Alliés continuent de croire"))
        .unwrap();
    assert_eq!(french.lang, Lang::French);
}

#[test]
fn ids_are_stable_and_unique() {
    let a = document(NATO_PAGE);
    let b = document(NATO_PAGE);
    let ids: Vec<_> = a.passages.iter().map(|p| p.id.clone()).collect();
    assert_eq!(
        ids,
        b.passages.iter().map(|p| p.id.clone()).collect::<Vec<_>>()
    );
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    assert!(ids.iter().all(|id| id
        .as_str()
        .starts_with("2022-otan-relations-avec-la-russie:")));
}

#[test]
fn every_piece_of_a_passage_knows_its_line() {
    let raw = source(ARTICLE_2011);
    let lines: Vec<&str> = raw.lines().collect();
    let doc = document(ARTICLE_2011);
    for p in &doc.passages {
        for word in ["Sotchi", "Lisbonne", "Bucarest", "Medvedev"] {
            if let Some(at) = p.text.find(word) {
                let (line, _) = p.line_range(at, at + word.len());
                assert!(
                    lines[line as usize - 1].contains(word),
                    "{word} is not on line {line}"
                );
            }
        }
    }
    let sotchi = doc
        .passages
        .iter()
        .find(|p| p.text.contains("Sotchi"))
        .unwrap();
    let at = sotchi.text.find("réunis à Sotchi").unwrap();
    assert_eq!(sotchi.line_range(at, at + 5), (63, 63));
}

#[test]
fn running_heads_page_numbers_and_form_feeds() {
    // The 2011 article as pdftotext lays it out: a running head on every
    // page, page numbers, form feeds, a paragraph cut by the page break.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/fixtures/pdf-extraction.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let blocks = clean(&text);
    let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(texts.len(), 3, "{texts:#?}");
    assert_eq!(
        texts[0],
        "Toutefois, très vite, après cette brusque détérioration des relations entre l’OTAN et la Russie, \
         certains membres de l’Alliance, comme l’Allemagne et la France, commencent à rétablir des relations \
         avec Moscou. En septembre 2008, lors d’une réunion informelle de l’OTAN, les ministres de la Défense \
         expriment leur volonté de poursuivre la coopération avec la Russie dans certains domaines d’intérêt \
         commun. Le « retour » de la Russie sur la scène internationale s’explique principalement par deux facteurs."
    );
    assert_eq!(blocks[0].line_range(0, texts[0].len()), (3, 17));
    assert_eq!(
        (blocks[1].kind, texts[1]),
        (
            BlockKind::Heading,
            "La guerre russo-géorgienne et ses conséquences"
        )
    );
    assert!(texts[2].contains("comme une puissance majeure"));
}
