#!/usr/bin/env bash
# Indexing PDFs: the French TeX documentation of Debian's texlive-lang-french
# package, indexed cold (nothing extracted yet) and warm (the extracted text
# in the index's cache), beside pdftotext alone over the same files in the
# same run. Prints a Markdown table for BENCHMARKS.md.
#
#   bash bench/pdf.sh            # installs what it needs
. "$(dirname "$0")/prologue.sh"

if ! need pdftotext || ! need bc || ! [ -x /usr/bin/time ]; then
    apt-get update -qq
    apt-get install -y -qq poppler-utils time bc >/dev/null
fi
bin=${NREL_BIN:-$root/target/release/nrel-search}
[ -x "$bin" ] || cargo build --release --locked -q

corpus=$scratch/pdf-corpus
if [ ! -f "$corpus/.complete" ]; then
    rm -rf "$corpus" "$scratch/texfr/x"
    mkdir -p "$corpus" "$scratch/texfr"
    ls "$scratch"/texfr/texlive-lang-french_*.deb >/dev/null 2>&1 \
        || (cd "$scratch/texfr" && { apt-get download texlive-lang-french 2>/dev/null \
            || { apt-get update -qq && apt-get download texlive-lang-french; }; })
    dpkg-deb -x "$scratch"/texfr/texlive-lang-french_*.deb "$scratch/texfr/x"
    find "$scratch/texfr/x" -name '*.pdf' | sort | while read -r pdf; do
        cp "$pdf" "$corpus/$(basename "$(dirname "$pdf")")-$(basename "$pdf")"
    done
    touch "$corpus/.complete"
fi
files=$(find "$corpus" -name '*.pdf' | wc -l)
mb=$(du -sm "$corpus" | cut -f1)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { # COMMAND...: wall seconds of one run
    local start end
    start=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; end=$(date +%s.%N)
    echo "$end - $start" | bc
}
index=$scratch/pdf-index
export NREL_CORPUS=$corpus NREL_INDEX=$index
cold=() warm=() raw=()
for _ in 1 2 3; do
    rm -rf "$index"
    cold+=("$(seconds "$bin" index --full)")
    warm+=("$(seconds "$bin" index --full)")
    # shellcheck disable=SC2016 # expanded by the inner shell
    raw+=("$(seconds sh -c 'for f in "$0"/*.pdf; do pdftotext -enc UTF-8 -q "$f" - ; done' "$corpus")")
done
text_mb=$(for f in "$corpus"/*.pdf; do pdftotext -enc UTF-8 -q "$f" - 2>/dev/null; done | wc -c | awk '{printf "%.1f", $1/1e6}')
peak=$(rm -rf "$index"; /usr/bin/time -f '%M' "$bin" index --full 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}')
summary=$("$bin" index --full 2>/dev/null | grep ' documents, ' || true)
skipped=$("$bin" index --full 2>&1 >/dev/null | grep -c 'no text layer' || true)
c=$(printf '%s\n' "${cold[@]}" | median); w=$(printf '%s\n' "${warm[@]}" | median); r=$(printf '%s\n' "${raw[@]}" | median)
cat <<TABLE
| measure | value |
| --- | --- |
| PDFs | $files ($mb MB of PDF, $text_mb MB of text) |
| index | ${summary#*: } |
| PDFs without a text layer (figures, covers), skipped | $skipped |
| full build, cold (every PDF extracted) | $(printf '%.2f' "$c") s median of 3 |
| full build, warm (extracted text cached) | $(printf '%.2f' "$w") s median of 3 |
| pdftotext alone over the same files, one after the other | $(printf '%.2f' "$r") s median of 3 |
| cold build / pdftotext alone | $(echo "$c / $r" | bc -l | xargs printf '%.2f') |
| peak memory, cold build | $peak MB |
TABLE
