#!/usr/bin/env python3
"""Turns HTML (and Mallard help) pages into Markdown-ish text: headings as `#`
lines, paragraphs and list items separated by blank lines, navigation and
code blocks left out. Pages are found recursively; the text of SRC/a/b.html
goes to DEST/a/b.md. Pages with less than 200 characters of text are left
out.

usage: html2text.py SRC_DIR DEST_DIR
"""
import html.parser
import pathlib
import sys

BLOCKS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "td", "th", "title", "item", "section"}
SKIP = {"script", "style", "pre", "head", "code", "screen", "info"}


class Extract(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.buf, self.skip, self.nav = [], [], 0, 0
        self.heading = None

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag in SKIP:
            self.skip += 1
        if tag == "div" and (self.nav or "navheader" in cls or "navfooter" in cls):
            self.nav += 1
        if tag in BLOCKS:
            self.flush()
            if tag[0] == "h" and tag[1:].isdigit():
                self.heading = int(tag[1:])

    def handle_endtag(self, tag):
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        if tag == "div" and self.nav:
            self.nav -= 1
        if tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skip and not self.nav:
            self.buf.append(data)

    def flush(self):
        text = " ".join("".join(self.buf).split())
        self.buf = []
        if text:
            prefix = "#" * self.heading + " " if self.heading else ""
            self.out.append(prefix + text)
        self.heading = None


def main(src, dest):
    dest = pathlib.Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    src = pathlib.Path(src)
    pages = [p for p in src.rglob("*") if p.suffix in (".html", ".htm", ".xhtml", ".page") and p.is_file()]
    for page in sorted(pages):
        parser = Extract()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        parser.flush()
        text = "\n\n".join(parser.out).strip()
        if len(text) > 200:
            out = dest / page.relative_to(src).with_suffix(".md")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
