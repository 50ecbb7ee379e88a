#!/usr/bin/env bash
# Compares what two builds of nrel-search print on the bundled corpus: the
# JSON Lines of every query of bench/queries/seed.txt, the terminal and
# citation output, filters, status, show, cite, bib and check. A refactoring
# must leave them identical.
#
#   bash bench/compare.sh OLD_BINARY NEW_BINARY
#
# Each binary builds its own index from scratch. Exit status 0 when the
# outputs are identical, 1 otherwise (the differences are printed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: bash bench/compare.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

outputs() { # BINARY DIR
    local bin=$1 out=$2 i=0 id
    mkdir -p "$out"
    export NREL_CORPUS=$PWD/corpus NREL_INDEX=$out.index
    "$bin" index --full | grep -v '([0-9.]* s)$' | sed "s|$out.index|INDEX|" > "$out/index.txt" || true
    while IFS= read -r q; do
        i=$((i + 1))
        "$bin" --no-refresh --json -n 20 "$q" > "$out/q$i.json" 2> "$out/q$i.err" || echo "exit $?" >> "$out/q$i.err"
        "$bin" --no-refresh -n 5 --color never "$q" > "$out/q$i.txt" 2>&1 || true
        "$bin" --no-refresh --cite markdown -n 3 "$q" > "$out/q$i.cite" 2>&1 || true
    done < bench/queries/seed.txt
    "$bin" --no-refresh --lang en --json Russia > "$out/lang.json" 2>&1 || true
    "$bin" --no-refresh --since 2011 --until 2021 --json OTAN > "$out/dates.json" 2>&1 || true
    "$bin" --no-refresh --source "tf1 info" --json Lavrov > "$out/source.json" 2>&1 || true
    "$bin" --no-refresh --doc tf1-2021-10-18 --json OTAN > "$out/doc.json" 2>&1 || true
    "$bin" status > "$out/status.txt" 2>&1 || true
    "$bin" bib > "$out/bib.txt" 2>&1 || true
    "$bin" bib --format csl-json > "$out/bib.json" 2>&1 || true
    id=$("$bin" --no-refresh --json -n 1 Sotchi | sed 's/^{"rank":1,"score":[0-9.e-]*,"id":"\([^"]*\)".*/\1/')
    "$bin" show "$id" --context 2 | sed "s|$PWD/||" > "$out/show.txt" 2>&1 || true
    "$bin" cite "$id" --format text > "$out/cite-text.txt" 2>&1 || true
    "$bin" cite "$id" --format bibtex > "$out/cite-bibtex.txt" 2>&1 || true
    "$bin" cite "$id" --trim Sotchi > "$out/cite-trim.txt" 2>&1 || true
    "$bin" check tests/cli/fixtures/notes.md > "$out/check.txt" 2>&1 || true
}

outputs "$1" "$scratch/old"
outputs "$2" "$scratch/new"
if diff -r "$scratch/old" "$scratch/new"; then
    echo "identical: $(find "$scratch/new" -type f | wc -l) outputs"
else
    exit 1
fi
