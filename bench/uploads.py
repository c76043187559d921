"""Sync while an admin's spreadsheet is checked: one tablet pushes a record, waits 50 ms and pushes the next,
while an admin uploads a 20,000-row schools file (checked in a report worker process, server/bounded.py);
three uploads; then the same pushes for as long with nobody uploading. Fresh demo database, real HTTP.
Informational: no budget names imports, but "sync never waits" does."""

from __future__ import annotations

import io
import statistics
import threading
import time
from typing import Any

import msgspec
import openpyxl

from bench import data
from bench.nithet import client, fresh_db, server
from bench.tablet import percentile

ROWS = 20_000
UPLOADS = 3
PAUSE_S = 0.05


def schools_file(rows: int = ROWS) -> bytes:
    """A valid schools file of new schools in network N03 (the admin's import step 1 checks every row)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["code", "name", "network", "district", "grades"])
    for i in range(rows):
        sheet.append([f"4998{i:04d}", f"โรงเรียนบ้านทดสอบ {i}", "N03", "ดงหลวง", "ป.1-ป.6"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pushes_while(http: Any, bodies: list[bytes], busy: Any) -> list[dict[str, float]]:
    """Push one body after another (a pause between) while `busy()`: each push's start and seconds."""
    out = []
    while busy() and bodies:
        start = time.monotonic()
        r = http.post("/api/sync/push", content=bodies.pop())
        r.raise_for_status()
        assert msgspec.json.decode(r.content)["receipts"][0]["status"] == "stored"
        out.append({"at": start, "s": time.monotonic() - start})
        time.sleep(PAUSE_S)
    return out


def _stats(pushes: list[dict[str, float]]) -> dict[str, Any]:
    ms = [p["s"] * 1000 for p in pushes]
    return {
        "pushes": len(ms),
        "p50_ms": statistics.median(ms),
        "p95_ms": percentile(ms, 95),
        "max_ms": max(ms),
    }


def run(log: Any = print) -> dict[str, Any]:
    db = fresh_db("uploads")
    records = data.pushes(data.load_schools(db), 2000, seed=77)
    bodies = [
        msgspec.json.encode(
            {"device_id": "bench-uploads-01", "app_version": "bench", "pending": 0, "records": [r]}
        )
        for r in records
    ]
    sheet = schools_file()
    out: dict[str, Any] = {"rows": ROWS, "file_bytes": len(sheet), "uploads": []}
    with server(db) as base, client(base, "admin") as tablet, client(base, "admin") as admin:
        admin.headers.pop("content-type", None)  # a multipart form, not JSON
        for _ in range(UPLOADS):
            answer: dict[str, Any] = {}

            def upload(answer: dict[str, Any] = answer) -> None:
                files = {"file": ("schools.xlsx", sheet, "application/octet-stream")}
                t0 = time.monotonic()
                r = admin.post("/admin/imports", data={"kind": "schools"}, files=files)
                answer.update(status=r.status_code, start=t0, end=time.monotonic())

            thread = threading.Thread(target=upload)
            thread.start()
            pushes = _pushes_while(tablet, bodies, thread.is_alive)
            thread.join()
            slowest = max(pushes, key=lambda p: p["s"])
            x = {
                "status": answer["status"],
                "upload_s": answer["end"] - answer["start"],
                # Where the slowest push began, in seconds before the upload's answer.
                "slowest_before_answer_s": answer["end"] - slowest["at"],
                **_stats(pushes),
            }
            out["uploads"].append(x)
            log(f"uploads: {x}")
        seconds = statistics.median(x["upload_s"] for x in out["uploads"])
        deadline = time.monotonic() + seconds
        out["calm"] = _stats(_pushes_while(tablet, bodies, lambda: time.monotonic() < deadline))
        log(f"uploads calm: {out['calm']}")
    return out


def report(r: dict[str, Any]) -> list[str]:
    if "error" in r:
        return ["## Sync while a spreadsheet is checked", "", f"Failed: {r['error']}", ""]
    lines = [
        "## Sync while a spreadsheet is checked (bench/uploads.py)",
        "",
        f"One tablet pushes one record at a time ({PAUSE_S * 1000:.0f} ms between) while an admin uploads a"
        f" {r['rows']:,}-row schools file ({r['file_bytes'] / 1e6:.2f} MB), checked in a report worker process;"
        " then as long with nobody uploading.",
        "",
        "| run | upload s (HTTP) | pushes | p50 ms | p95 ms | max ms | slowest push began, s before the upload's answer |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for i, x in enumerate(r["uploads"], 1):
        lines.append(
            f"| upload {i} | {x['upload_s']:.2f} ({x['status']}) | {x['pushes']} | {x['p50_ms']:.0f} |"
            f" {x['p95_ms']:.0f} | {x['max_ms']:.0f} | {x['slowest_before_answer_s']:.2f} |"
        )
    c = r["calm"]
    lines += [
        f"| calm | — | {c['pushes']} | {c['p50_ms']:.0f} | {c['p95_ms']:.0f} | {c['max_ms']:.0f} | — |",
        "",
    ]
    return lines
