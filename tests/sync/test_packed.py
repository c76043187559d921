"""Answers are stored with their long free texts compressed beside them (sync/stored.py, m025): they read back
exactly as sent, everywhere they are read, while the reports' fields stay queryable in SQL; and a new
database file has pages large enough to hold such rows several to a page (server/db.py)."""

from __future__ import annotations

import sqlite3
from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from server.db import connect
from server.observations import record_with_revisions
from sync.feed import pull
from sync.stored import LONG, pack, unpack
from tests.conftest import persona
from tests.factories import observation_answers, record
from tests.sync.test_apply import push

TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B) | st.sampled_from(' \n"\\aZ1\u200b'),
    max_size=3 * LONG,
)
#: What JSON carries: no NaN or infinity (msgspec refuses 1e999 in a body and would write inf as null).
SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
ANSWERS = st.dictionaries(st.text(max_size=12), VALUE, max_size=12)
#: Answers under field names (XLSForm names: what the reports' json_extract paths name).
NAMED = st.dictionaries(st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True), VALUE, max_size=12)

#: Evidence as an observer writes it: distinct sentences, none repeated (nothing for zlib to find twice).
EVIDENCE = [
    "ครูเปิดบทเรียนด้วยการทบทวนคำศัพท์จากนิทานเมื่อวาน นักเรียนแถวหน้าตอบได้ทันที แต่แถวหลังยังเงียบ",
    "ระหว่างทำใบงานครูเดินดูทุกกลุ่มและถามว่าทำไมจึงเลือกคำตอบนั้น นักเรียนสองคนอธิบายเหตุผลได้ชัดเจน",
    "เมื่อนักเรียนคนหนึ่งอ่านผิด ครูให้เพื่อนช่วยแก้และชมความพยายาม บรรยากาศในห้องเป็นกันเองไม่ตึงเครียด",
    "ช่วงท้ายชั่วโมงเวลาไม่พอ ครูจึงสรุปเองแทนการให้นักเรียนสรุป ควรวางแผนเวลาของกิจกรรมกลุ่มให้กระชับขึ้น",
    "มุมหนังสือมีนิทานภาพที่นักเรียนทำเองจากเรื่องเล่าในชุมชน นักเรียนหยิบอ่านระหว่างรอเพื่อนทำงานเสร็จ",
    "ครูใช้บัตรคำสีต่างกันแยกสระเสียงสั้นและเสียงยาว นักเรียนชั้นคละจับคู่กันฝึกอ่านโดยรุ่นพี่ช่วยรุ่นน้อง",
    "นักเรียนบางคนยังสับสนการผันวรรณยุกต์ ครูควรให้ตัวอย่างเพิ่มและตรวจความเข้าใจทีละคนก่อนให้ทำแบบฝึก",
    "ครูตั้งคำถามปลายเปิดว่าถ้าเป็นตัวละครในเรื่องจะทำอย่างไร นักเรียนหลายคนยกมือแสดงความคิดเห็นของตนเอง",
    "การเปลี่ยนกิจกรรมแต่ละช่วงใช้สัญญาณมือที่ตกลงกันไว้ นักเรียนหยุดฟังทันทีโดยครูไม่ต้องขึ้นเสียง",
]


def _encoded(answers: dict[str, Any]) -> bytes:
    return msgspec.json.encode(answers)


@given(ANSWERS)
def test_answers_read_back_exactly_as_they_were_stored(answers):
    stored = pack(answers)
    again = unpack(stored.answers, stored.texts)
    assert _encoded(again) == _encoded(answers)  # the same values, keys in the same order
    assert stored.size == len(_encoded(answers))


@given(NAMED)
def test_every_short_answer_stays_where_sql_reads_it(answers):
    stored = pack(answers)
    conn = sqlite3.connect(":memory:")
    for key, value in answers.items():
        if isinstance(value, str | int | float) and not isinstance(value, bool) and len(str(value)) < LONG:
            got = conn.execute("SELECT json_extract(?, ?)", [stored.answers, f"$.{key}"]).fetchone()[0]
            assert got == value or (isinstance(value, float) and abs(got - value) <= abs(value) * 1e-15)


def _observation(**overrides: Any) -> dict[str, Any]:
    answers = observation_answers(scores=[2, 5, 2, 5, 2, 5, 2, 5, 2], **overrides)
    for i, key in enumerate(k for k in answers if k.endswith("_evidence")):
        answers[key] = EVIDENCE[i] + " " + EVIDENCE[(i + 4) % len(EVIDENCE)]
    return answers


def test_an_observation_is_stored_in_fewer_bytes_and_pulled_back_whole(demo_db, forms):
    sent = record(_observation())
    assert push(demo_db, forms, "supervisor1", sent)[0].status == "stored"
    answers, texts, size = demo_db.execute(
        "SELECT answers, texts, answers_bytes FROM records WHERE id = ?", [sent["id"]]
    ).fetchone()
    whole = len(_encoded(sent["answers"]))
    assert size == whole and texts is not None
    assert "ครูเปิดบทเรียน" not in answers and "ครูเปิดบทเรียน".encode() not in texts  # compressed, not copied
    assert len(answers.encode()) + len(texts) < whole * 0.6
    # The short answers the reports query are still in the JSON.
    row = demo_db.execute(
        "SELECT json_extract(answers, '$.visit_date'), json_extract(answers, '$.feedback') FROM records"
    ).fetchone()
    assert row == (sent["answers"]["visit_date"], sent["answers"]["feedback"])
    [pulled] = pull(demo_db, persona(demo_db, "supervisor1"), 0).records
    assert _encoded(pulled.answers) == _encoded(sent["answers"])


def test_every_revision_of_a_record_keeps_its_own_texts(demo_db, forms):
    first = record(_observation(strengths=EVIDENCE[0]))
    push(demo_db, forms, "supervisor1", first)
    edited = record(_observation(strengths=EVIDENCE[1]), rid=first["id"], base_rev=first["rev"])
    rival = record(_observation(strengths=EVIDENCE[2]), rid=first["id"], base_rev=first["rev"])
    assert [r.status for r in push(demo_db, forms, "supervisor1", edited, rival)] == ["stored", "conflict"]
    shown = record_with_revisions(demo_db, persona(demo_db, "supervisor1"), first["id"])
    assert shown is not None
    kept = {v["rev"]: (v["state"], v["answers"]["strengths"]) for v in shown["revisions"]}
    assert kept == {
        first["rev"]: ("superseded", EVIDENCE[0]),
        edited["rev"]: ("current", EVIDENCE[1]),
        rival["rev"]: ("conflict", EVIDENCE[2]),
    }


def test_records_stored_before_packing_read_and_edit_as_before(demo_db, forms):
    """A database from before m025: its rows are whole JSON (no `texts`); an edit packs the new revision and
    the one it replaces keeps its whole JSON."""
    old = record(_observation(strengths=EVIDENCE[3]))
    push(demo_db, forms, "supervisor1", old)
    whole = _encoded(old["answers"]).decode()
    demo_db.execute("UPDATE records SET answers = ?, texts = NULL, answers_bytes = NULL", [whole])
    [before] = pull(demo_db, persona(demo_db, "supervisor1"), 0).records
    assert before.answers == old["answers"]
    edit = record(_observation(strengths=EVIDENCE[4]), rid=old["id"], base_rev=old["rev"])
    assert push(demo_db, forms, "supervisor1", edit)[0].status == "stored"
    shown = record_with_revisions(demo_db, persona(demo_db, "supervisor1"), old["id"])
    assert shown is not None
    assert {v["rev"]: v["answers"]["strengths"] for v in shown["revisions"]} == {
        old["rev"]: EVIDENCE[3],
        edit["rev"]: EVIDENCE[4],
    }


def test_a_new_database_has_16_kb_pages_and_an_old_one_keeps_its_own(tmp_path):
    new = connect(tmp_path / "new.db")
    new.execute("CREATE TABLE t (x)")
    assert new.execute("PRAGMA page_size").fetchone()[0] == 16384
    assert new.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    new.close()

    made_before = sqlite3.connect(tmp_path / "old.db")  # 4 KB pages, WAL, one row
    made_before.executescript("PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);")
    made_before.close()
    old = connect(tmp_path / "old.db")
    assert old.execute("PRAGMA page_size").fetchone()[0] == 4096
    assert old.execute("SELECT x FROM t").fetchall() == [(1,)]
    old.close()
