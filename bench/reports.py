"""Network summary over 100,000 and 1,000,000 observations, generated straight into the app schema."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sqlite3
import statistics
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from bench import data, report_queries
from bench.nithet import WORK
from forms.validate import validate
from server import demo
from server.db import connect
from server.migrations import apply as migrate
from server.reports import checklist, scores
from sync.stored import VISIT_DATE, pack, unpack

#: Bump when the generated data changes, so cached databases are rebuilt.
#: 2: the observation_scores table is filled too; 3: a current revision keeps no answers (m021);
#: 4: valid kindergarten rows, Active Learning ticks and the observation_checklist table.
GENERATOR = 7  # 5: answers stored packed (m025); 6: 16 KB pages (server/db.py); 7: observations in visits
#: The classrooms observed at one visit (every classroom of a small school, DOMAIN.md "Visit").
ROOMS = (3, 8)
SESSIONS = ("morning", "afternoon")
NETWORK = "N02"  # 17 schools: one of the two largest networks
SEMESTER = data.SEMESTERS[2]  # 2568-1
CHUNK = 20_000


def _rows(
    schools: list[data.School], count: int, seed: int
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    rng = random.Random(seed)
    text = data.pooled_text()
    received = "2026-01-01T00:00:00+00:00"
    left = 0
    for seq in range(1, count + 1):
        if not left:  # a visit: one school, one day, one session, every classroom (3 to 8) observed
            school, day, session = rng.choice(schools), data.random_date(rng), rng.choice(SESSIONS)
            left = rng.randint(*ROOMS)
        left -= 1
        ans = data.answers(rng, school, day, text, rules=False, session=session)
        if seq <= 2000:  # the fast generator must stay valid: check a sample
            assert not validate(data.FORM, ans), validate(data.FORM, ans)
        encoded = msgspec.json.encode(ans).decode()
        rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        rev = f"r-1-{rng.getrandbits(48):012x}"
        digest = hashlib.sha256(encoded.encode()).hexdigest()
        stored = pack(ans)
        yield (
            {
                "id": rid,
                "form_id": "observation",
                "form_version": 1,
                "network_id": school.network_id,
                "school_code": school.code,
                "visit_id": None,
                "author_id": 3,
                "rev": rev,
                "content_hash": digest,
                "answers": stored.answers,
                "texts": stored.texts,
                "answers_bytes": stored.size,
                "device_time": f"{ans['visit_date']}T{ans['end_time']}:00+07:00",
                "created_at": received,
                "updated_at": received,
                "conflicts": 0,
                "seq": seq,
            },
            {
                "record_id": rid,
                "rev": rev,
                "base_rev": None,
                "content_hash": digest,
                "form_version": 1,
                "answers": None,  # the current revision's answers are the record's (m021)
                "author_id": 3,
                "device_id": f"tablet-{school.network_id}",
                "received_at": received,
                "state": "current",
            },
        )


def build(
    count: int, seed: int, log: Any = print, networks: set[str] | None = None
) -> tuple[Path, float | None]:
    """A database of `count` observations (cached in bench/work), over the schools of `networks` (default
    all); returns it and the build seconds."""
    only = "-" + "-".join(sorted(networks)) if networks else ""
    path = WORK / "reports" / f"observations-{count}{only}-g{GENERATOR}.db"
    if path.exists():
        db = connect(path)
        migrate(db)  # a database cached by an earlier run gets any newer migration
        db.close()
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    start = time.perf_counter()
    db = connect(tmp)
    db.execute("PRAGMA journal_mode=OFF")  # a fixture: no need for crash safety while filling it
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-1000000")
    migrate(db)
    with db.atomic():
        demo.seed(db, dt.date(2025, 6, 2))
    schools = data.load_schools_from(db, networks)
    rows = _rows(schools, count, seed)
    done = 0
    while done < count:
        chunk = [next(rows) for _ in range(min(CHUNK, count - done))]
        with db.atomic():
            db["records"].insert_all([r for r, _ in chunk], batch_size=500)
            db["revisions"].insert_all([v for _, v in chunk], batch_size=500)
            db.conn.executemany(  # the area report's narrow table, which sync/apply.py fills on the write path
                f"INSERT INTO {checklist.TABLE} (network_id, visit_date, record_id, field, value) VALUES (?, ?, ?, ?, ?)",
                [
                    m
                    for r, _ in chunk
                    for m in checklist.rows(r["id"], r["network_id"], unpack(r["answers"], r["texts"]))
                ],
            )
        done += len(chunk)
        if done % 200_000 == 0:
            log(f"  {done:,} of {count:,} rows")
    with db.atomic():
        scores.backfill(db)  # the reports' narrow table, which sync/apply.py fills on the write path
    db.execute("UPDATE counters SET value = (SELECT max(seq) FROM records) WHERE name = 'seq'")
    db.execute("ANALYZE")
    db.execute("PRAGMA journal_mode=WAL")
    db.close()
    tmp.rename(path)
    return path, time.perf_counter() - start


def _summary_fn() -> Any:
    try:
        from server.reports import network_summary  # type: ignore[import-not-found]

        return network_summary, "server.reports.network_summary"
    except ImportError:
        return report_queries.network_summary, "bench/report_queries.py (stand-in)"


def time_summary(path: Path, repeats: int) -> dict[str, Any]:
    summary, source = _summary_fn()
    _, first, last = SEMESTER
    conn = sqlite3.connect(path)
    try:
        result = summary(conn, NETWORK, first, last)  # warm the page cache once
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            summary(conn, NETWORK, first, last)
            times.append(time.perf_counter() - t0)
        per_query = {}
        for name, sql in report_queries.QUERIES.items():
            t0 = time.perf_counter()
            conn.execute(sql, (NETWORK, first, last)).fetchall()
            per_query[name] = 1000 * (time.perf_counter() - t0)
        plans = {
            name: [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, (NETWORK, first, last))]
            for name, sql in report_queries.QUERIES.items()
        }
        total = conn.execute("SELECT count(*) FROM records").fetchone()[0]
    finally:
        conn.close()
    return {
        "source": source,
        "records": total,
        "observations_in_summary": result["count"],
        "schools_in_summary": len(result["schools"]),
        "median_ms": 1000 * statistics.median(times),
        "runs_ms": [round(1000 * t, 1) for t in times],
        "per_query_ms": per_query,
        "plans": plans,
    }


def report_index_names(path: Path) -> list[tuple[str, str]]:
    """The indexes that migration m003_report_indexes adds (empty before it exists)."""
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_records_report%'"
        ).fetchall()


def without_report_indexes(path: Path, repeats: int) -> dict[str, Any] | None:
    """The same timing with m003's indexes dropped (the 'before'), then restored."""
    indexes = report_index_names(path)
    if not indexes:
        return None
    conn = sqlite3.connect(path)
    try:
        for name, _ in indexes:
            conn.execute(f"DROP INDEX {name}")
        conn.commit()
        conn.close()
        return time_summary(path, repeats)
    finally:
        conn = sqlite3.connect(path)
        for _, sql in indexes:
            conn.execute(sql)
        conn.commit()
        conn.close()


PROTO = "bench_observation_scores"


def proto_scores(path: Path, repeats: int) -> dict[str, Any]:
    """A prototype of the fix proposed in RESULTS.md, kept in the bench database only: one narrow row per
    observation (scores out of the JSON), so the per-element query reads integers, not JSON."""
    conn = sqlite3.connect(path)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [PROTO]).fetchone():
            cols = ", ".join(f"{n} INTEGER" for n in data.RATINGS)
            values = ", ".join(f"json_extract(answers, '$.{n}')" for n in data.RATINGS)
            conn.execute(
                f"CREATE TABLE {PROTO} (record_id TEXT PRIMARY KEY, network_id TEXT, visit_date TEXT, {cols})"
            )
            conn.execute(
                f"INSERT INTO {PROTO} SELECT id, network_id, {VISIT_DATE}, {values} "
                "FROM records WHERE form_id = 'observation'"
            )
            conn.execute(f"CREATE INDEX {PROTO}_period ON {PROTO} (network_id, visit_date)")
            conn.commit()
        _, first, last = SEMESTER
        aggregates = ", ".join(
            f"avg({n})" + "".join(f", sum({n} = {v})" for v in range(1, 6)) for n in data.RATINGS
        )
        sql = f"SELECT {aggregates} FROM {PROTO} WHERE network_id = ? AND visit_date BETWEEN ? AND ?"
        times = []
        for _ in range(repeats + 1):
            t0 = time.perf_counter()
            conn.execute(sql, (NETWORK, first, last)).fetchone()
            times.append(time.perf_counter() - t0)
    finally:
        conn.close()
    return {"median_ms": 1000 * statistics.median(times[1:])}


def run(sizes: list[int], repeats: int, seed: int, log: Any = print) -> dict[str, Any]:
    out: dict[str, Any] = {"network": NETWORK, "semester": SEMESTER, "sizes": {}}
    for count in sizes:
        try:
            path, built = build(count, seed, log)
            result = time_summary(path, repeats)
            result["build_s"] = built
            result["file_mb"] = path.stat().st_size / 1e6
            if count == max(sizes):
                result["before_indexes"] = without_report_indexes(path, repeats)
                if result["median_ms"] > 100:
                    result["proto_scores"] = proto_scores(path, repeats)
        except Exception as exc:
            result = {"error": f"{type(exc).__name__}: {exc}"}
        log(f"reports {count:,}: {result}")
        out["sizes"][count] = result
    return out
