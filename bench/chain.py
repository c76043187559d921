"""Themes page and area report at 100,000 observations (issue 14's budget: each under 1 s).

On the report benchmark's generated database (bench/reports.py: observations spread over the 243 demo
schools and four semesters), for network N02 and semester 2568-1:
- themes, cold: no phrases kept yet, every text segmented (the first view of a period after an upgrade);
- themes, warm: the phrases kept in `record_phrases` (the first view after the network's records changed;
  a new record is segmented once, when first shown);
- themes, kept: the page again while none of the network's rows changed (kept in memory);
- area report, cold cache: all 19 networks recomputed;
- area report after a sync touched one network: that network's row recomputed, the others kept;
- area report, cached: the same request again while no synced row changed.
Timed in-process on a real SQLite file, as the handlers call them; median of the runs."""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from bench import reports
from server.reports import area, themes
from sync.stored import VISIT_DATE

NETWORK = reports.NETWORK


def _median_ms(fn: Any, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times), [round(t, 1) for t in times]


def run(size: int, runs: int, seed: int = 11, log: Any = print) -> dict[str, Any]:
    source, _ = reports.build(size, seed, log)
    path = source.with_name(f"chain-{size}.db")  # a copy: the phrases written here stay out of the cache
    shutil.copyfile(source, path)
    _, first, last = reports.SEMESTER
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("DELETE FROM record_phrases")
        networks = [r[0] for r in conn.execute("SELECT id FROM networks ORDER BY id")]
        t0 = time.perf_counter()
        found = themes.compile_themes(conn, NETWORK, first, last)
        cold = 1000 * (time.perf_counter() - t0)
        texts = found["develop"]["n"] + found["strengths"]["n"]
        fresh = found.pop("fresh")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT OR REPLACE INTO record_phrases (record_id, content_key, phrases) VALUES (?, ?, ?)",
            [(f["record_id"], f["content_key"], f["phrases"]) for f in fresh],
        )
        conn.execute("COMMIT")
        warm, warm_runs = _median_ms(lambda: themes.compile_themes(conn, NETWORK, first, last), runs)
        themes.kept_themes(conn, NETWORK, first, last)
        kept_ms, kept_runs = _median_ms(lambda: themes.kept_themes(conn, NETWORK, first, last), runs)

        # The area report (its themes read only reflection and policy records, few per network).
        def area_cold() -> None:
            area._cache.clear()
            area.area_report(conn, networks, first, last)

        def area_one_changed() -> None:  # a sync touched one network: only its row is recomputed
            area._cache.pop((NETWORK, first, last, "th"), None)
            area.area_report(conn, networks, first, last)

        area_ms, area_runs = _median_ms(area_cold, runs)
        one_ms, one_runs = _median_ms(area_one_changed, runs)
        cached_ms, cached_runs = _median_ms(lambda: area.area_report(conn, networks, first, last), runs)
        load = os.getloadavg()[0]
        observations = conn.execute(
            f"SELECT count(*) FROM records WHERE form_id = 'observation' AND {VISIT_DATE} BETWEEN ? AND ?",
            [first, last],
        ).fetchone()[0]
    finally:
        conn.close()
        Path(path).unlink(missing_ok=True)
    result = {
        "size": size, "network": NETWORK, "semester": reports.SEMESTER, "themes_texts": texts,
        "themes_cold_ms": cold, "themes_warm_ms": warm, "themes_warm_runs": warm_runs,
        "themes_kept_ms": kept_ms, "themes_kept_runs": kept_runs,
        "area_networks": len(networks), "area_observations": observations,
        "area_ms": area_ms, "area_runs": area_runs, "area_one_changed_ms": one_ms, "area_one_changed_runs": one_runs,
        "area_cached_ms": cached_ms, "area_cached_runs": cached_runs, "load_average": load,
    }  # fmt: skip
    log(f"chain {size:,}: {result}")
    return result


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m bench.chain", description=__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(run(args.size, args.runs), indent=1, default=str))
