#!/usr/bin/env bash
# Crash-safety check of indexing: kills nrel-search with SIGKILL at random
# moments while it indexes, checks that every interrupted index still
# answers from its last commit, and that the index recovers to the state of
# a clean build.
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
# The corpus: CRASH_FILES files of French and English prose, spread evenly
# over the larger corpus of bench/run.sh (the Debian Administrator's Handbook
# and the manual pages; assembled here the same way if it is not there yet)
# and the French and English manual pages for programmers (manpages-dev,
# manpages-fr-dev). Files whose paths give the same document key
# (`iso_8859-1.7` and `iso-8859-1.7`) are left out: which of them gets the
# key and which `KEY-2` depends on the order they came in, so an index
# updated over time and a clean build may name them differently, crash or
# not.
#
# First a full build is measured, then one more `index --full` and an
# incremental `index`, watching when each starts writing in the index
# directory. Then each of the CRASH_RUNS runs, `index --full` one time in
# three and `index` otherwise (after a mutation of the corpus: a line
# appended to three files, one file deleted, one added, one copied, one
# renamed, or one time in three only the appended lines; or, half the time
# after an interrupted update, none: the same
# update again), is killed with `kill -9`: half of them after a random delay
# of up to 1.2 times the expected duration of the run, the others at a
# random instant, within the time a run of its kind was measured writing,
# after it starts writing in the index directory (which a run does only at
# its end). After each kill:
#
# * a search (`--no-refresh -n 3`) and `status` must answer: exit 0 or 1,
#   never 2, a signal or a panic;
# * an index whose commit did not land must answer exactly as before the
#   run (same search output, same status), and one whose commit landed
#   must be up to date;
# * the next run must start (not fail on what the killed one left).
#
# At the end `index` runs to completion, and the recovered index must be up
# to date, and give the same document and passage counts, the same
# bibliography, and for 20 queries the same set of matching passages (every
# field but rank, score and snippet) as a clean build of the same corpus in
# another index directory. The top 50 of each query are compared too but
# only reported: an index updated over time counts its replaced passages in
# the BM25 statistics until its segments merge, so its scores differ
# slightly from a clean build's (and close hits may swap), crash or not.
#
# The summary is printed and written to bench/scratch/crash-loop.txt; the exit
# status is 1 when anything failed.
. "$(dirname "$0")/prologue.sh"
started=$EPOCHREALTIME

runs=${CRASH_RUNS:-50}
nfiles=${CRASH_FILES:-2000}
seed=${CRASH_SEED:-$(( $(date +%s%N) % 1000000 ))}
RANDOM=$seed

if ! need groff || ! need python3 || ! need dpkg-deb; then
    apt-get update -qq
    apt-get install -y -qq groff-base python3 dpkg >/dev/null
fi

bin=${NREL_BIN:-$root/target/release/nrel-search}
if [ ! -x "$bin" ]; then
    echo "== building the release binary"
    cargo build --release --locked -q
    bin=$root/target/release/nrel-search
fi

# --- the larger corpus, as bench/run.sh assembles it ----------------------------
. bench/corpus.sh
large_corpus "$scratch"

# --- the manual pages for programmers, the same way (links left out) -------------
extra=$scratch/extra-corpus
if [ ! -f "$extra/.complete" ]; then
    echo "== assembling the manual pages for programmers"
    rm -rf "$extra" "$scratch/debs-extra"
    mkdir -p "$scratch/debs-extra" "$extra/man-fr-dev" "$extra/man-en-dev"
    (cd "$scratch/debs-extra" && { apt-get download manpages-dev manpages-fr-dev 2>/dev/null \
        || { apt-get update -qq && apt-get download manpages-dev manpages-fr-dev; }; })
    for deb in "$scratch"/debs-extra/*.deb; do dpkg-deb -x "$deb" "$scratch/debs-extra/x"; done
    man=$scratch/debs-extra/x/usr/share/man
    # shellcheck disable=SC2016 # expanded by the inner shell
    render='dest=$1; shift; for page; do
        zcat "$page" | groff -k -mandoc -Tutf8 -P-cbou 2>/dev/null > "$dest/$(basename "$page" .gz).txt" || true
    done'
    find "$man/fr" -type f -name '*.gz' | sort \
        | xargs -d '\n' -r -n 50 -P "$(nproc)" sh -c "$render" sh "$extra/man-fr-dev"
    find "$man" -path "$man/fr" -prune -o -type f -name '*.gz' -print | sort \
        | xargs -d '\n' -r -n 50 -P "$(nproc)" sh -c "$render" sh "$extra/man-en-dev"
    find "$extra" -type f -empty -delete
    touch "$extra/.complete"
fi

# --- the crash corpus ------------------------------------------------------------
crash=$scratch/crash-corpus
index=$scratch/crash-index
clean=$scratch/crash-clean-index
logs=$scratch/crash-logs
rm -rf "$crash" "$index" "$clean" "$logs"
mkdir -p "$crash" "$logs"
export LC_ALL=C
texts() { (cd "$1" && find . -type f \( -name '*.txt' -o -name '*.md' \) | sed 's|^\./||' | sort); }
texts "$large" > "$logs/large.txt"
texts "$extra" > "$logs/extra.txt"
# One file per document key (the path without extension, as a slug).
sort "$logs/large.txt" "$logs/extra.txt" | awk '{
    k = tolower($0); sub(/\.[^.]*$/, "", k); gsub(/[^a-z0-9]+/, "-", k)
    if (!(k in seen)) { seen[k] = 1; print }
}' > "$logs/all.txt"
total=$(wc -l < "$logs/all.txt")
awk -v n="$nfiles" -v t="$total" 'int(NR * n / t) != int((NR - 1) * n / t)' "$logs/all.txt" > "$logs/chosen.txt"
comm -23 "$logs/all.txt" "$logs/chosen.txt" > "$logs/pool.txt"
for from in large extra; do
    dir=$large
    [ "$from" = large ] || dir=$extra
    comm -12 "$logs/$from.txt" "$logs/chosen.txt" | (cd "$dir" && xargs -d '\n' -r cp --parents -t "$crash")
done
mapfile -t pool < "$logs/pool.txt"
pooled=0
export NREL_CORPUS=$crash NREL_INDEX=$index

corpus_files() { find "$crash" -type f \( -name '*.txt' -o -name '*.md' \) | wc -l; }
ms() { local t=${1//[.,]/}; echo $(( ${t:0:-3} )); }   # EPOCHREALTIME → ms
elapsed_ms() { echo $(( $(ms "$EPOCHREALTIME") - $(ms "$1") )); }
seconds() { printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )); }
random_ms() { echo $(( (RANDOM * 32768 + RANDOM) % ($1 + 1) )); }
counts() { sed -n 's/.*: \([0-9]* documents*, [0-9]* passages*\) (analysed.*/\1/p' "$1"; }

# A line appended to three files, one file deleted, one added from the
# files left out, one copied under a new name, one renamed; or, one time in
# three, only the lines appended (edits in place, which an update takes
# without a walk when no directory changed).
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
    if (( run > 0 && RANDOM % 3 == 0 )); then
        return
    fi
    f=${files[RANDOM % n]}
    rm -f "$f"
    if (( pooled < ${#pool[@]} )); then
        f=${pool[pooled]}
        pooled=$((pooled + 1))
        mkdir -p "$crash/$(dirname "$f")"
        if [ -f "$large/$f" ]; then cp "$large/$f" "$crash/$f"; else cp "$extra/$f" "$crash/$f"; fi
    fi
    f=${files[RANDOM % n]}
    if [ -f "$f" ]; then cp "$f" "${f%.*}-c$run.${f##*.}"; fi
    f=${files[RANDOM % n]}
    if [ -f "$f" ]; then mv "$f" "${f%.*}-r$run.${f##*.}"; fi
}

# The index directory's files, locks aside (names, sizes, times), its
# modification time, its last commit.
listing() { find "$index" -maxdepth 1 -type f ! -name '*.lock' -printf '%f %s %T@\n' 2>/dev/null | sort; }
dir_time() { stat -c %y "$index" 2>/dev/null || echo none; }
meta() { cksum < "$index/meta.json" 2>/dev/null || echo none; }

# An update in the background: its pid, and whether it is still running.
pid=
trap 'if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi' EXIT
start() { # LOG ARGS...
    local log=$1
    shift
    "$bin" "$@" > "$log" 2>&1 &
    pid=$!
}
running() { local state; read -r _ _ state _ 2>/dev/null < "/proc/$pid/stat" && [ "$state" != Z ]; }
# Waits until the index directory changes (files created, renamed or
# removed) or the update ends; the time it took, in ms.
until_writing() { # DIR_TIME_BEFORE
    local t0=$EPOCHREALTIME
    while running && [ "$(dir_time)" = "$1" ]; do sleep 0.005; done
    elapsed_ms "$t0"
}
reap() { rc=0; { wait "$pid" || rc=$?; } 2>/dev/null; pid=; }

queries=(
    "gestionnaire de paquets" "package manager" "configuration du réseau"
    "kernel module" "système de fichiers" "file system" "mot de passe"
    "password" "serveur web" "web server" "pare-feu" "firewall"
    "sauvegarde des données" "backup" "mémoire partagée" "shared memory"
    '"standard input"' "processus fils" "signal handler" "variable d'environnement"
)

failures=()
kept=0
fail() { # RUN MESSAGE
    failures+=("run $1: $2")
    echo "   FAILURE: $2"
    if (( kept < 3 )) && [ -d "$index" ]; then
        kept=$((kept + 1))
        cp -a "$index" "$logs/index-after-run-$1"
    fi
}

# A command that must answer: exit 0 or 1, no panic. Its output in LOG.
answers() { # RUN WHAT LOG COMMAND...
    local run=$1 what=$2 log=$3 rc=0
    shift 3
    "$@" > "$log" 2> "$log.err" || rc=$?
    if (( rc > 1 )) || grep -q 'panicked' "$log.err"; then
        fail "$run" "$what exited $rc: $(head -3 "$log.err" | tr '\n' ' ')"
    fi
    return 0
}

# --- the measures ---------------------------------------------------------------
echo "== crash corpus: $(corpus_files) files ($(grep -c '^[a-z]*-fr[/-]' "$logs/chosen.txt" || true) French, $(grep -c '^[a-z]*-en[/-]' "$logs/chosen.txt" || true) English), $(du -sh "$crash" | cut -f1), seed $seed"
t0=$EPOCHREALTIME
"$bin" index --full > "$logs/first.txt" 2>&1
first_ms=$(elapsed_ms "$t0")
measure() { # NAME ARGS... ; sets took_ms and write_ms
    local name=$1 before
    shift
    before=$(dir_time)
    local t0=$EPOCHREALTIME
    start "$logs/measure-$name.txt" "$@"
    until_writing "$before" > /dev/null
    local t1=$EPOCHREALTIME
    reap
    (( rc == 0 )) || { echo "measuring '$*' failed (exit $rc)" >&2; exit 1; }
    took_ms=$(elapsed_ms "$t0")
    write_ms=$(elapsed_ms "$t1")
}
measure full index --full
full_ms=$took_ms full_write_ms=$write_ms
mutate 0
measure incremental index
incr_ms=$took_ms incr_write_ms=$write_ms
echo "   first build $(seconds "$first_ms") s ($(counts "$logs/first.txt"))"
echo "   index --full $(seconds "$full_ms") s, writing in its last $(seconds "$full_write_ms") s"
echo "   index after a mutation $(seconds "$incr_ms") s, writing in its last $(seconds "$incr_write_ms") s"

# --- the loop ---------------------------------------------------------------------
echo "== $runs runs: run, kind, when killed (D s after the start, or W+D: D after it started writing at W), outcome | status after"
mode=none committed=yes n_full=0 n_incr=0 n_retry=0 landed=0 before_write=0 mid_write=0 after_commit=0 finished=0
expect_full=$full_ms expect_incr=$incr_ms
for run in $(seq 1 "$runs"); do
    previous=$mode
    if (( run % 3 == 1 )); then
        mode=full args=(index --full) expect=$expect_full write=$full_write_ms
        n_full=$((n_full + 1))
    else
        mode=incremental args=(index) expect=$expect_incr write=$incr_write_ms
        n_incr=$((n_incr + 1))
        # Half the time after an interrupted update, the same update again.
        if [ "$previous" = full ] || [ "$committed" = yes ] || (( RANDOM % 2 )); then
            mutate "$run"
        else
            mode=retry n_retry=$((n_retry + 1))
        fi
    fi
    q=${queries[RANDOM % ${#queries[@]}]}
    "$bin" --no-refresh -n 3 "$q" > "$logs/before-$run.txt" 2>/dev/null || true
    "$bin" status > "$logs/status-before-$run.txt" 2>/dev/null || true
    before=$(listing) before_meta=$(meta) before_dir=$(dir_time)
    if (( RANDOM % 2 )); then
        delay=$(random_ms $(( expect * 6 / 5 )))
        when="at $(seconds "$delay") s"
        t0=$EPOCHREALTIME
        start "$logs/run-$run.txt" "${args[@]}"
        sleep "$(seconds "$delay")"
    else
        delay=$(random_ms "$write")
        t0=$EPOCHREALTIME
        start "$logs/run-$run.txt" "${args[@]}"
        waited=$(until_writing "$before_dir")
        sleep "$(seconds "$delay")"
        when="at $(seconds "$waited")+$(seconds "$delay") s"
    fi
    # (bash reports a job killed by a signal on stderr: not wanted here)
    {
        kill -9 "$pid" || true
        took=$(elapsed_ms "$t0")
        reap
    } 2>/dev/null
    committed=no
    [ "$(meta)" = "$before_meta" ] || committed=yes
    if (( rc == 137 )); then
        landed=$((landed + 1))
        if [ $committed = yes ]; then
            what="killed after its commit" after_commit=$((after_commit + 1))
        elif [ "$(listing)" != "$before" ]; then
            what="killed mid-write" mid_write=$((mid_write + 1))
        else
            what="killed before writing" before_write=$((before_write + 1))
        fi
        # The run needed longer than this.
        if [ "$mode" = full ]; then
            (( took <= expect_full )) || expect_full=$took
        else
            (( took <= expect_incr )) || expect_incr=$took
        fi
    elif (( rc == 0 )); then
        what="finished before the kill" finished=$((finished + 1))
        if [ "$mode" = full ]; then expect_full=$took; else expect_incr=$took; fi
    else
        what="exited $rc"
        fail "$run" "index ($mode) exited $rc: $(grep -v warning "$logs/run-$run.txt" | head -3 | tr '\n' ' ')"
    fi
    answers "$run" "search '$q'" "$logs/search-$run.txt" "$bin" --no-refresh -n 3 "$q"
    answers "$run" "status" "$logs/status-$run.txt" "$bin" status
    if [ $committed = no ]; then
        cmp -s "$logs/before-$run.txt" "$logs/search-$run.txt" \
            || fail "$run" "no commit, yet the search for '$q' answers differently than before the run"
        cmp -s "$logs/status-before-$run.txt" "$logs/status-$run.txt" \
            || fail "$run" "no commit, yet the status changed: $(head -1 "$logs/status-$run.txt")"
    elif ! grep -q '^index up to date' "$logs/status-$run.txt"; then
        fail "$run" "committed, yet not up to date: $(head -1 "$logs/status-$run.txt")"
    fi
    printf '%3d %-11s %-20s %-25s | %s\n' "$run" "$mode" "$when" "$what" "$(head -1 "$logs/status-$run.txt")"
done

# --- recovery, and the comparison with a clean build -------------------------------
echo "== recovery"
final=same
"$bin" index > "$logs/recover.txt" 2>&1 \
    || fail end "the recovering index exited $?: $(grep -v warning "$logs/recover.txt" | head -3 | tr '\n' ' ')"
NREL_INDEX=$clean "$bin" index --full > "$logs/clean.txt" 2>&1 || fail end "the clean build exited $?"
recovered_counts=$(counts "$logs/recover.txt")
clean_counts=$(counts "$logs/clean.txt")
echo "   recovered: ${recovered_counts:-?}; clean build: ${clean_counts:-?}"
if [ -z "$recovered_counts" ] || [ "$recovered_counts" != "$clean_counts" ]; then
    final=different
    fail end "counts differ: recovered '$recovered_counts', clean build '$clean_counts'"
fi
status_rc=0
"$bin" status > "$logs/final-status.txt" 2>&1 || status_rc=$?
if (( status_rc != 0 )) || ! grep -q '^index up to date' "$logs/final-status.txt"; then
    final=different
    fail end "the recovered index is not up to date (status exit $status_rc): $(head -1 "$logs/final-status.txt")"
fi
mkdir -p "$logs/recovered" "$logs/clean"
"$bin" bib --format csl-json > "$logs/recovered/bib.json" 2>&1 || true
NREL_INDEX=$clean "$bin" bib --format csl-json > "$logs/clean/bib.json" 2>&1 || true
if ! cmp -s "$logs/recovered/bib.json" "$logs/clean/bib.json"; then
    final=different
    fail end "the bibliography differs from a clean build's (see $logs/recovered/bib.json)"
fi
# Every passage a query matches, without rank, scores and snippet: BM25's
# statistics depend on the segments, and which of two passages of the same
# text (a manual page and its copy) is among the nearest by meaning, on
# their order in the index.
matches() { # OUT QUERY
    "$bin" --no-refresh --json -n 1000000 "$2" 2>/dev/null \
        | sed 's/^{"rank":[0-9]*,"score":[^,]*,/{/; s/"bm25":[^,]*,//; s/"semantic":[^,]*,//' \
        | sed 's/,"snippet":.*$/}/' | sort > "$1" || true
}
ids() { grep -o '^{"rank":[0-9]*,"score":[^,]*,"id":"[^"]*"' "$1" | sed 's/"score":[^,]*,//'; }
ranking_same=0 sets_differ=0 matched=0
for i in "${!queries[@]}"; do
    q=${queries[i]}
    "$bin" --no-refresh --json -n 50 "$q" > "$logs/recovered/top-$i.json" 2>&1 || true
    NREL_INDEX=$clean "$bin" --no-refresh --json -n 50 "$q" > "$logs/clean/top-$i.json" 2>&1 || true
    if cmp -s <(ids "$logs/recovered/top-$i.json") <(ids "$logs/clean/top-$i.json"); then
        ranking_same=$((ranking_same + 1))
    fi
    matches "$logs/recovered/all-$i.json" "$q"
    NREL_INDEX=$clean matches "$logs/clean/all-$i.json" "$q"
    matched=$(( matched + $(wc -l < "$logs/clean/all-$i.json") ))
    if ! cmp -s "$logs/recovered/all-$i.json" "$logs/clean/all-$i.json"; then
        sets_differ=$((sets_differ + 1))
        fail end "query '$q' matches other passages than in a clean build (see $logs/recovered/all-$i.json)"
    fi
done
(( sets_differ == 0 )) || final=different

size_of() { du -sk "$1" | cut -f1; }
leftovers=$(find "$index" -maxdepth 1 -name '.tmp*' | wc -l)

# --- the summary ----------------------------------------------------------------------
total_ms=$(elapsed_ms "$started")
{
    echo "crash loop, $(date -u +%Y-%m-%d), seed $seed (CRASH_SEED=$seed repeats the choices, not the timings)"
    echo "corpus: $nfiles files at the start, $(corpus_files) at the end; index --full $(seconds "$full_ms") s, index after a mutation $(seconds "$incr_ms") s"
    echo "runs: $runs ($n_full index --full, $n_incr index of which $n_retry the interrupted update again), each killed with kill -9"
    echo "kills that landed: $landed ($mid_write mid-write, $after_commit after the commit, $before_write before writing); $finished runs finished before the kill"
    echo "failures: ${#failures[@]}"
    for f in "${failures[@]}"; do echo "  - $f"; done
    if [ "$final" = same ]; then
        echo "final state: equal to a clean build ($recovered_counts; up to date; same bibliography; the same $matched passages matched by ${#queries[@]} queries)"
    else
        echo "final state: DIFFERENT from a clean build"
    fi
    echo "rankings: $ranking_same of ${#queries[@]} queries rank the same top 50 passages in the same order as a clean build; scores differ slightly (BM25 statistics count replaced passages until segments merge, crash or not)"
    echo "index directory after recovery: $(( $(size_of "$index") / 1024 )) MiB ($leftovers temporary files left by interrupted writes), clean build: $(( $(size_of "$clean") / 1024 )) MiB"
    echo "total time: $(seconds "$total_ms") s"
} | tee "$scratch/crash-loop.txt"
(( ${#failures[@]} == 0 ))
