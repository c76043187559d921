"""A supervisor's first pull over two networks of ~20,000 observations each: bytes on the wire and per page.

The database is generated straight into the app schema (bench/reports.py `build`, cached in bench/work),
served by `python -m server serve`; the supervisor pulls from cursor 0 until `more` is false, as the tablet
does, asking for compressed answers the way Chromium does over plain HTTP (gzip) and over HTTPS (brotli).
"""

from __future__ import annotations

import shutil
import time
from typing import Any

import httpx

from bench import reports
from bench.nithet import WORK, login_cookies, server

NETWORKS = {"N01", "N02"}  # supervisor1's two networks
USER = "supervisor1"
ENCODINGS = {"gzip": "gzip, deflate", "br": "gzip, deflate, br", "identity": "identity"}


def first_pull(base: str, accept: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=300) as http:
        login_cookies(http, USER)
        cursor, pages, records = 0, [], 0
        t0 = time.perf_counter()
        while True:
            r = http.get(f"/api/sync/pull?cursor={cursor}", headers={"accept-encoding": accept})
            r.raise_for_status()
            page = r.json()
            pages.append(
                {"wire": r.num_bytes_downloaded, "json": len(r.content), "records": len(page["records"])}
            )
            records += len(page["records"])
            cursor = page["cursor"]
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
    }
    with server(db) as base:
        for name, accept in ENCODINGS.items():
            out[name] = first_pull(base, accept)
            log(f"pull {name}: {out[name]}")
    return out
