#!/usr/bin/env python3
"""The peer of a full build: tantivy-py indexes the same files, one document
a file, with a French analyzer (simple tokenizer, lowercase, French stop
words, ASCII folding, French Snowball stemmer) on two threads.

usage: tantivy_index.py CORPUS_DIR INDEX_DIR
"""
import os
import pathlib
import shutil
import sys

import tantivy


def main(corpus, index_dir):
    shutil.rmtree(index_dir, ignore_errors=True)
    os.makedirs(index_dir)
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("french"))
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("french"))
        .build()
    )
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("path", stored=True, tokenizer_name="raw")
    builder.add_text_field("body", stored=True, tokenizer_name="fr", index_option="position")
    index = tantivy.Index(builder.build(), path=index_dir)
    index.register_tokenizer("fr", analyzer)
    writer = index.writer(heap_size=200_000_000, num_threads=2)
    for path in sorted(pathlib.Path(corpus).rglob("*")):
        if path.suffix in (".txt", ".md") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            writer.add_document(tantivy.Document(path=str(path), body=text))
    writer.commit()
    writer.wait_merging_threads()


if __name__ == "__main__":
    main(*sys.argv[1:3])
