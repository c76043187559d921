"""The secretary's heavy reports at 100,000 observations, over HTTP as she waits for them: themes, the XLSX
export of a network semester, the PDFs (network summary, travel report); and the database's size per
observation. The database is the one bench/reports.py generates (cached in bench/work)."""

from __future__ import annotations

import sqlite3
import statistics
import time
from typing import Any

from bench import reports
from bench.nithet import client, server

SIZE = 100_000
PERIOD = reports.SEMESTER[0]  # 2568-1
OTHER_NETWORK = "N05"  # as large as N02
URLS = {
    "themes": f"/reports/network/{reports.NETWORK}/themes?period={PERIOD}",
    "xlsx": f"/reports/network/{reports.NETWORK}/export.xlsx?period={PERIOD}",
    "summary_pdf": f"/reports/network/{reports.NETWORK}/print?period={PERIOD}&format=pdf",
    "travel_pdf": f"/reports/network/{reports.NETWORK}/travel?period={PERIOD}&format=pdf",
}


def run(repeats: int, seed: int, log: Any = print, size: int = SIZE) -> dict[str, Any]:
    path, _ = reports.build(size, seed, log)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        observations = conn.execute("SELECT count(*) FROM records WHERE form_id = 'observation'").fetchone()[
            0
        ]
        in_period = conn.execute(
            "SELECT count(*) FROM observation_scores WHERE network_id = ? AND visit_date BETWEEN ? AND ?",
            [reports.NETWORK, reports.SEMESTER[1], reports.SEMESTER[2]],
        ).fetchone()[0]
    out: dict[str, Any] = {
        "size": size,
        "network": reports.NETWORK,
        "period": PERIOD,
        "observations_in_period": in_period,
        "file_bytes": path.stat().st_size,
        "bytes_per_observation": path.stat().st_size / observations,
        "reports": {},
    }
    with server(path) as base, client(base, "admin") as http:
        for name, url in URLS.items():
            times, first, status, size = [], None, 0, 0
            for n in range(repeats + 1):
                t0 = time.perf_counter()
                r = http.get(url)
                took = time.perf_counter() - t0
                status, size = r.status_code, len(r.content)
                if n == 0:
                    first = took  # the report workers start, fonts and dictionary load
                else:
                    times.append(took)
            # The same report of another network: made afresh (not in the store of printed PDFs) by a warm worker.
            t0 = time.perf_counter()
            other = http.get(url.replace(f"/{reports.NETWORK}/", f"/{OTHER_NETWORK}/"))
            out["reports"][name] = {
                "status": status,
                "bytes": size,
                "first_s": first,
                "median_s": statistics.median(times),
                "runs_s": [round(t, 3) for t in times],
                "afresh_s": time.perf_counter() - t0,
                "afresh_status": other.status_code,
            }
            log(f"paper {name}: {out['reports'][name]}")
    return out
