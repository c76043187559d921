"""50 tablets at once: each its own login session and device, 200 records each in batches of 50 — calm, and
again while three secretaries load themes, the XLSX export and the PDF of the largest network.

Both runs start from the same database: the demo seed plus a history of observations in N01 (generated
straight into the app schema, bench/reports.py), so that the secretaries' reports have real work to do."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import statistics
import time
from collections import Counter
from typing import Any

import httpx
import msgspec

from bench import data, reports
from bench.nithet import async_login, fresh_db, server

TABLETS = 50
PER_TABLET = 200
BATCH = 50
USER = "supervisor1"  # networks N01 and N02
NETWORKS = {"N01", "N02"}
#: The tablet's own timeout for one request (pwa/static/js/connection.js).
TABLET_TIMEOUT_S = 30
HISTORY = 10_000  # observations already in N01 when the tablets push
SECRETARY = "secretary1"  # N01
PERIOD = reports.SEMESTER[0]
REPORT_URLS = (
    f"/reports/network/N01/themes?period={PERIOD}",
    f"/reports/network/N01/export.xlsx?period={PERIOD}",
    f"/reports/network/N01/print?period={PERIOD}&format=pdf",
)


async def _tablet(base: str, n: int, records: list[dict[str, Any]], ready: asyncio.Barrier) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors = timeouts = 0
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        try:
            await async_login(http, USER)
        except BaseException:
            ready.abort()  # the others must not wait for this tablet forever
            raise
        bodies = [
            msgspec.json.encode(
                {
                    "device_id": f"bench-tablet-{n:03d}",
                    "app_version": "bench",
                    "pending": len(records) - i - BATCH,
                    "records": records[i : i + BATCH],
                }
            )
            for i in range(0, len(records), BATCH)
        ]
        await ready.wait()  # every tablet logged in: all push at once
        for body in bodies:
            t0 = time.perf_counter()
            try:
                r = await http.post("/api/sync/push", content=body, timeout=TABLET_TIMEOUT_S)
                latencies.append(time.perf_counter() - t0)
                if latencies[-1] > TABLET_TIMEOUT_S:
                    # httpx's timeout is per read; the tablet's covers the whole request, and gives up.
                    timeouts += 1
                if r.status_code != 200:
                    errors += 1
                    continue
                statuses.update(x["status"] for x in msgspec.json.decode(r.content)["receipts"])
            except httpx.TimeoutException:
                timeouts += 1
            except httpx.HTTPError:
                errors += 1
        end = time.perf_counter()
    return {"latencies": latencies, "statuses": statuses, "errors": errors, "timeouts": timeouts, "end": end}


async def _secretary(base: str, url: str, ready: asyncio.Barrier, done: asyncio.Event) -> dict[str, Any]:
    """Loads one report again and again until the tablets are done; each load's seconds and status."""
    loads: list[tuple[float, int]] = []
    async with httpx.AsyncClient(base_url=base, timeout=600) as http:
        try:
            await async_login(http, SECRETARY)
            # Once before the run, not counted: a server that has been up for a while has its report
            # workers started and warm (server/workers.py).
            (await http.get(url)).raise_for_status()
        except BaseException:
            ready.abort()
            raise
        await ready.wait()
        while not done.is_set():
            t0 = time.perf_counter()
            request = asyncio.ensure_future(http.get(url))
            finished, _ = await asyncio.wait(
                {request, asyncio.ensure_future(done.wait())}, return_when="FIRST_COMPLETED"
            )
            if request not in finished:
                request.cancel()  # the tablets are done; this load is not counted
                break
            loads.append((time.perf_counter() - t0, request.result().status_code))
    return {"url": url, "loads": len(loads), "seconds": [round(s, 2) for s, _ in loads],
            "statuses": sorted({c for _, c in loads})}  # fmt: skip


async def _all(base: str, pushes: list[dict[str, Any]], with_reports: bool) -> dict[str, Any]:
    secretaries = REPORT_URLS if with_reports else ()
    ready = asyncio.Barrier(TABLETS + len(secretaries) + 1)
    done = asyncio.Event()
    desks = [asyncio.create_task(_secretary(base, url, ready, done)) for url in secretaries]
    tasks = [
        asyncio.create_task(_tablet(base, n, pushes[n * PER_TABLET : (n + 1) * PER_TABLET], ready))
        for n in range(TABLETS)
    ]
    await ready.wait()
    t0 = time.perf_counter()
    results = await asyncio.gather(*tasks)
    done.set()
    wall = max(r["end"] for r in results) - t0
    latencies = sorted(x for r in results for x in r["latencies"])
    statuses: Counter[str] = sum((r["statuses"] for r in results), Counter())
    return {
        "wall_s": wall,
        "requests": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
        "errors": sum(r["errors"] for r in results),
        "timeouts": sum(r["timeouts"] for r in results),
        "statuses": dict(statuses),
        "secretaries": list(await asyncio.gather(*desks)),
    }


def _with_history(name: str, history: Any) -> Any:
    db = fresh_db(name)
    shutil.copy(history, db)
    return db


def run(runs: int, seed: int, log: Any = print, history: int = HISTORY) -> dict[str, Any]:
    source = fresh_db("concurrency-source")
    schools = data.load_schools(source, NETWORKS)
    pushes = data.pushes(schools, TABLETS * PER_TABLET, seed)
    # Another seed than the pushes: the same seed drew the same record ids, which the server rightly
    # rejected (`revision_reused`: a known id and revision with other answers).
    base_db, _ = reports.build(history, seed + 1, log, networks={"N01"})
    out: dict[str, list[dict[str, Any]]] = {"calm": [], "reports": []}
    for i in range(runs):
        for kind in out:
            db = _with_history(f"concurrency-{kind}-{i}", base_db)
            try:
                with sqlite3.connect(db) as conn:
                    before = conn.execute("SELECT count(*) FROM records").fetchone()[0]
                with server(db) as base:
                    result = asyncio.run(_all(base, pushes, kind == "reports"))
                with sqlite3.connect(db) as conn:
                    result["rows"] = conn.execute("SELECT count(*) FROM records").fetchone()[0] - before
                    result["devices"] = conn.execute("SELECT count(*) FROM devices").fetchone()[0]
            except Exception as exc:
                result = {"error": f"{type(exc).__name__}: {exc}"}
            log(f"concurrency {kind} run {i + 1}: {result}")
            out[kind].append(result)
    return {"tablets": TABLETS, "per_tablet": PER_TABLET, "batch": BATCH, "user": USER, "history": history,
            "timeout_s": TABLET_TIMEOUT_S, "runs": out["calm"], "with_reports": out["reports"]}  # fmt: skip
