"""One bad record never hurts anyone else (issue 12), over real HTTP: pasted control characters, a null
list answer, records nested hundreds of levels deep, numbers past 64 bits. Each payload is the one named
in the issue; each test checks that the good records beside it are stored and every page still answers."""

from __future__ import annotations

import io
import json
import sqlite3
from typing import Any

import pytest
from openpyxl import load_workbook

from sync.stored import unpack
from tests import report_data as rd
from tests.factories import batch, observation_answers, record

PERIOD = "2568-1"
DATE = "2025-06-10"


@pytest.fixture(scope="module")
def school(shared_server: Any) -> tuple[str, str]:
    db = sqlite3.connect(shared_server.db_path)
    row = db.execute(
        "SELECT s.code, t.id FROM schools s JOIN teachers t ON t.school_code = s.code "
        "WHERE s.network_id = 'N01' ORDER BY s.code, t.id"
    ).fetchone()
    db.close()
    return row[0], row[1]


def receipts(client: Any, *records: dict[str, Any], **extra: Any) -> list[dict[str, Any]]:
    r = client.post("/api/sync/push", json={**batch(*records), **extra})
    assert r.status_code == 200, r.text
    return list(r.json()["receipts"])


def stored(server: Any, rid: str) -> dict[str, Any]:
    db = sqlite3.connect(server.db_path)
    answers = unpack(*db.execute("SELECT answers, texts FROM records WHERE id = ?", [rid]).fetchone())
    db.close()
    return answers


def test_control_characters_are_dropped_and_exports_still_open(shared_server, school):
    code, teacher = school
    pasted = "ครูใช้คำถาม\u0000ดี\u000bมาก\u001b[0m"
    sent = record(rd.observation(code, teacher, DATE, [4] * 9, strengths=pasted))
    with shared_server.client("secretary1") as secretary, shared_server.client("supervisor1") as c:
        assert [r["status"] for r in receipts(c, sent)] == ["stored"]
        assert stored(shared_server, sent["id"])["strengths"] == "ครูใช้คำถามดีมาก[0m"
        # A record stored before this rule (or by another path) still has them: the export must not fail.
        db = sqlite3.connect(shared_server.db_path)
        db.execute(
            "UPDATE records SET answers = json_set(answers, '$.topic', 'ก' || char(0) || 'ข' || char(27)) "
            "WHERE id = ?",
            [sent["id"]],
        )
        db.commit()
        db.close()
        xlsx = secretary.get(f"/reports/network/N01/export.xlsx?period={PERIOD}")
        assert xlsx.status_code == 200
        sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
        texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
        assert "กข" in texts and "ครูใช้คำถามดีมาก[0m" in texts
        csv = secretary.get(f"/reports/network/N01/export.csv?period={PERIOD}")
        assert csv.status_code == 200 and "\x00" not in csv.text and "กข" in csv.text


def test_a_null_list_answer_is_stored_as_the_empty_list_and_the_summary_still_answers(shared_server, school):
    code, teacher = school
    answers = rd.reflection(code, teacher, DATE)
    answers["previous_actions"] = None
    sent = record(answers, form_id="reflection", form_version=rd.FORMS["reflection"].version)
    with shared_server.client("supervisor1") as c:
        assert [r["status"] for r in receipts(c, sent)] == ["stored"]
    assert stored(shared_server, sent["id"])["previous_actions"] == []
    # A record stored before answers were normalized still holds the null: the reports read it as [].
    db = sqlite3.connect(shared_server.db_path)
    db.execute(
        "UPDATE records SET answers = json_set(answers, '$.previous_actions', json('null')) WHERE id = ?",
        [sent["id"]],
    )
    db.commit()
    db.close()
    with shared_server.client("secretary1") as secretary:
        for path in ("", "/print", "/themes"):
            assert secretary.get(f"/reports/network/N01{path}?period={PERIOD}").status_code == 200


def deep(depth: int) -> str:
    """JSON text of a list nested `depth` levels (written out: Python's own encoder stops near 1,000)."""
    return "[" * depth + '"x"' + "]" * depth


@pytest.mark.parametrize(
    ("poison", "where", "depth"),
    [
        pytest.param(
            record(answers={"school": "49010001", "deep": "DEEP"}), "answers", 600, id="answers-600"
        ),
        pytest.param(record(device_time="DEEP"), "record", 1200, id="record-1200"),
        pytest.param(record(observation_answers(enrolled=2**63)), "", 0, id="2^63"),
    ],
)
def test_a_poison_record_is_rejected_alone_and_the_good_ones_are_stored(shared_server, poison, where, depth):
    before, after = record(), record()
    body = json.dumps(batch(before, poison, after)).replace('"DEEP"', deep(depth))
    with shared_server.client("supervisor1") as c:
        r = c.post("/api/sync/push", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    first, bad, last = r.json()["receipts"]
    assert (bad["status"], bad["id"], bad["rev"]) == ("rejected", poison["id"], poison["rev"])
    assert bad["code"] == ("invalid_answers" if not depth else "malformed_record") and bad["message"]
    assert first["status"] == last["status"] == "stored"


def test_a_count_past_64_bits_is_a_clear_400_for_the_batch(shared_server):
    with shared_server.client("supervisor1") as c:
        r = c.post("/api/sync/push", json={**batch(record()), "pending": 2**63})
    assert (r.status_code, r.json()["code"]) == (400, "malformed_batch")
    assert "pending" in r.json()["detail"]
