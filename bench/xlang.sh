#!/usr/bin/env bash
# The cross-language dev set: does a French query find the English page, and
# an English query the French one?
#
#   bash bench/xlang.sh [EVAL OPTIONS] [-- SEARCH OPTIONS]
#   NREL_BIN=path/to/nrel-search bash bench/xlang.sh --show-misses
#
# Debian documentation translated section by section (the Debian
# Administrator's Handbook, the Debian Reference, the Debian FAQ, the New
# Maintainers' Guide, the Developer's Reference), cut into one text file a
# section, both languages in one corpus (bench/relevance/xlang.py): about
# 1,200 pairs, 2,400 documents. The judgments, bench/relevance/xlang.tsv,
# take the title of a section in one language as the query and the same
# section in the other language as its one relevant document, 400 pairs each
# way. The section in the query's own language is in the corpus too and
# comes first when it should, which caps the first figures at 0.5 (MRR@10)
# and 0.631 (nDCG@10); the second figures search the target's language alone
# (--lang). EVAL OPTIONS (--json, --show-misses) and SEARCH OPTIONS go to
# bench/relevance/eval.py, for both.
set -euo pipefail
trap 'echo "bench/xlang.sh: failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."
root=$PWD
bin=${NREL_BIN:-$root/target/release/nrel-search}
dir=$root/bench/scratch/xlang
judgments=bench/relevance/xlang.tsv
PACKAGES="debian-handbook debian-reference-en debian-reference-fr debian-faq debian-faq-fr
maint-guide maint-guide-fr developers-reference developers-reference-fr"
[ -x "$bin" ] || { echo "bench/xlang.sh: no binary at $bin (cargo build --release, or NREL_BIN)" >&2; exit 2; }
since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
start=$(date +%s.%N)

# --- the corpus, assembled again when the packages or the cutting change ----
stamp=$(echo "$PACKAGES" | cat - bench/relevance/xlang.py | sha1sum | cut -c1-12)
if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$stamp" ]; then
    echo "== assembling the cross-language corpus from Debian documentation packages" >&2
    rm -rf "$dir"
    mkdir -p "$dir/debs"
    # shellcheck disable=SC2086
    (cd "$dir/debs" && { apt-get download $PACKAGES 2>/dev/null \
        || { apt-get update -qq && apt-get download $PACKAGES; }; }) >/dev/null
    for deb in "$dir"/debs/*.deb; do dpkg-deb -x "$deb" "$dir/debs/x"; done
    python3 bench/relevance/xlang.py corpus "$dir/debs/x" "$dir/corpus" "$dir/pairs.tsv"
    rm -rf "$dir/debs"
    echo "$stamp" > "$dir/.complete"
fi

# --- the judgments, with the document keys nrel-search gives the files --------
rm -rf "$dir/index"
where=(--corpus "$dir/corpus" --index "$dir/index")
index_start=$(date +%s.%N)
"$bin" "${where[@]}" index >/dev/null 2>&1
index_s=$(since "$index_start")
"$bin" "${where[@]}" bib > "$dir/bib.txt"
python3 bench/relevance/xlang.py judgments "$dir/pairs.tsv" "$dir/bib.txt" 400 > "$judgments"

# --- the figures ---------------------------------------------------------------
eval_opts=() search_opts=()
while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then shift; search_opts=("$@"); break; fi
    eval_opts+=("$1"); shift
done
documents=$(find "$dir/corpus" -type f | wc -l)
echo "== $documents documents (index built in ${index_s} s), $(grep -c $'^fr-en\t' "$judgments") queries each way"
echo "== both languages searched"
python3 bench/relevance/eval.py --bin "$bin" "${where[@]}" "${eval_opts[@]}" "$judgments" -- "${search_opts[@]}"
echo "== the target's language alone"
for way in fr-en:en en-fr:fr; do
    grep $'^'"${way%:*}"$'\t' "$judgments" > "$dir/${way%:*}.tsv"
    python3 bench/relevance/eval.py --bin "$bin" "${where[@]}" "${eval_opts[@]}" "$dir/${way%:*}.tsv" \
        -- --lang "${way#*:}" "${search_opts[@]}"
done
echo "== $(since "$start") s in all"
