"""`make bench` (python -m bench): run every benchmark and write bench/RESULTS.md.

Each part runs on its own; one that fails is reported as failed and the others still run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench import chain, concurrency, ingest, machine, paper, pull, reports, shell, tablet, uploads
from bench.nithet import WORK
from bench.pouch import npm_install
from bench.results import render

RESULTS = Path(__file__).with_name("RESULTS.md")
PARTS = ("ingest", "concurrency", "uploads", "pull", "paper", "reports", "chain", "shell", "tablet")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--runs", type=int, default=3, help="runs of each timed step (the median is reported)"
    )
    parser.add_argument("--records", type=int, default=10_000, help="records for the ingest benchmark")
    parser.add_argument("--sizes", default="100000,1000000", help="database sizes for the report queries")
    parser.add_argument(
        "--pull-records",
        default="20000,40000",
        help="observations of the two networks a supervisor pulls, comma-separated: in all (DESIGN.md), each",
    )
    parser.add_argument("--paper-size", type=int, default=100_000, help="observations for the heavy reports")
    parser.add_argument(
        "--history", type=int, default=10_000, help="observations of N01 already held in the concurrency runs"
    )
    parser.add_argument(
        "--tablet-records", default="0,2000", help="records on the tablet for the tablet benchmark"
    )
    parser.add_argument("--keys", type=int, default=200, help="Thai characters typed in the tablet benchmark")
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts to run")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite RESULTS.md from bench/work/results.json without running",
    )
    args = parser.parse_args()
    if args.render_only:
        RESULTS.write_text(render(json.loads((WORK / "results.json").read_text())))
        return 0
    parts = args.only.split(",")
    WORK.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    started = time.perf_counter()
    prefix = f"PYTHONPATH={os.environ['PYTHONPATH']} " if os.environ.get("PYTHONPATH") else ""
    command = f"{prefix}{sys.executable} -m bench {' '.join(sys.argv[1:])}".strip()
    out: dict[str, Any] = {"args": vars(args), "command": command, "timings": {}}
    t0 = time.perf_counter()
    out["installs"] = {}
    for package in ("pouchdb-server", "lighthouse"):
        try:
            npm_install(package)
            out["installs"][package] = "ok"
        except Exception as exc:
            out["installs"][package] = f"failed: {type(exc).__name__}: {exc}"
    out["timings"]["npm install"] = time.perf_counter() - t0
    log(f"installs: {out['installs']}")
    out["machine"] = machine.describe()
    steps = {
        "ingest": lambda: ingest.run(args.runs, args.records, seed=2568, log=log),
        "concurrency": lambda: concurrency.run(args.runs, seed=4949, log=log, history=args.history),
        "uploads": lambda: uploads.run(log=log),
        "pull": lambda: {"sizes": [pull.run(int(n), seed=12, log=log) for n in args.pull_records.split(",")]},
        "paper": lambda: paper.run(args.runs, seed=11, log=log, size=args.paper_size),
        "reports": lambda: reports.run(
            [int(s) for s in args.sizes.split(",")], 5 * args.runs, seed=11, log=log
        ),
        "chain": lambda: chain.run(100_000, 5 * args.runs, seed=11, log=log),
        "shell": lambda: shell.run(args.runs, log=log),
        "tablet": lambda: tablet.run(
            args.runs, tuple(int(n) for n in args.tablet_records.split(",")), args.keys, log=log
        ),
    }
    for name in parts:
        t0 = time.perf_counter()
        log(f"{name}…")
        try:
            out[name] = steps[name]()
        except Exception as exc:
            out[name] = {"error": f"{type(exc).__name__}: {exc}"}
            log(f"{name} failed: {out[name]['error']}")
        out["timings"][name] = time.perf_counter() - t0
    out["timings"]["total"] = time.perf_counter() - started
    (WORK / "results.json").write_text(json.dumps(out, indent=1, default=str, ensure_ascii=False))
    RESULTS.write_text(render(out))
    log(f"wrote {RESULTS} in {out['timings']['total']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
