#!/usr/bin/env python3
"""Scores nrel-search on a judgments file: nDCG@10 and MRR@10 per category
and overall, and the mean time of a query.

  eval.py [--bin BIN] [--corpus DIR] [--index DIR] [--json] [--show-misses] [--per-query]
          JUDGMENTS [-- SEARCH OPTIONS...]

JUDGMENTS is tab-separated, one query a line, `#` starts a comment:

  CATEGORY <TAB> QUERY <TAB> TARGET=GRADE TARGET=GRADE ...

A target with a ':' is a passage id (`DOCKEY:HASH`), and the ranked list is
the hits as returned; a target without one is a document key, and the ranked
list is the hits with each document once, at the rank of its best passage. A
line judges passages or documents, not both. Each query is one run of
`BIN search --json -n 100`, with the search options given after `--` (for
instance `--lang en`). nDCG@10 counts a hit of grade g as 2^g - 1, against
the best order of all the targets of the line; MRR@10 takes the first target
of grade 2 or more (1 or more on a line without grade 2). `found` is the
share of queries with such a target among the 100 hits.

BIN is $NREL_BIN, else target/release/nrel-search. Exit status 1 when the
binary fails on a query (it exits 0 with hits and 1 without), 2 when the
judgments cannot be read.
"""
import argparse
import json
import math
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPTH = 100


def fail(message):
    print(f"eval.py: {message}", file=sys.stderr)
    sys.exit(2)


def read_judgments(path):
    queries = []
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            fail(f"{path}:{number}: expected CATEGORY, QUERY and targets separated by tabs")
        category, query, targets = fields
        grades = {}
        for target in targets.split():
            key, _, grade = target.rpartition("=")
            if not key or not grade.isdigit():
                fail(f"{path}:{number}: a target is KEY=GRADE, not {target!r}")
            grades[key] = int(grade)
        passages = {":" in key for key in grades}
        if len(passages) != 1 or not any(grades.values()):
            fail(f"{path}:{number}: targets must be all passages or all documents, "
                     "one at least with a grade above 0")
        queries.append({"category": category, "query": query, "grades": grades,
                        "passages": passages == {True}})
    if not queries:
        fail(f"{path}: no judgments")
    return queries


def search(args, query, extra):
    command = [args.bin, "search", *args.where, "--json", "-n", str(DEPTH), *extra, "--", query]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if run.returncode not in (0, 1):
        print(f"eval.py: {args.bin} exited {run.returncode} on {query!r}:\n{run.stderr.strip()}",
              file=sys.stderr)
        sys.exit(1)
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()], elapsed


def score(q, hits):
    """nDCG@10, reciprocal rank @10, rank of the first relevant hit (None), ranked keys."""
    if q["passages"]:
        ranked = [h["id"] for h in hits]
    else:
        ranked = list(dict.fromkeys(h["doc"] for h in hits))
    grades = q["grades"]
    dcg = sum((2 ** grades.get(k, 0) - 1) / math.log2(i + 2) for i, k in enumerate(ranked[:10]))
    ideal = sorted(grades.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    least = 2 if max(grades.values()) >= 2 else 1
    first = next((i + 1 for i, k in enumerate(ranked) if grades.get(k, 0) >= least), None)
    rr = 1 / first if first and first <= 10 else 0.0
    return dcg / idcg, rr, first, ranked


def summary(rows):
    return {"queries": len(rows),
            "ndcg@10": statistics.fmean(r["ndcg"] for r in rows),
            "mrr@10": statistics.fmean(r["rr"] for r in rows),
            "found": statistics.fmean(r["first"] is not None for r in rows)}


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("judgments")
    parser.add_argument("--bin", default=os.environ.get("NREL_BIN") or str(ROOT / "target/release/nrel-search"))
    parser.add_argument("--corpus")
    parser.add_argument("--index")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--show-misses", action="store_true",
                        help="print the queries whose first relevant hit is not the first")
    parser.add_argument("--per-query", action="store_true",
                        help="print each query's nDCG@10 and rank of the first relevant hit")
    args = parser.parse_args(argv)
    args.where = [x for opt in ("corpus", "index") if getattr(args, opt)
                  for x in (f"--{opt}", getattr(args, opt))]
    queries = read_judgments(args.judgments)

    # The index is brought in step first, so that no query pays for it.
    subprocess.run([args.bin, *args.where, "index"], capture_output=True)
    rows, misses = [], []
    for q in queries:
        hits, elapsed = search(args, q["query"], extra)
        ndcg, rr, first, ranked = score(q, hits)
        rows.append({"category": q["category"], "ndcg": ndcg, "rr": rr, "first": first, "time": elapsed})
        if args.per_query and not args.json:
            print(f"{ndcg:.3f} {first or '-':>3} [{q['category']}] {q['query']}")
        if first != 1:
            top = hits[0] if hits else None
            if top and not q["passages"]:
                top = next(h for h in hits if h["doc"] == ranked[0])
            misses.append({"category": q["category"], "query": q["query"], "rank": first,
                           "expected": sorted(q["grades"], key=lambda k: -q["grades"][k]),
                           "first": None if top is None else {
                               "id": top["id"] if q["passages"] else top["doc"],
                               "title": top.get("title"), "lang": top.get("lang")}})

    categories = sorted({r["category"] for r in rows})
    result = {"judgments": args.judgments, "bin": args.bin, "options": extra,
              "latency_ms": 1000 * statistics.fmean(r["time"] for r in rows),
              "overall": summary(rows),
              "categories": {c: summary([r for r in rows if r["category"] == c]) for c in categories}}
    if args.show_misses:
        result["misses"] = misses
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    if args.show_misses:
        for m in misses:
            rank = f"rank {m['rank']}" if m["rank"] else f"not in {DEPTH}"
            first = m["first"]
            came = f"{first['id']} ({first['lang']}) {first['title']!r}" if first else "nothing"
            print(f"[{m['category']}] {m['query']!r}: {rank}; expected {' '.join(m['expected'][:3])}; "
                  f"first came {came}")
        print()
    print(f"{'category':<16} {'queries':>7} {'nDCG@10':>8} {'MRR@10':>7} {'found':>6}")
    for name, s in [*result["categories"].items(), ("all", result["overall"])]:
        print(f"{name:<16} {s['queries']:>7} {s['ndcg@10']:>8.3f} {s['mrr@10']:>7.3f} {s['found']:>6.1%}")
    print(f"mean latency {result['latency_ms']:.1f} ms a query"
          + (f" (search options: {' '.join(extra)})" if extra else ""))


if __name__ == "__main__":
    main()
