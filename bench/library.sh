#!/usr/bin/env bash
# Benchmarks nrel-search at the size of a real library and prints the
# section of BENCHMARKS.md it measures (Markdown, on standard output).
#
#   bash bench/library.sh
#
# The library corpus (bench/corpus.sh) has more than 20,000 files and 100 MB
# of French and English prose from Debian documentation packages. Timed as
# whole processes with hyperfine, each beside its peer in the same run:
# searches beside ripgrep over the same files, the full build beside
# tantivy-py indexing the same text with a French analyzer
# (bench/peers/tantivy_index.py). The freshness check alone is timed at
# 1,000 and 5,000 files of the same corpus and at its whole size. Then a
# corpus of 1 GB (the library seven times over, hard-linked): full build,
# peak memory, an interrupted build resumed, searches.
. "$(dirname "$0")/prologue.sh"

if ! need hyperfine || ! need rg || ! [ -x /usr/bin/time ] || ! need groff; then
    apt-get update -qq
    apt-get install -y -qq hyperfine ripgrep time groff-base >/dev/null
fi
python3 -c 'import tantivy' 2>/dev/null || pip install -q tantivy==0.27.0 >&2

cargo build --release --locked -q
bin=$root/target/release/nrel-search

. bench/corpus.sh
library_corpus "$scratch" >&2
# Words only: passage vectors (bench/semantic.sh) would be made by every
# build here if a sentence encoder were installed.
export NREL_MODEL_DIR=$scratch/no-model
mkdir -p "$NREL_MODEL_DIR"

results=$scratch/library-results
rm -rf "$results"
mkdir -p "$results"
med() { # JSON [INDEX]: median and worst run of a hyperfine result, ms
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; t=sorted(r["times"]); print("%.1f ms median, %.1f ms worst" % (t[len(t)//2]*1000, t[-1]*1000))' "$1" "${2:-0}"
}
median_ms() { # JSON [INDEX]
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]; t=sorted(r["times"]); print("%.1f" % (t[len(t)//2]*1000))' "$1" "${2:-0}"
}
ratio() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
peak_mb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'; }
files() { find "$1" -type f \( -name '*.txt' -o -name '*.md' \) | wc -l; }
# Hard links counted each time (the 1 GB corpus is the library linked seven times).
bytes() { find "$1" -type f \( -name '*.txt' -o -name '*.md' \) -print0 | du -cbl --files0-from=- | tail -1 | cut -f1; }

# --- the freshness check alone, by size ----------------------------------------
subset() { # N: the first N files of the library, hard-linked
    local dest=$scratch/library-$1
    if [ ! -f "$dest/.complete" ]; then
        rm -rf "$dest"
        (cd "$library" && find . -type f \( -name '*.txt' -o -name '*.md' \) | sort | awk -v n="$1" 'NR <= n' \
            | cpio -pdl --quiet "$dest")
        touch "$dest/.complete"
    fi
    echo "$dest"
}
need cpio || { apt-get update -qq && apt-get install -y -qq cpio >/dev/null; }
check_rows=()
for n in 1000 5000 all; do
    if [ "$n" = all ]; then corpus=$library; else corpus=$(subset "$n"); fi
    export NREL_CORPUS=$corpus NREL_INDEX=$scratch/library-index-$n
    # A corpus is not written in the seconds before it is indexed: times
    # that close to the walk are checked by content (the racy window).
    sleep 4
    rm -rf "$NREL_INDEX"
    "$bin" index >/dev/null 2>&1
    hyperfine -N -w 3 -r 30 --export-json "$results/check-$n.json" "$bin status" >/dev/null
    check_rows+=("| $(files "$corpus") | $(med "$results/check-$n.json") |")
done

# --- the library: searches beside ripgrep ------------------------------------------
export NREL_CORPUS=$library NREL_INDEX=$scratch/library-index-all
queries=("sauvegarde des données" "gestionnaire de paquets" "package manager" "kernel module" "feuille de calcul")
search=() norefresh=() grep=()
for q in "${queries[@]}"; do
    search+=("$bin -n 10 '$q'")
    norefresh+=("$bin --no-refresh -n 10 '$q'")
    grep+=("rg -i -l -F '$q' $library")
done
hyperfine -N -w 3 -r 20 -i --export-json "$results/search.json" "${search[@]}" >/dev/null
hyperfine -N -w 3 -r 20 -i --export-json "$results/norefresh.json" "${norefresh[@]}" >/dev/null
hyperfine -N -w 3 -r 20 -i --export-json "$results/rg.json" "${grep[@]}" >/dev/null
id=$("$bin" --json -n 1 "gestionnaire de paquets" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
hyperfine -N -w 3 -r 20 --export-json "$results/show.json" "$bin show $id" >/dev/null
hyperfine -N -w 3 -r 20 --export-json "$results/status.json" "$bin status" >/dev/null
all_median() { # JSON: median over all commands of a run
    python3 -c 'import json,sys; t=sorted(x for r in json.load(open(sys.argv[1]))["results"] for x in r["times"]); print("%.1f" % (t[len(t)//2]*1000))' "$1"
}
s=$(all_median "$results/search.json"); n=$(all_median "$results/norefresh.json"); g=$(all_median "$results/rg.json")

# With a running watch, searches ask it instead of checking the corpus.
with_watch() { # NAME COMMAND...: hyperfine while a watch runs
    local name=$1; shift
    "$bin" watch > "$scratch/watch.out" 2>&1 &
    local watcher=$!
    for _ in $(seq 100); do grep -q '^watching' "$scratch/watch.out" && break; sleep 0.2; done
    hyperfine -N -w 3 -r 20 -i --export-json "$results/$name.json" "$@" >/dev/null
    kill "$watcher"; wait "$watcher" 2>/dev/null || true
}
with_watch watched "${search[@]}"
w=$(all_median "$results/watched.json")

# --- one changed file, and a search right after an edit ----------------------------
target=$(find "$library" -type f -name '*.md' | sort | awk 'NR == 1')
cp "$target" "$scratch/library-saved"
hyperfine -N -w 1 -r 10 \
    --prepare "sh -c 'echo \"Ligne ajoutée \$\$.\" >> $target'" \
    --export-json "$results/one-change.json" "$bin index" >/dev/null
hyperfine -N -w 1 -r 10 \
    --prepare "sh -c 'echo \"Ligne ajoutée \$\$.\" >> $target'" \
    --export-json "$results/after-edit.json" "$bin -n 10 'gestionnaire de paquets'" >/dev/null
cp "$scratch/library-saved" "$target"
"$bin" index >/dev/null 2>&1

# --- full build beside tantivy-py ----------------------------------------------------
export NREL_INDEX=$scratch/library-build
hyperfine -N -w 0 -r 3 --export-json "$results/build.json" \
    "$bin index --full" \
    "python3 bench/peers/tantivy_index.py $library $scratch/library-tantivy-py" >/dev/null
peak=$(peak_mb "$bin" index --full)
peer_peak=$(peak_mb python3 bench/peers/tantivy_index.py "$library" "$scratch/library-tantivy-py")
size=$(du -sm "$NREL_INDEX" | cut -f1)
peer_size=$(du -sm "$scratch/library-tantivy-py" | cut -f1)
b=$(median_ms "$results/build.json" 0); p=$(median_ms "$results/build.json" 1)
one=$(median_ms "$results/one-change.json")
summary=$("$bin" status 2>/dev/null | sed -n 1p || true)

# --- 1 GB -------------------------------------------------------------------------
giga=$scratch/giga-corpus
if [ ! -f "$giga/.complete" ]; then
    rm -rf "$giga"; mkdir -p "$giga"
    for i in 1 2 3 4 5 6 7; do cp -al "$library" "$giga/copy-$i"; done
    touch "$giga/.complete"
fi
export NREL_CORPUS=$giga NREL_INDEX=$scratch/giga-index
sleep 4
rm -rf "$NREL_INDEX"
/usr/bin/time -o "$scratch/giga-build.time" -f '%e %M' "$bin" index >/dev/null 2>&1
read -r giga_s giga_kb < "$scratch/giga-build.time"
giga_size=$(du -sm "$NREL_INDEX" | cut -f1)
# Interrupted at half its time, then resumed.
rm -rf "$NREL_INDEX"
half=$(python3 -c "print(float('$giga_s') / 2)")
timeout -s KILL "$half" "$bin" index >/dev/null 2>&1 || true
/usr/bin/time -o "$scratch/giga-resume.time" -f '%e' "$bin" index > "$scratch/giga-resume.out" 2>/dev/null
resumed="$(grep -m1 ' added' "$scratch/giga-resume.out" | sed 's/ (.*//'), $(cat "$scratch/giga-resume.time") s"
hyperfine -N -w 3 -r 20 -i --export-json "$results/giga-search.json" "${search[@]}" >/dev/null
hyperfine -N -w 3 -r 20 -i --export-json "$results/giga-norefresh.json" "${norefresh[@]}" >/dev/null
hyperfine -N -w 3 -r 20 --export-json "$results/giga-status.json" "$bin status" >/dev/null
with_watch giga-watched "${search[@]}"
giga_files=$(files "$giga"); giga_mb=$(( $(bytes "$giga") / 1000000 ))

cat <<TABLE
Measured $(date -I) with \`bash bench/library.sh\` on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(files "$library") files, $(( $(bytes "$library") / 1000000 )) MB of text ($summary). Whole processes, index in the page cache; each figure beside its peer from the same run.

| measure | nrel-search | peer, same run | ratio |
| --- | --- | --- | --- |
| search, 5 queries (freshness checked) | $s ms median | \`rg -i -l -F\`: $g ms | $(ratio "$g" "$s")× faster than rg |
| search, \`--no-refresh\` (directories checked, not each file) | $n ms median | | $(ratio "$g" "$n")× faster than rg |
| search while \`watch\` runs (it vouches for the index) | $w ms median | | $(ratio "$g" "$w")× faster than rg |
| \`status\` | $(med "$results/status.json") | | |
| \`show ID\` | $(med "$results/show.json") | | |
| one file changed, \`index\` | $(med "$results/one-change.json") | | $(python3 -c "print('%.2f' % (100 * $one / $b))") % of a full build |
| search right after an edit (refreshes first) | $(med "$results/after-edit.json") | | |
| full build | $(python3 -c "print('%.1f' % ($b / 1000))") s | tantivy-py, French analyzer, 2 threads: $(python3 -c "print('%.1f' % ($p / 1000))") s | $(ratio "$b" "$p")× its time |
| peak memory, full build | $peak MB | $peer_peak MB | |
| index size | $size MB | $peer_size MB | |

The freshness check alone (\`status\`, nothing changed), by corpus size:

| files | \`status\` |
| --- | --- |
$(printf '%s\n' "${check_rows[@]}")

On $giga_files files, $giga_mb MB of text (the library seven times over):

| measure | nrel-search |
| --- | --- |
| full build, one run | $giga_s s, peak memory $(( giga_kb / 1024 )) MB, index $giga_size MB |
| killed at half that time, then \`index\` | $resumed |
| search, 5 queries (freshness checked) | $(all_median "$results/giga-search.json") ms median |
| search, \`--no-refresh\` | $(all_median "$results/giga-norefresh.json") ms median |
| \`status\` | $(med "$results/giga-status.json") |
| search while \`watch\` runs | $(all_median "$results/giga-watched.json") ms median |
TABLE
