//! PDF and HTML sources: PDFs written here with lopdf (French text with
//! hyphenation, a page break inside a paragraph, a footnote; roman-numbered
//! front matter; no text layer; damaged), a saved news article, and a real
//! page of the Debian Administrator's Handbook.

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

use crate::harness::{assert_contains, field, Env};

/// A page label range: first physical page (0-based), style, first number.
type Labels<'a> = &'a [(i64, &'a str, i64)];

/// A PDF of these pages of lines (Helvetica, Windows-1252 text), with page
/// labels and a title and author in its information dictionary.
fn pdf(pages: &[&[&str]], labels: Labels, info: Option<(&str, &str)>) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::new();
    for lines in pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![72.into(), 760.into()]),
        ];
        for line in lines.iter() {
            if line.is_empty() {
                // A paragraph break: a wider gap.
                operations.push(Operation::new("Td", vec![0.into(), (-20).into()]));
                continue;
            }
            // `@` marks a footnote: small, at the foot of the page; `#` a
            // title: large.
            let (line, footnote) = match line.strip_prefix('@') {
                Some(note) => (note, true),
                None => (*line, false),
            };
            if let Some(title) = line.strip_prefix('#') {
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(title);
                operations.extend([
                    Operation::new("Tf", vec!["F1".into(), 18.into()]),
                    Operation::new(
                        "Tj",
                        vec![Object::String(bytes.into_owned(), StringFormat::Literal)],
                    ),
                    Operation::new("Td", vec![0.into(), (-36).into()]),
                    Operation::new("Tf", vec!["F1".into(), 11.into()]),
                ]);
                continue;
            }
            if footnote {
                operations.push(Operation::new("ET", vec![]));
                operations.push(Operation::new("BT", vec![]));
                operations.push(Operation::new("Tf", vec!["F1".into(), 8.into()]));
                operations.push(Operation::new("Td", vec![72.into(), 60.into()]));
            }
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(line);
            operations.push(Operation::new(
                "Tj",
                vec![Object::String(bytes.into_owned(), StringFormat::Literal)],
            ));
            operations.push(Operation::new("T*", vec![]));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations };
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        })));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if !labels.is_empty() {
        let mut nums = Vec::new();
        for (start, style, first) in labels {
            nums.push(Object::from(*start));
            nums.push(Object::Dictionary(dictionary! {
                "S" => Object::Name(style.as_bytes().to_vec()),
                "St" => *first,
            }));
        }
        catalog.set("PageLabels", dictionary! { "Nums" => nums });
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    if let Some((title, author)) = info {
        let info_id = doc.add_object(dictionary! {
            "Title" => Object::string_literal(title),
            "Author" => Object::string_literal(author),
        });
        doc.trailer.set("Info", info_id);
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

const PAGE_1: &[&str] = &[
    "#La coopération entre l'OTAN et la Russie",
    "En 2011, les ambassadeurs du Conseil se sont réunis à Sotchi pour",
    "relancer la lutte con-",
    "tre le terrorisme et la piraterie, après deux années de gel des relations",
    "qui avaient suivi la guerre en Géorgie1. Les ministres ont alors examiné",
    "les moyens de renforcer la coopération dans le domaine de la défense",
];
const PAGE_2: &[&str] = &[
    "antimissile, un sujet qui divisait les Alliés et Moscou depuis des années",
    "et que le sommet de Lisbonne avait remis au premier plan de leurs débats.",
    "@1 Sur la guerre russo-géorgienne d'août 2008, voir le rapport Tagliavini.",
];
const PAGE_3: &[&str] = &[
    "Le Conseil OTAN-Russie a ensuite adopté une déclaration commune sur les",
    "exercices militaires et la transparence, qui devait rétablir la confiance",
    "entre les états-majors après des années de soupçons mutuels persistants.",
];

#[test]
fn a_pdf_is_repaired_and_cited_with_its_pages() {
    let env = Env::seed();
    env.write(
        "rapport.pdf",
        pdf(
            &[PAGE_1, PAGE_2, PAGE_3],
            &[],
            Some(("Rapport sur le COR", "Jeanne Martin")),
        ),
    );
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stdout, "1 PDF extracted");
    let hits = env.hits(&["terrorisme piraterie", "--doc", "rapport"]);
    let hit = &hits[0];
    let text = field(hit, "text");
    assert_contains(text, "la lutte contre le terrorisme");
    // The paragraph goes on across the page break; the footnote stands apart.
    assert_contains(text, "défense antimissile, un sujet");
    assert!(!text.contains("Tagliavini"), "{text}");
    assert_eq!(
        (hit["page_start"].as_str(), hit["page_end"].as_str()),
        (Some("1"), Some("2"))
    );
    let note = &env.hits(&["Tagliavini"])[0];
    assert_eq!(field(note, "kind"), "footnote");
    assert_eq!(note["page_start"], "2");
    let later = &env.hits(&["transparence exercices"])[0];
    assert_eq!(
        (later["page_start"].as_str(), later["page_end"].as_str()),
        (Some("3"), Some("3"))
    );
    // Title and author from the PDF's information.
    assert_eq!(
        field(hit, "title"),
        "La coopération entre l'OTAN et la Russie"
    );
    assert_eq!(hit["authors"][0], "Jeanne Martin");
    // Text files have no pages.
    assert!(env.hits(&["Sotchi", "--doc", "otan-russie-2011"])[0]["page_start"].is_null());

    let id = field(later, "id");
    let cite = env.run(&["cite", id]);
    assert_contains(&cite.stdout, &format!("rapport.pdf, p. 3 [nrel:{id}]"));
    // A trimmed quotation gives the pages of what it quotes.
    let whole = env.run(&["cite", field(hit, "id")]);
    assert_contains(&whole.stdout, ", pp. 1–2 [nrel:");
    let trimmed = env.run(&["cite", field(hit, "id"), "--trim", "terrorisme"]);
    assert_contains(&trimmed.stdout, ", p. 1 [nrel:");
    let csl = env.run(&["cite", id, "--format", "csl-json"]);
    assert_contains(&csl.stdout, "\"page\": \"3\"");
    let bibtex = env.run(&["cite", field(hit, "id"), "--format", "bibtex"]);
    assert_contains(&bibtex.stdout, "pages        = {1--2}");
    let show = env.run(&["show", id]);
    assert_contains(&show.stdout, ", p. 3 (fr, paragraph)");
    let terminal = env.run(&["transparence exercices", "-n", "1"]);
    assert_contains(&terminal.stdout, "(p. 3)");
}

#[test]
fn printed_page_labels_are_cited() {
    let env = Env::empty();
    let front: &[&str] = &[
        "Avant-propos de l'éditeur sur les relations entre l'OTAN et la Russie,",
        "écrit pour présenter ce numéro spécial de la revue aux lecteurs.",
    ];
    env.write(
        "revue.pdf",
        pdf(&[front, front, PAGE_3], &[(0, "r", 1), (2, "D", 231)], None),
    );
    assert_eq!(env.run(&["index"]).code, 0);
    let hit = &env.hits(&["transparence exercices"])[0];
    assert_eq!(hit["page_start"], "231");
    let front = &env.hits(&["avant-propos", "-n", "1"])[0];
    assert_eq!(front["page_start"], "i");
}

#[test]
fn bad_pdfs_are_reported_and_skipped() {
    let env = Env::seed();
    env.write("scan.pdf", pdf(&[&[], &[]], &[], None));
    env.write(
        "damaged.pdf",
        b"%PDF-1.5\n1 0 obj << /Type /Catalog >>\nnot a pdf at all",
    );
    env.write("rapport.pdf", pdf(&[PAGE_1, PAGE_2], &[], None));
    // A scan is only skipped (as a binary file is); a damaged PDF is an
    // error.
    let run = env.run(&["index"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_contains(&run.stderr, "warning: ");
    assert_contains(&run.stderr, "scan.pdf: no text layer: needs OCR; skipped");
    assert_contains(&run.stderr, "error: ");
    assert_contains(&run.stderr, "damaged.pdf: not a readable PDF");
    assert_eq!(env.hits(&["piraterie", "--doc", "rapport"]).len(), 1);
    // Skipped, and not tried again while they do not change: named in
    // one line.
    let again = env.run(&["index"]);
    assert!(!again.stderr.contains("skipped\n"), "{}", again.stderr);
    // A damaged PDF is an error each time, as when it was tried.
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert_contains(
        &again.stderr,
        "error: 2 files skipped before, unchanged since, still skipped: ",
    );
    assert_contains(&again.stderr, "damaged.pdf: not a readable PDF");
    assert_contains(&again.stderr, "scan.pdf: no text layer: needs OCR");
}

#[test]
fn a_pdf_is_extracted_once() {
    let env = Env::empty();
    env.write("rapport.pdf", pdf(&[PAGE_1, PAGE_2], &[], None));
    assert_contains(&env.run(&["index"]).stdout, "1 PDF extracted");
    // A rebuild, and a copy of the same file, read the cache.
    env.write("copie.pdf", pdf(&[PAGE_1, PAGE_2], &[], None));
    let run = env.run(&["index", "--full"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("extracted"), "{}", run.stdout);
    // Another version is extracted again.
    env.write("rapport.pdf", pdf(&[PAGE_1, PAGE_2, PAGE_3], &[], None));
    assert_contains(&env.run(&["index"]).stdout, "1 PDF extracted");
    assert_eq!(env.hits(&["transparence exercices"]).len(), 1);
}

const ARTICLE: &str = r#"<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Relations OTAN-Russie : le dialogue reprend | Le Quotidien</title>
<meta property="og:title" content="Relations OTAN-Russie : le dialogue reprend">
<meta property="og:site_name" content="Le Quotidien">
<meta name="author" content="Rédaction">
<link rel="canonical" href="https://www.example.org/monde/otan-russie-dialogue">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "Le Quotidien"},
 {"@type": "NewsArticle", "headline": "OTAN-Russie : le dialogue reprend à Sotchi",
  "author": [{"@type": "Person", "name": "Claire Dubois"}],
  "datePublished": "2011-07-05T08:30:00+02:00",
  "publisher": {"@type": "Organization", "name": "Le Quotidien"}}]}
</script>
<script>window.tracker = "zorgscript";</script>
<style>.zorgstyle { color: red }</style>
</head><body>
<header><nav><a href="/">Accueil</a> <a href="/monde">Monde zorgnav</a></nav></header>
<div class="cookie-consent">Nous utilisons des cookies zorgcookie. <button>Accepter</button></div>
<article>
<h1>OTAN-Russie : le dialogue reprend à Sotchi</h1>
<p class="byline">Par Claire Dubois</p>
<p>Un mois après la réunion de Berlin, les ambassadeurs du Conseil OTAN-Russie se sont retrouvés à Sotchi, sur l'invitation des autorités russes, pour une session consacrée à la défense antimissile.</p>
<figure><img src="a.jpg"><figcaption>Les ambassadeurs réunis à Sotchi, le 4 juillet 2011.</figcaption></figure>
<blockquote>« Nous avons franchi une étape », a déclaré le secrétaire général.</blockquote>
<ul><li>la lutte contre le terrorisme ;</li><li>la lutte contre la piraterie.</li></ul>
<div class="share-buttons">Partager zorgshare</div>
</article>
<aside>À lire aussi zorgaside</aside>
<footer>Mentions légales zorgfooter</footer>
</body></html>"#;

#[test]
fn a_saved_news_article_is_read_for_its_article_only() {
    let env = Env::seed();
    env.write("presse/dialogue.html", ARTICLE);
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits = env.hits(&[
        "ambassadeurs Sotchi antimissile",
        "--doc",
        "presse-dialogue",
    ]);
    let hit = &hits[0];
    assert_eq!(
        field(hit, "title"),
        "OTAN-Russie : le dialogue reprend à Sotchi"
    );
    assert_eq!(hit["authors"][0], "Claire Dubois");
    assert_eq!(field(hit, "date"), "2011-07-05");
    assert_eq!(field(hit, "source"), "Le Quotidien");
    assert_eq!(
        field(hit, "url"),
        "https://www.example.org/monde/otan-russie-dialogue"
    );
    assert_eq!(field(hit, "lang"), "fr");
    for furniture in [
        "zorgscript",
        "zorgstyle",
        "zorgnav",
        "zorgcookie",
        "zorgshare",
        "zorgaside",
        "zorgfooter",
    ] {
        assert!(env.hits(&[furniture]).is_empty(), "{furniture} was indexed");
    }
    assert!(!env.hits(&["franchi étape"]).is_empty());
    assert!(!env
        .hits(&["piraterie", "--doc", "presse-dialogue"])
        .is_empty());
    // Cited with its address, without lines of the extracted text.
    let cite = env.run(&["cite", field(hit, "id")]);
    assert_contains(
        &cite.stdout,
        "presse/dialogue.html, <https://www.example.org/monde/otan-russie-dialogue> [nrel:",
    );
}

#[test]
fn a_debian_handbook_page_is_read() {
    let env = Env::empty();
    env.write(
        "handbook/sect.role-of-distributions.html",
        include_str!("fixtures/debian-handbook-sect.role-of-distributions.html"),
    );
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let hits = env.hits(&["installateur modulaire"]);
    assert!(!hits.is_empty());
    let hit = &hits[0];
    assert_eq!(field(hit, "lang"), "fr");
    assert_eq!(field(hit, "title"), "1.5.\u{a0}Rôle d'une distribution");
    assert_eq!(
        field(hit, "url"),
        "https://debian-handbook.info/browse/fr-FR/stable/sect.role-of-distributions.html"
    );
    assert_contains(field(hit, "text"), "conçu de manière très modulaire");
    // The page's navigation and banner are not text.
    let all: String = env
        .hits(&["Debian", "-n", "50"])
        .iter()
        .map(|h| field(h, "text").to_owned())
        .collect();
    assert!(
        !all.contains("Précédent") && !all.contains("Download the ebook"),
        "{all}"
    );
}

#[test]
fn without_pdftotext_pdfs_are_skipped_then_read_once_it_is_there() {
    let env = Env::seed();
    env.write("rapport.pdf", pdf(&[PAGE_1, PAGE_2], &[], None));
    env.write("autre.pdf", pdf(&[PAGE_3], &[], None));
    // A PATH where every program but pdftotext and pdfinfo is found.
    let bin = env.dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let mut cmd = env.cmd();
    cmd.env("PATH", &bin).arg("index");
    let run = crate::harness::to_run(cmd.output().unwrap());
    assert_eq!(run.code, 2, "{}", run.stderr);
    let said: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("poppler-utils"))
        .collect();
    assert_eq!(
        said,
        ["nrel-search: error: pdftotext is not installed (Debian package poppler-utils): its files are skipped"]
    );
    let mut search = env.cmd();
    search.env("PATH", &bin).args(["--json", "Sotchi"]);
    let run = crate::harness::to_run(search.output().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("refreshed"), "{}", run.stderr);
    // With pdftotext back, the PDFs are read.
    let run = env.run(&["index"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_contains(&run.stdout, "2 PDFs extracted");
    assert_eq!(
        env.hits(&["transparence exercices", "--doc", "autre"])
            .len(),
        1
    );
}
