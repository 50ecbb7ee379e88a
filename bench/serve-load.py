#!/usr/bin/env python3
"""Load on `nrel-search serve`: concurrent clients asking /api/search with a
mix of queries for a while; prints the number of requests, errors, the
throughput and the latency percentiles (JSON with --json).

  serve-load.py URL [--clients 8] [--seconds 30] [--queries FILE] [--json]

URL is the server's address (http://127.0.0.1:7700). The queries are one a
line (bench/queries/seed.txt by default), asked in turn by every client
from a different starting point. stdlib only.
"""
import argparse
import http.client
import json
import pathlib
import statistics
import threading
import time
import urllib.parse

ROOT = pathlib.Path(__file__).resolve().parent


def client(host, port, queries, offset, stop, out):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    i = offset
    while time.monotonic() < stop:
        q = queries[i % len(queries)]
        i += 1
        target = "/api/search?" + urllib.parse.urlencode({"q": q, "n": 10})
        start = time.perf_counter()
        try:
            conn.request("GET", target, headers={"Host": f"{host}:{port}"})
            response = conn.getresponse()
            body = response.read()
            ok = response.status == 200 and b'"hits"' in body
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
        out.append((time.perf_counter() - start, ok))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--queries", default=str(ROOT / "queries/seed.txt"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parsed = urllib.parse.urlparse(args.url)
    queries = [l.strip() for l in open(args.queries, encoding="utf-8")
               if l.strip() and not l.startswith("#")]
    stop = time.monotonic() + args.seconds
    results = [[] for _ in range(args.clients)]
    threads = [threading.Thread(target=client, args=(parsed.hostname, parsed.port, queries,
                                                     k * 7, stop, results[k]))
               for k in range(args.clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    all_results = [r for rs in results for r in rs]
    times = sorted(t for t, _ in all_results)
    errors = sum(1 for _, ok in all_results if not ok)
    q = statistics.quantiles(times, n=100) if len(times) >= 2 else [0] * 99
    summary = {"clients": args.clients, "seconds": round(elapsed, 1), "requests": len(all_results),
               "errors": errors, "per_second": round(len(all_results) / elapsed, 1),
               "p50_ms": round(1000 * statistics.median(times), 2),
               "p99_ms": round(1000 * q[98], 2), "max_ms": round(1000 * times[-1], 2),
               "queries": len(queries)}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{summary['requests']} requests in {summary['seconds']} s from {args.clients} clients "
              f"({summary['per_second']}/s), {errors} errors; latency p50 {summary['p50_ms']} ms, "
              f"p99 {summary['p99_ms']} ms, max {summary['max_ms']} ms")


if __name__ == "__main__":
    main()
