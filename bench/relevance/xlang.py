#!/usr/bin/env python3
"""The cross-language dev set of bench/xlang.sh: Debian documentation that
exists in French and in English, cut into one text file a section and paired
across the languages by the section's anchor, which the translations keep.

  xlang.py corpus ROOT CORPUS PAIRS   # ROOT: the unpacked packages
  xlang.py judgments PAIRS BIBTEX CAP > xlang.tsv

`corpus` writes CORPUS/en/SOURCE-ANCHOR.txt and CORPUS/fr/SOURCE-ANCHOR.txt
for every section found in both languages with some text on both sides
(headings as Markdown lines, paragraphs separated by blank lines, navigation
and tables of contents left out), and PAIRS, one line a pair: source, anchor,
both files, both titles, and whether the pair may be a query. `judgments`
reads the document keys nrel-search gave the files (its `bib` export) and
writes one fr-en line (French title, English key) and one en-fr line
(English title, French key) for each of the first CAP pairs that may be
queries, in an order fixed by a hash of their anchors.
"""
import hashlib
import html.parser
import pathlib
import re
import sys

# source: (English pages, French pages), globs under ROOT.
SOURCES = {
    "handbook": ("usr/share/doc/debian-handbook/html/en-US/*.html",
                 "usr/share/doc/debian-handbook/html/fr-FR/*.html"),
    "reference": ("usr/share/debian-reference/*.en.html", "usr/share/debian-reference/*.fr.html"),
    "faq": ("usr/share/doc/debian/FAQ/*.en.html", "usr/share/doc/debian/FAQ/fr/*.fr.html"),
    "maint-guide": ("usr/share/doc/maint-guide/html/*.en.html",
                    "usr/share/doc/maint-guide-fr/html/*.fr.html"),
    "devref": ("usr/share/developers-reference/*.html", "usr/share/developers-reference/fr/*.html"),
}
# GIMP's help (gimp-help-en, gimp-help-fr) pairs the same way, 860 pairs more:
#   "gimp": ("usr/share/gimp/2.0/help/en/*.html", "usr/share/gimp/2.0/help/fr/*.html"),
MIN_TEXT = 200  # characters of text below the heading, on both sides

BLOCKS = {"p", "div", "section", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th",
          "blockquote", "caption", "figcaption", "pre", "br", "hr"}
SKIP_TAGS = {"script", "style", "head", "nav", "noscript", "button"}
SKIP_CLASSES = {"navheader", "navfooter", "docnav", "toc", "list-of-tables", "list-of-figures",
                "list-of-examples", "sphinxsidebar", "related", "footer", "headerlink", "banner"}
CODE_TAGS = {"code", "tt", "kbd", "samp", "var"}
CODE_CLASSES = {"command", "filename", "option", "literal", "userinput", "computeroutput",
                "systemitem", "package", "varname", "envar", "replaceable"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Anchors a tool made up (DocBook's id-1.2.3 and idm123, Sphinx's id4): no
# section of their own, their text stays in the enclosing one.
GENERATED = re.compile(r"^(id[-m]?[0-9][0-9.]*|idp?[0-9]+|ftn\..*)$")
NUMBERING = re.compile(r"^((Chapter|Chapitre|Appendix|Annexe|Part|Partie)\s+[0-9A-Z]+\.?\s*[:.]?\s*"
                       r"|([0-9A-Z]{1,2}\.)*[0-9]+\.?\s+|[A-Z]\.\s+)")


class Page(html.parser.HTMLParser):
    """The sections of one page, each from a heading with a real anchor to the next."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = []  # dicts: anchor, heading, prose (heading words outside code), blocks
        self.buf, self.prose = [], []
        self.skip = None  # [tag, depth] of the element left out
        self.pre = 0
        self.code = []  # tags that opened a code element, innermost last
        self.heading = None  # level of the heading being read
        self.heading_id = None
        self.pending = None  # first id met since the last text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if self.skip:
            if tag == self.skip[0] and tag not in VOID:
                self.skip[1] += 1
            return
        if tag in SKIP_TAGS or classes & SKIP_CLASSES:
            if tag not in VOID:
                self.skip = [tag, 1]
            return
        ident = attrs.get("id") or (attrs.get("name") if tag == "a" else None)
        if re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.heading, self.heading_id = int(tag[1]), ident
        elif self.heading and ident and not self.heading_id:
            self.heading_id = ident
        elif ident and not self.pending:
            self.pending = ident
        if tag in CODE_TAGS or classes & CODE_CLASSES:
            self.code.append(tag)
        if tag in BLOCKS and not self.heading:
            self.flush()
        if tag == "pre":
            self.pre += 1
        if tag in VOID:
            self.handle_endtag(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skip:
            if tag == self.skip[0]:
                self.skip[1] -= 1
                if not self.skip[1]:
                    self.skip = None
            return
        if self.code and self.code[-1] == tag:
            self.code.pop()
        if tag == "pre":
            self.flush()
            self.pre = max(0, self.pre - 1)
        elif re.fullmatch(r"h[1-6]", tag) and self.heading:
            self.flush()
        elif tag in BLOCKS and not self.heading:
            self.flush()

    def handle_data(self, data):
        if self.skip:
            return
        self.buf.append(data)
        if self.heading and not self.code:
            self.prose.append(data)

    def flush(self):
        raw, self.buf = "".join(self.buf), []
        prose, self.prose = " ".join("".join(self.prose).split()), []
        if self.pre and not self.heading:
            lines = [line.rstrip() for line in raw.strip("\n").split("\n")]
            text = "\n".join(line for line in lines if line.strip())
        else:
            text = " ".join(raw.split())
        level, anchor = self.heading, self.heading_id or self.pending
        self.heading = self.heading_id = None
        if not text:
            return
        self.pending = None
        if level and anchor and not GENERATED.match(anchor):
            self.sections.append({"anchor": anchor, "level": level, "heading": text,
                                  "prose": prose, "blocks": []})
        elif self.sections:
            section = self.sections[-1]
            if level:
                text = "#" * max(2, level - section["level"] + 1) + " " + text
            section["blocks"].append(text)


def title(heading):
    """A heading without its number: "6.2.1. Initialisation" -> "Initialisation"."""
    rest = NUMBERING.sub("", heading, count=1).strip()
    return rest or heading


def sections(root, pattern):
    """Anchor -> section, over the pages of one language (the first page wins)."""
    found = {}
    for page in sorted(root.glob(pattern)):
        parser = Page()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        parser.close()
        parser.flush()
        for section in parser.sections:
            found.setdefault(section["anchor"], section)
    return found


def body(section):
    return sum(len(b) for b in section["blocks"] if not b.startswith("#"))


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


ENGLISH = set("the and of to is are in that this with for you be it can by as".split())
FRENCH = set("le la les de des et est sont dans que qui une un pour vous avec sur du au".split())


def french(blocks):
    """The share of the text of paragraphs (not headings nor code) that is French."""
    total = fr = 0
    for block in blocks:
        if block.startswith("#") or "\n" in block:
            continue
        words = re.findall(r"[^\W\d_]+", block.lower())
        en, f = sum(w in ENGLISH for w in words), sum(w in FRENCH for w in words)
        if en + f >= 3:
            total += len(block)
            fr += len(block) if f >= en else 0
    return fr / total if total else 1.0


def may_query(en, fr):
    """Both titles of two words or more, with a word besides command and file
    names, not the same in both languages, and the French page translated
    (some are English still, in part or in whole)."""
    te, tf = title(en["heading"]), title(fr["heading"])
    if te.casefold() == tf.casefold():
        return False
    for t, section in ((te, en), (tf, fr)):
        words = [w for w in title(section["prose"]).split() if not re.search(r"\w[-./_]\w", w)]
        if len(t.split()) < 2 or not any(re.search(r"[^\W\d_]{4}", w) for w in words):
            return False
    return french(fr["blocks"]) >= 0.8


def corpus(root, dest, pairs_path):
    root, dest = pathlib.Path(root), pathlib.Path(dest)
    rows, names = [], set()
    for source, (en_glob, fr_glob) in SOURCES.items():
        en, fr = sections(root, en_glob), sections(root, fr_glob)
        count = 0
        for anchor in sorted(en.keys() & fr.keys()):
            e, f = en[anchor], fr[anchor]
            name = f"{source}-{slug(anchor)}"
            if body(e) < MIN_TEXT or body(f) < MIN_TEXT or name in names:
                continue
            names.add(name)
            for lang, section in (("en", e), ("fr", f)):
                out = dest / lang / f"{name}.txt"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text("\n\n".join(["# " + section["heading"]] + section["blocks"]) + "\n",
                               encoding="utf-8")
            rows.append([source, anchor, f"en/{name}.txt", f"fr/{name}.txt",
                         title(e["heading"]), title(f["heading"]), "1" if may_query(e, f) else "0"])
            count += 1
        print(f"{source}: {len(en)} English and {len(fr)} French sections, {count} pairs",
              file=sys.stderr)
    with open(pairs_path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write("\t".join(" ".join(c.split()) for c in row) + "\n")


def query(text):
    """A title as a plain query: no quotes, and no word read as +required or -excluded."""
    return " ".join(w.lstrip("+-") for w in text.replace('"', " ").split() if w.strip("+-"))


def judgments(pairs_path, bibtex, cap):
    keys, key = {}, None
    for line in open(bibtex, encoding="utf-8"):
        m = re.match(r"@\w+\{(.+),\s*$", line)
        if m:
            key = m.group(1)
        m = re.search(r"corpus file (.+?)\},?\s*$", line)
        if m and key:
            keys[m.group(1)] = key
    rows = [line.rstrip("\n").split("\t") for line in open(pairs_path, encoding="utf-8")]
    rows = [r for r in rows if r[6] == "1"]
    # A title that two pairs share (in either language) names neither.
    for lang in (4, 5):
        seen = {}
        for r in rows:
            seen[r[lang].casefold()] = seen.get(r[lang].casefold(), 0) + 1
        rows = [r for r in rows if seen[r[lang].casefold()] == 1]
    # A section nrel-search made no passage of cannot be found.
    unknown = [p for r in rows for p in r[2:4] if p not in keys]
    if unknown:
        print(f"xlang.py: no passage of {' '.join(unknown)}: left out", file=sys.stderr)
    rows = [r for r in rows if r[2] in keys and r[3] in keys]
    rows.sort(key=lambda r: hashlib.sha1(f"{r[0]}/{r[1]}".encode()).hexdigest())
    rows = rows[:cap]
    print("# Cross-language judgments written by bench/xlang.sh: the title of a section in one")
    print("# language, and the same section in the other language as its one relevant document.")
    for r in rows:
        print(f"fr-en\t{query(r[5])}\t{keys[r[2]]}=1")
    for r in rows:
        print(f"en-fr\t{query(r[4])}\t{keys[r[3]]}=1")
    print(f"{len(rows)} pairs judged, each way", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "corpus":
        corpus(*sys.argv[2:5])
    elif len(sys.argv) == 5 and sys.argv[1] == "judgments":
        judgments(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
