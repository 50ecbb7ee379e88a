#!/usr/bin/env bash
# Nearest neighbours at the library's size: the index's exact quantised
# scan (what `--mode semantic` runs) beside an HNSW graph per language
# (the `hnsw_rs` crate) over the same four-bit vectors, for the same
# queries: build time, memory, time a query and recall@10 against the
# exact ten nearest of each language. Prints Markdown for BENCHMARKS.md.
#
#   bash bench/hnsw.sh
#
# Uses the library index with vectors that `bash bench/semantic.sh
# --library` builds (built here when missing), and the installed model.
# The program is its own crate (bench/hnsw), so that the graph's crate is
# never part of nrel-search's build.
. "$(dirname "$0")/prologue.sh"
cargo build --release --locked -q --bins
bin=$root/target/release/nrel-search
"$bin" model info >/dev/null 2>&1 || { echo "bench/hnsw.sh: no model installed (bash bench/semantic.sh imports it)" >&2; exit 1; }
. bench/corpus.sh
library_corpus "$scratch" >&2
lib=$scratch/library-corpus
index=$scratch/library-index-vectors
if ! "$bin" --corpus "$lib" --index "$index" status >/dev/null 2>&1 || [ ! -d "$index/signs" ]; then
    "$bin" --corpus "$lib" --index "$index" index >&2
fi
(cd bench/hnsw && CARGO_TARGET_DIR=$root/target/hnsw-bench cargo build --release --locked -q)

# The library benchmark's queries, and the first 13 French and 12 English
# queries of the cross-language judgments (section titles).
queries=$scratch/hnsw-queries.txt
{ grep -v '^#' bench/queries/library.txt
    grep $'^fr-en\t' bench/relevance/xlang.tsv | cut -f2 | sed -n 1,13p
    grep $'^en-fr\t' bench/relevance/xlang.tsv | cut -f2 | sed -n 1,12p; } > "$queries"

echo "Measured $(date +%Y-%m-%d) with \`bash bench/hnsw.sh\` on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores."
echo
/usr/bin/time -f "%e %M" -o "$scratch/hnsw.time" "$root/target/hnsw-bench/release/nrel-search-hnsw-bench" "$index" "$queries"
read -r seconds kb < "$scratch/hnsw.time"
echo
echo "Whole run ${seconds} s, peak memory $((kb / 1024)) MB."
