"""The area report's Active Learning and multigrade counts come from a narrow table written at ingest
(server/reports/checklist.py): it follows the one write path through edits, equals what the migration's frozen
backfill builds from the records, and the area page over HTTP shows the same figures as a recount of
the records' JSON."""

from __future__ import annotations

import datetime as dt
import html
import re
import sqlite3
from collections import Counter
from typing import Any

import msgspec

from server.migrations.m02x import m022_observation_checklist
from server.reports import checklist, derived
from sync.apply import apply_batch
from sync.stored import unpack
from sync.wire import PushBatch
from tests import report_data as rd
from tests.conftest import persona
from tests.server.reports_client import push

TICKS = [["hands_on", "group_work"], ["hands_on"], ["hands_on", "objective_shared"], []]


def _table(db: Any) -> list[tuple[Any, ...]]:
    return db.execute(f"SELECT * FROM {checklist.TABLE} ORDER BY record_id, field, value").fetchall()


def _observations(db: Any, school: str) -> list[str]:
    sup = persona(db, "supervisor1")
    teachers = [
        r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])
    ]
    ids = []
    for i, ticks in enumerate(TICKS):
        answers = rd.observation(school, teachers[i], "2025-06-10", [3] * 9) | {"active_learning": ticks}
        answers["multigrade"] = "yes" if i == 0 else "no"
        ids.append(rd.store(db, sup, "observation", answers))
    return ids


def test_the_table_follows_edits_and_equals_the_migrations_backfill(demo_db):
    school = "49010001"
    ids = _observations(demo_db, school)
    rows = _table(demo_db)
    assert [(r[2], r[3], r[4]) for r in rows if r[2] == ids[0]] == [
        (ids[0], "active_learning", "group_work"), (ids[0], "active_learning", "hands_on"),
        (ids[0], "multigrade", "yes"),
    ]  # fmt: skip
    assert not [r for r in rows if r[2] == ids[3] and r[3] == "active_learning"]

    # An edit moves the record to another day and changes its ticks: its old rows go.
    rev, raw, texts = demo_db.execute(
        "SELECT rev, answers, texts FROM records WHERE id = ?", [ids[0]]
    ).fetchone()
    edited = unpack(raw, texts) | {"visit_date": "2025-06-11", "active_learning": ["open_questions"]}
    body = msgspec.json.encode({"id": ids[0], "rev": "r-edit-000001", "base_rev": rev, "form_id": "observation",
                                "form_version": rd.FORMS["observation"].version, "answers": edited,
                                "device_time": "2025-06-11T10:00:00+07:00"})  # fmt: skip
    sup = persona(demo_db, "supervisor1")
    with demo_db.atomic():
        receipts = apply_batch(demo_db, sup, PushBatch(device_id="tablet-a", records=[msgspec.Raw(body)]),
                               lambda f, v: rd.FORMS[f], now=dt.datetime.now(dt.UTC).isoformat(),
                               max_record_bytes=1 << 20, derived=derived.write)  # fmt: skip
    assert receipts[0].status == "stored", receipts
    after = _table(demo_db)
    assert [(r[1], r[3], r[4]) for r in after if r[2] == ids[0]] == [
        ("2025-06-11", "active_learning", "open_questions"), ("2025-06-11", "multigrade", "yes")
    ]  # fmt: skip

    # The migration's own SQL, run again from scratch, builds the same rows from the records.
    with demo_db.atomic():
        demo_db.execute(f"DROP TABLE {checklist.TABLE}")
        m022_observation_checklist(demo_db)
    assert _table(demo_db) == after


def _recount(path: str, networks: set[str], first: str, last: str) -> tuple[int, Counter[str], int]:
    db = sqlite3.connect(path)
    n, ticked, multigrade = 0, Counter[str](), 0
    for network, raw, texts in db.execute(
        "SELECT network_id, answers, texts FROM records WHERE form_id = 'observation'"
    ):
        answers = unpack(raw, texts)
        if network in networks and first <= answers.get("visit_date", "") <= last:
            n += 1
            ticked.update(answers.get("active_learning") or [])
            multigrade += answers.get("multigrade") == "yes"
    db.close()
    return n, ticked, multigrade


def test_the_area_page_shows_the_records_checklist(shared_server, login):
    db = sqlite3.connect(shared_server.db_path)
    school = db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code").fetchone()[0]
    teachers = [
        r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])
    ]
    label = db.execute(
        "SELECT definition FROM form_versions WHERE form_id = 'observation' ORDER BY version DESC"
    )
    choices = msgspec.json.decode(label.fetchone()[0])["choices"]["active_learning"]
    db.close()
    sup = login("supervisor1")
    for i, ticks in enumerate(TICKS):
        answers = rd.observation(school, teachers[i], "2025-07-01", [4] * 9) | {"active_learning": ticks}
        push(sup, "observation", answers | {"multigrade": "yes" if i < 2 else "no"}, "tablet-area")

    page = login("deputy1").get("/reports/area?period=2568-1")
    assert page.status_code == 200
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.text))
    text = " ".join(text.split())
    n, ticked, multigrade = _recount(str(shared_server.db_path), {f"N{i:02d}" for i in range(1, 11)},
                                     "2025-05-16", "2025-10-31")  # fmt: skip
    assert n >= len(TICKS) and ticked["hands_on"] >= 3 and multigrade >= 2
    section = text[text.index("(Active Learning) (") :]
    assert section.startswith(f"(Active Learning) ({n} "), section[:400]
    for choice in choices:
        pct = round(ticked[choice["value"]] * 100 / n, 1)
        assert f"{choice['label']['th']} {pct}" in section, (choice, pct, section[:600])
    assert f"{multigrade}" in section, section[:600]
