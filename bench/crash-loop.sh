#!/usr/bin/env bash
# Crash-safety check of indexing: kills nrel-search with SIGKILL at random
# moments while it indexes, and checks that every interrupted index still
# answers, and that the index recovers to the state of a clean build.
#
#   bash bench/crash-loop.sh           # installs what it needs
#
# Environment:
#   NREL_BIN     the release binary (default target/release/nrel-search,
#                built if absent)
#   CRASH_RUNS   interrupted runs (50)
#   CRASH_FILES  files in the corpus (2000)
#   CRASH_SEED   seed of the random choices (random; printed)
#
# The corpus is about 2,000 files of French and English prose taken from the
# larger corpus of bench/run.sh (Debian documentation packages; assembled
# here the same way if it is not there yet). A first full build measures
# how long a build takes; then each run, `index --full` one time in three
# and `index` otherwise (after a mutation of the corpus: lines appended to a
# few files, one file deleted, one added, one copied, one renamed), is
# killed with `kill -9` after a random delay of up to about the measured
# duration of that kind of run. After each kill, a search (`--no-refresh`)
# and `status` must answer (exit 0 or 1, never 2 or a signal), and the next
# run must be able to start. At the end `index` runs to completion, and the
# recovered index must be up to date and give the same document and passage
# counts, the same bibliography and the same search results as a clean
# build of the same corpus in another index directory.
#
# The summary is printed and written to bench/work/crash-loop.txt; the exit
# status is 1 when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/bench/work
mkdir -p "$work"
started=$EPOCHREALTIME

runs=${CRASH_RUNS:-50}
nfiles=${CRASH_FILES:-2000}
seed=${CRASH_SEED:-$(( $(date +%s%N) % 1000000 ))}
RANDOM=$seed

need() { command -v "$1" >/dev/null 2>&1; }

bin=${NREL_BIN:-$root/target/release/nrel-search}
if [ ! -x "$bin" ]; then
    echo "== building the release binary"
    cargo build --release --locked -q
    bin=$root/target/release/nrel-search
fi

# --- the larger corpus (as bench/run.sh assembles it) -------------------------
large=$work/large-corpus
if [ ! -f "$large/.complete" ]; then
    if ! need groff || ! need python3 || ! need dpkg-deb; then
        apt-get update -qq
        apt-get install -y -qq groff-base python3 dpkg >/dev/null
    fi
    echo "== assembling the larger corpus from Debian documentation packages"
    rm -rf "$large" "$work/debs"
    mkdir -p "$work/debs" "$large"
    (cd "$work/debs" && { apt-get download debian-handbook manpages manpages-fr 2>/dev/null \
        || { apt-get update -qq && apt-get download debian-handbook manpages manpages-fr; }; })
    for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/debs/x"; done
    handbook=$work/debs/x/usr/share/doc/debian-handbook/html
    python3 bench/html2text.py "$handbook/fr-FR" "$large/handbook-fr"
    python3 bench/html2text.py "$handbook/en-US" "$large/handbook-en"
    man_to_text() { # SRC_DIR DEST_DIR
        mkdir -p "$2"
        find "$1" -name '*.gz' | sort | while read -r page; do
            name=$(basename "$page" .gz)
            zcat "$page" | groff -k -mandoc -Tutf8 -P-cbou 2>/dev/null > "$2/$name.txt" || true
            [ -s "$2/$name.txt" ] || rm -f "$2/$name.txt"
        done
    }
    man_to_text "$work/debs/x/usr/share/man/fr" "$large/man-fr"
    find "$work/debs/x/usr/share/man" -path '*/man/fr' -prune -o -name '*.gz' -print | sort | while read -r page; do
        mkdir -p "$large/man-en"
        zcat "$page" | groff -k -mandoc -Tutf8 -P-cbou 2>/dev/null > "$large/man-en/$(basename "$page" .gz).txt" || true
    done
    find "$large" -type f -empty -delete
    touch "$large/.complete"
fi

# --- the crash corpus: CRASH_FILES files of it, evenly spread -------------------
crash=$work/crash-corpus
index=$work/crash-index
clean=$work/crash-clean-index
logs=$work/crash-logs
rm -rf "$crash" "$index" "$clean" "$logs"
mkdir -p "$crash" "$logs"
(cd "$large" && find . -type f \( -name '*.txt' -o -name '*.md' \) | sed 's|^\./||' | sort) > "$logs/all.txt"
total=$(wc -l < "$logs/all.txt")
awk -v n="$nfiles" -v t="$total" 'int(NR * n / t) != int((NR - 1) * n / t)' "$logs/all.txt" > "$logs/chosen.txt"
grep -vxF -f "$logs/chosen.txt" "$logs/all.txt" > "$logs/pool.txt" || true
(cd "$large" && xargs -d '\n' cp --parents -t "$crash" < "$logs/chosen.txt")
mapfile -t pool < "$logs/pool.txt"
pooled=0
export NREL_CORPUS=$crash NREL_INDEX=$index

corpus_files() { find "$crash" -type f \( -name '*.txt' -o -name '*.md' \) | wc -l; }
ms() { local t=${1//[.,]/}; echo $(( ${t:0:-3} )); }   # EPOCHREALTIME → ms
elapsed_ms() { echo $(( $(ms "$EPOCHREALTIME") - $(ms "$1") )); }
seconds() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }
counts() { sed -n 's/.*: \([0-9]* documents*, [0-9]* passages*\) (analysed.*/\1/p' "$1"; }

# Lines appended to a few files, one file deleted, one added from the rest
# of the larger corpus, one copied under a new name, one renamed.
mutate() { # RUN
    local run=$1 files n i f
    mapfile -t files < <(find "$crash" -type f \( -name '*.txt' -o -name '*.md' \) | sort)
    n=${#files[@]}
    for i in 1 2 3; do
        f=${files[RANDOM % n]}
        if [ -f "$f" ]; then
            printf '\nLigne ajoutée au tour %d. Line added in run %d.\n' "$run" "$run" >> "$f"
        fi
    done
    f=${files[RANDOM % n]}
    rm -f "$f"
    if (( pooled < ${#pool[@]} )); then
        f=${pool[pooled]}
        pooled=$((pooled + 1))
        mkdir -p "$crash/$(dirname "$f")"
        cp "$large/$f" "$crash/${f%.*}-a$run.${f##*.}"
    fi
    f=${files[RANDOM % n]}
    if [ -f "$f" ]; then cp "$f" "${f%.*}-c$run.${f##*.}"; fi
    f=${files[RANDOM % n]}
    if [ -f "$f" ]; then mv "$f" "${f%.*}-r$run.${f##*.}"; fi
}

# The index directory's files, locks aside: names, sizes, times.
listing() { find "$index" -maxdepth 1 -type f ! -name '*.lock' -printf '%f %s %T@\n' 2>/dev/null | sort; }
meta() { cksum < "$index/meta.json" 2>/dev/null || echo none; }

queries=(
    "gestionnaire de paquets" "package manager" "configuration du réseau"
    "kernel module" "système de fichiers" "file system" "mot de passe"
    "password" "serveur web" "web server" "pare-feu" "firewall"
    "sauvegarde des données" "backup" "mémoire partagée" "shared memory"
    '"standard input"' "processus fils" "signal handler" "variable d'environnement"
)

failures=()
fail() { failures+=("$*"); echo "   FAILURE: $*"; }

# A command that must answer: exit 0 or 1, no panic.
answers() { # WHAT LOG COMMAND...
    local what=$1 log=$2 rc=0
    shift 2
    "$@" > "$log" 2>&1 || rc=$?
    if (( rc > 1 )) || grep -q 'panicked' "$log"; then
        fail "$what exited $rc: $(head -3 "$log" | tr '\n' ' ')"
    fi
    return 0
}

# --- the measures -------------------------------------------------------------
echo "== crash corpus: $(corpus_files) files, $(du -sh "$crash" | cut -f1), seed $seed"
t0=$EPOCHREALTIME
"$bin" index --full > "$logs/first.txt"
full_ms=$(elapsed_ms "$t0")
mutate 0
t0=$EPOCHREALTIME
"$bin" index > "$logs/measure-incremental.txt"
incr_ms=$(elapsed_ms "$t0")
echo "   full build $(seconds "$full_ms") s ($(counts "$logs/first.txt")), incremental update $(seconds "$incr_ms") s"

# --- the loop -------------------------------------------------------------------
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; true' EXIT
n_full=0 n_incr=0 landed=0 before_write=0 mid_write=0 after_commit=0 finished=0
for run in $(seq 1 "$runs"); do
    if (( run % 3 == 1 )); then
        mode=full args=(index --full) span=$full_ms n_full=$((n_full + 1))
    else
        mode=incremental args=(index) span=$incr_ms n_incr=$((n_incr + 1))
        mutate "$run"
    fi
    delay=$(( (RANDOM * 32768 + RANDOM) % (span * 11 / 10 + 1) ))
    before=$(listing)
    before_meta=$(meta)
    "$bin" "${args[@]}" > "$logs/run-$run.txt" 2>&1 &
    pid=$!
    sleep "$(seconds "$delay")"
    kill -9 "$pid" 2>/dev/null || true
    rc=0
    wait "$pid" || rc=$?
    pid=
    if (( rc == 137 )); then
        landed=$((landed + 1))
        if [ "$(meta)" != "$before_meta" ]; then
            what="killed after its commit" after_commit=$((after_commit + 1))
        elif [ "$(listing)" != "$before" ]; then
            what="killed mid-write" mid_write=$((mid_write + 1))
        else
            what="killed before writing" before_write=$((before_write + 1))
        fi
    elif (( rc == 0 )); then
        what="finished before the kill" finished=$((finished + 1))
    else
        what="exited $rc"
        fail "run $run ($mode) exited $rc: $(head -3 "$logs/run-$run.txt" | tr '\n' ' ')"
    fi
    q=${queries[RANDOM % ${#queries[@]}]}
    answers "run $run: search '$q'" "$logs/search-$run.txt" "$bin" --no-refresh -n 3 "$q"
    answers "run $run: status" "$logs/status-$run.txt" "$bin" status
    printf '%3d %-11s kill after %6s s: %-25s | %s\n' "$run" "$mode" "$(seconds "$delay")" "$what" \
        "$(head -1 "$logs/status-$run.txt")"
done

# --- recovery, and the comparison with a clean build -----------------------------
echo "== recovery"
final=same
"$bin" index > "$logs/recover.txt" 2>&1 || fail "the recovering index exited $?: $(head -3 "$logs/recover.txt" | tr '\n' ' ')"
NREL_INDEX=$clean "$bin" index --full > "$logs/clean.txt" 2>&1 || fail "the clean build exited $?"
recovered_counts=$(counts "$logs/recover.txt")
clean_counts=$(counts "$logs/clean.txt")
echo "   recovered: ${recovered_counts:-?}; clean build: ${clean_counts:-?}"
if [ -z "$recovered_counts" ] || [ "$recovered_counts" != "$clean_counts" ]; then
    final=different
    fail "counts differ: recovered '${recovered_counts}', clean '${clean_counts}'"
fi
status_rc=0
"$bin" status > "$logs/final-status.txt" 2>&1 || status_rc=$?
if (( status_rc != 0 )) || ! grep -q '^index up to date' "$logs/final-status.txt"; then
    final=different
    fail "the recovered index is not up to date (status exit $status_rc): $(head -1 "$logs/final-status.txt")"
fi
mkdir -p "$logs/recovered" "$logs/clean"
"$bin" bib --format csl-json > "$logs/recovered/bib.json" 2>&1 || true
NREL_INDEX=$clean "$bin" bib --format csl-json > "$logs/clean/bib.json" 2>&1 || true
for i in "${!queries[@]}"; do
    "$bin" --no-refresh --json -n 50 "${queries[i]}" > "$logs/recovered/q$i.json" 2>&1 || true
    NREL_INDEX=$clean "$bin" --no-refresh --json -n 50 "${queries[i]}" > "$logs/clean/q$i.json" 2>&1 || true
done
differing=0
for f in "$logs"/clean/*; do
    cmp -s "$f" "$logs/recovered/$(basename "$f")" || differing=$((differing + 1))
done
if (( differing > 0 )); then
    final=different
    fail "$differing of $((${#queries[@]} + 1)) outputs (bibliography, ${#queries[@]} queries) differ from a clean build (see $logs/recovered and $logs/clean)"
fi

# --- the summary -------------------------------------------------------------------
total_ms=$(elapsed_ms "$started")
{
    echo "crash loop, $(date -u +%Y-%m-%d), seed $seed (CRASH_SEED=$seed to repeat the choices)"
    echo "corpus: $(corpus_files) files at the end ($nfiles at the start); full build $(seconds "$full_ms") s, incremental update $(seconds "$incr_ms") s"
    echo "runs: $runs ($n_full index --full, $n_incr index), each killed with kill -9 after a random delay"
    echo "kills that landed: $landed ($mid_write mid-write, $after_commit after the commit, $before_write before writing); $finished runs finished before the kill"
    echo "failures: ${#failures[@]}"
    for f in "${failures[@]}"; do echo "  - $f"; done
    if [ "$final" = same ]; then
        echo "final state: equal to a clean build ($recovered_counts; status up to date; bibliography and ${#queries[@]} queries identical)"
    else
        echo "final state: DIFFERENT from a clean build"
    fi
    echo "total time: $(seconds "$total_ms") s"
} | tee "$work/crash-loop.txt"
(( ${#failures[@]} == 0 ))
