# The common start of the bench scripts, sourced first thing
# (`. "$(dirname "$0")/prologue.sh"`): strict mode, one line naming the
# script and line where it failed, the repository as working directory,
# $root, $scratch (bench/scratch, made if missing), and `need COMMAND`.
set -euo pipefail
trap 'echo "bench/$(basename "$0"): failed at line $LINENO" >&2' ERR
cd "$(dirname "$0")/.."
root=$PWD
scratch=$root/bench/scratch
mkdir -p "$scratch"
need() { command -v "$1" >/dev/null 2>&1; }
