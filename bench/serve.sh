#!/usr/bin/env bash
# Load on `nrel-search serve`: 8 clients asking /api/search with mixed
# queries for 30 s, on the bundled corpus and on the library of
# bench/library.sh (when it has been assembled), with bench/serve-load.py.
#
#   bash bench/serve.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${NREL_BIN:-$root/target/release/nrel-search}
seconds=${1:-30}
scratch=$root/bench/scratch
[ -x "$bin" ] || cargo build --release --quiet

run() { # NAME CORPUS INDEX QUERIES
    local out=$scratch/serve-$1.out
    "$bin" --corpus "$2" --index "$3" serve --port 0 >"$out" 2>"$scratch/serve-$1.err" &
    local pid=$!
    for _ in $(seq 600); do grep -q "http://" "$out" 2>/dev/null && break; sleep 0.1; done
    local url
    url=$(grep -o "http://[0-9.:]*" "$out")
    echo "== $1: $url, $(python3 bench/serve-load.py "$url" --seconds "$seconds" --queries "$4")"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

run bundled corpus "$scratch/serve-index-seed" bench/queries/seed.txt
if [ -d "$scratch/library-corpus" ]; then
    run library "$scratch/library-corpus" "$scratch/library-index-all" bench/queries/library.txt
else
    echo "== library: not assembled (bash bench/library.sh first)"
fi
