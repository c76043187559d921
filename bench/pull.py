"""A supervisor's first pull over two networks holding 20,000 observations in all (DESIGN.md) and 20,000
each (the issue's wording read the other way): bytes on the wire and per page.

The database is generated straight into the app schema (bench/reports.py `build`, cached in bench/work),
then dated (`date_history`): the records' last change follows their visit, and the generated two years end
with the term the server is in, so that the tablet keeps the last two of them — as on the last day of a
term, when a tablet keeps the most. Served by `python -m server serve`; the supervisor pulls from cursor 0
until `more` is false in rounds, as the tablet does (pwa/static/js/sync.js), asking for compressed answers
the way Chromium does over plain HTTP (gzip) and over HTTPS (brotli).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path
from typing import Any

import httpx

from bench import data, reports
from bench.nithet import WORK, login_cookies, server
from core import clock
from server.calendar import keep_since
from server.db import connect
from server.terms import load_terms
from sync.stored import VISIT_DATE

NETWORKS = {"N01", "N02"}  # supervisor1's two networks
USER = "supervisor1"
ENCODINGS = {"gzip": "gzip, deflate", "br": "gzip, deflate, br", "identity": "identity"}


def first_pull(base: str, accept: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=300) as http:
        login_cookies(http, USER)
        cursor, pages, records, at = 0, [], 0, "round=0&ref=0&before=0"
        t0 = time.perf_counter()
        while True:
            r = http.get(f"/api/sync/pull?cursor={cursor}&{at}", headers={"accept-encoding": accept})
            r.raise_for_status()
            page = r.json()
            pages.append(
                {"wire": r.num_bytes_downloaded, "json": len(r.content), "records": len(page["records"])}
            )
            records += len(page["records"])
            cursor, at = page["cursor"], f"round={page['round']}&ref={page['ref']}&before={page['before']}"
            if not page["more"]:
                break
        seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "pages": len(pages),
        "records": records,
        "wire_bytes": sum(p["wire"] for p in pages),
        "json_bytes": sum(p["json"] for p in pages),
        "max_page_wire": max(p["wire"] for p in pages),
        "max_page_json": max(p["json"] for p in pages),
    }


def date_history(path: Path) -> dict[str, Any]:
    """Each record last changed the day after its visit, the generated terms moved by whole days so that the
    third of the four starts on the first day the tablet keeps (server/calendar.py `keep_since`); change
    numbers in the order of those changes, as the server gives them."""
    db = connect(path)
    since = keep_since(clock.today(), load_terms(db))
    shift = (dt.date.fromisoformat(since) - dt.date.fromisoformat(data.SEMESTERS[2][1])).days
    rows = db.execute(
        f"SELECT id, date({VISIT_DATE}, ?) || 'T03:00:00+00:00', seq FROM records",
        [f"{shift + 1:+d} days"],
    ).fetchall()
    seqs = sorted(seq for _, _, seq in rows)
    with db.atomic():
        db.conn.executemany(
            "UPDATE records SET updated_at = ?, seq = ? WHERE id = ?",
            [
                (at, seq, rid)
                for (rid, at, _), seq in zip(sorted(rows, key=lambda r: r[1]), seqs, strict=True)
            ],
        )
    kept = db.execute("SELECT count(*) FROM records WHERE updated_at >= ?", [since]).fetchone()[0]
    db.close()
    return {"keep_since": since, "shift_days": shift, "records_kept": kept}


def run(count: int, seed: int, log: Any = print) -> dict[str, Any]:
    source, built = reports.build(count, seed, log, networks=NETWORKS)
    db = WORK / "db" / "pull" / "nithet.db"
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True)
    shutil.copy(source, db)
    out: dict[str, Any] = {
        "records_total": count,
        "networks": sorted(NETWORKS),
        "user": USER,
        "build_s": built,
        **date_history(db),
    }
    with server(db) as base:
        for name, accept in ENCODINGS.items():
            out[name] = first_pull(base, accept)
            log(f"pull {name}: {out[name]}")
    return out
