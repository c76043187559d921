"""Sync ingest of the same 10,000 records: Nithet batches, pouchdb-server `_bulk_docs`, one request per
record, a bare sqlite-utils `insert_all`, and the replay of everything already stored."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import msgspec

from bench import data
from bench.nithet import WORK, client, demo_template, fresh_db, remove_db, server
from bench.pouch import pouchdb_server
from server.db import connect
from server.migrations import apply as migrate

BATCH = 100


def _push_all(http: httpx.Client, batches: list[bytes]) -> tuple[float, Counter[str]]:
    statuses: Counter[str] = Counter()
    start = time.perf_counter()
    for body in batches:
        r = http.post("/api/sync/push", content=body)
        r.raise_for_status()
        statuses.update(x["status"] for x in msgspec.json.decode(r.content)["receipts"])
    return time.perf_counter() - start, statuses


def _bodies(pushes: list[dict[str, Any]], size: int, device: str) -> list[bytes]:
    return [
        msgspec.json.encode(
            {"device_id": device, "app_version": "bench", "pending": 0, "records": pushes[i : i + size]}
        )
        for i in range(0, len(pushes), size)
    ]


def _count_records(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])


def _grown_bytes(db: Path) -> int:
    """How much the database file grew over the demo seed it started from (WAL checkpointed)."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db.stat().st_size - demo_template().stat().st_size


def nithet_batches(pushes: list[dict[str, Any]], run: int) -> dict[str, Any]:
    """(a) the normal push in batches of 100, then (e) the replay of the same batches."""
    db = fresh_db(f"ingest-{run}")
    bodies = _bodies(pushes, BATCH, f"bench-ingest-{run:02d}")
    with server(db) as base, client(base, "admin") as http:
        push_s, push_status = _push_all(http, bodies)
        replay_s, replay_status = _push_all(http, bodies)
    return {
        "push_s": push_s,
        "push_status": dict(push_status),
        "replay_s": replay_s,
        "replay_status": dict(replay_status),
        "rows": _count_records(db),
        "grown_bytes": _grown_bytes(db),
    }


def nithet_per_record(pushes: list[dict[str, Any]], run: int) -> dict[str, Any]:
    """(c) one HTTP request (and one transaction) per record, as OpenRosa submission does."""
    db = fresh_db(f"per-record-{run}")
    bodies = _bodies(pushes, 1, f"bench-single-{run:02d}")
    with server(db) as base, client(base, "admin") as http:
        seconds, statuses = _push_all(http, bodies)
    return {"s": seconds, "status": dict(statuses), "rows": _count_records(db)}


def pouch_docs(pushes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"_id": p["id"], **{k: v for k, v in p.items() if k != "id"}} for p in pushes]


def pouchdb_bulk(pushes: list[dict[str, Any]], run: int) -> dict[str, Any]:
    """(b) the same documents through pouchdb-server `_bulk_docs`, 100 per request."""
    docs = pouch_docs(pushes)
    bodies = [msgspec.json.encode({"docs": docs[i : i + BATCH]}) for i in range(0, len(docs), BATCH)]
    with pouchdb_server(f"run-{run}") as base, httpx.Client(base_url=base, timeout=120) as http:
        http.put("/bench").raise_for_status()
        ok = errors = 0
        start = time.perf_counter()
        for body in bodies:
            r = http.post("/bench/_bulk_docs", content=body, headers={"content-type": "application/json"})
            r.raise_for_status()
            for item in r.json():
                ok += bool(item.get("ok"))
                errors += "error" in item
        seconds = time.perf_counter() - start
        count = http.get("/bench").json()["doc_count"]
    return {"s": seconds, "ok": ok, "errors": errors, "doc_count": count}


def bare_insert(pushes: list[dict[str, Any]], schools: dict[str, data.School], run: int) -> dict[str, Any]:
    """(d) sqlite-utils `insert_all` of the rows Nithet stores in `records`, into a fresh file with the
    server's pragmas (WAL, synchronous=FULL), one transaction per 100 rows like the push; and, for
    reference, the same into the app schema (records + revisions rows, all indexes)."""
    rows = list(data.record_rows(pushes, schools, dt.datetime.now(dt.UTC).isoformat()))
    out = {}
    for variant in ("plain", "app_schema"):
        path = WORK / "db" / f"bare-{variant}-{run}.db"
        remove_db(path)
        db = connect(path)
        if variant == "app_schema":
            migrate(db)
        start = time.perf_counter()
        for i in range(0, len(rows), BATCH):
            chunk = rows[i : i + BATCH]
            with db.atomic():
                db["records"].insert_all(chunk, batch_size=BATCH)
                if variant == "app_schema":
                    db["revisions"].insert_all(
                        (
                            {
                                "record_id": r["id"],
                                "rev": r["rev"],
                                "content_hash": r["content_hash"],
                                "form_version": 1,
                                "answers": None,  # the current revision's answers are the record's (m021)
                                "author_id": 1,
                                "device_id": "bench",
                                "received_at": r["created_at"],
                                "state": "current",
                            }
                            for r in chunk
                        ),
                        batch_size=BATCH,
                    )
        out[f"{variant}_s"] = time.perf_counter() - start
        out[f"{variant}_rows"] = db.execute("SELECT count(*) FROM records").fetchone()[0]
        db.close()
    return out


def run(runs: int, count: int, seed: int, log: Any = print) -> dict[str, Any]:
    db = fresh_db("ingest-source")
    schools = data.load_schools(db)
    pushes = data.pushes(schools, count, seed)
    by_code = {s.code: s for s in schools}
    results: dict[str, list[Any]] = {"a": [], "b": [], "c": [], "d": []}
    for i in range(runs):
        steps = {
            "a": partial(nithet_batches, pushes, i),
            "b": partial(pouchdb_bulk, pushes, i),
            "c": partial(nithet_per_record, pushes, i),
            "d": partial(bare_insert, pushes, by_code, i),
        }
        for key, step in steps.items():
            try:
                results[key].append(step())
            except Exception as exc:  # one failing peer must not stop the others
                results[key].append({"error": f"{type(exc).__name__}: {exc}"})
            log(f"ingest run {i + 1} {key}: {results[key][-1]}")
    sizes = [len(msgspec.json.encode(p)) for p in pushes]
    return {
        "count": count,
        "seed": seed,
        "mean_record_bytes": sum(sizes) / len(sizes),
        "schools": len({p["answers"]["school"] for p in pushes}),
        "networks": len({by_code[p["answers"]["school"]].network_id for p in pushes}),
        "runs": results,
    }
