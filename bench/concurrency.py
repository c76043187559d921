"""50 tablets at once: each its own login session and device, 200 records each in batches of 50."""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import time
from collections import Counter
from typing import Any

import httpx
import msgspec

from bench import data
from bench.nithet import async_login, fresh_db, server

TABLETS = 50
PER_TABLET = 200
BATCH = 50
USER = "supervisor1"  # networks N01 and N02
NETWORKS = {"N01", "N02"}


async def _tablet(base: str, n: int, records: list[dict[str, Any]], ready: asyncio.Barrier) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    errors = 0
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        await async_login(http, USER)
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
                r = await http.post("/api/sync/push", content=body)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1
                    continue
                statuses.update(x["status"] for x in msgspec.json.decode(r.content)["receipts"])
            except httpx.HTTPError:
                errors += 1
        end = time.perf_counter()
    return {"latencies": latencies, "statuses": statuses, "errors": errors, "end": end}


async def _all(base: str, pushes: list[dict[str, Any]]) -> dict[str, Any]:
    ready = asyncio.Barrier(TABLETS + 1)
    tasks = [
        asyncio.create_task(_tablet(base, n, pushes[n * PER_TABLET : (n + 1) * PER_TABLET], ready))
        for n in range(TABLETS)
    ]
    await ready.wait()
    t0 = time.perf_counter()
    results = await asyncio.gather(*tasks)
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
        "statuses": dict(statuses),
    }


def run(runs: int, seed: int, log: Any = print) -> dict[str, Any]:
    source = fresh_db("concurrency-source")
    schools = data.load_schools(source, NETWORKS)
    pushes = data.pushes(schools, TABLETS * PER_TABLET, seed)
    out = []
    for i in range(runs):
        db = fresh_db(f"concurrency-{i}")
        try:
            with server(db) as base:
                result = asyncio.run(_all(base, pushes))
            with sqlite3.connect(db) as conn:
                result["rows"] = conn.execute("SELECT count(*) FROM records").fetchone()[0]
                result["devices"] = conn.execute("SELECT count(*) FROM devices").fetchone()[0]
        except Exception as exc:
            result = {"error": f"{type(exc).__name__}: {exc}"}
        log(f"concurrency run {i + 1}: {result}")
        out.append(result)
    return {"tablets": TABLETS, "per_tablet": PER_TABLET, "batch": BATCH, "user": USER, "runs": out}
