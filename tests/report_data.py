"""Builders of valid records of the four tools, for report tests (checked with forms.validate), and a
way to store them through the one write path (sync/apply.py), as a pushed batch would."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import msgspec
import sqlite_utils

from core.actor import Actor
from forms.loader import builtin_forms
from forms.validate import validate
from server.reports import derived
from sync.apply import apply_batch
from sync.wire import PushBatch
from tests.factories import ELEMENTS

#: The newest version of each form (reflection 2 closes the earlier visit's actions).
FORMS = {f.id: f for f in sorted(builtin_forms(), key=lambda f: f.version)}
VERSIONS = {(f.id, f.version): f for f in builtin_forms()}
STRENGTH_TEXTS = [
    "ครูใช้คำถามปลายเปิดให้นักเรียนอธิบายเหตุผล",
    "นักเรียนทำงานกลุ่มและช่วยเหลือกันอย่างดี",
    "ครูใช้สื่อของจริงจากชุมชนประกอบการสอน",
]
DEVELOP_TEXTS = [
    "ควรเพิ่มการตรวจสอบความเข้าใจก่อนเปลี่ยนกิจกรรม",
    "ควรให้ข้อมูลป้อนกลับที่เฉพาะเจาะจงกับงานเขียน",
]


def school_and_teacher(db_path: Path, network: str = "N01") -> tuple[str, str]:
    """The first school of `network` (by code) and its first teacher, read from a database file."""
    db = sqlite3.connect(db_path)
    try:
        school, teacher = db.execute(
            "SELECT s.code, t.id FROM schools s JOIN teachers t ON t.school_code = s.code "
            "WHERE s.network_id = ? ORDER BY s.code, t.id LIMIT 1",
            [network],
        ).fetchone()
    finally:
        db.close()
    return school, teacher


def observation(
    school: str, teacher: str, date: str, scores: list[int], *, session: str = "morning",
    grade: str = "p3", area: str = "thai", start: str = "09:00", end: str = "10:00",
    snapshots: list[tuple[str, str]] | None = None, strengths: str | None = None, develop: str | None = None,
    develop_elements: list[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    answers: dict[str, Any] = {
        "school": school, "visit_date": date, "session": session, "teacher": teacher, "grade": grade,
        "learning_area": area, "topic": "การอ่านจับใจความ", "start_time": start, "end_time": end,
        "enrolled": 24, "present": 22, "multigrade": "no",
        "strengths": strengths or STRENGTH_TEXTS[0], "develop_elements": develop_elements or ["feedback"],
        "develop_text": develop or DEVELOP_TEXTS[0],
    }  # fmt: skip
    for name, score in zip(ELEMENTS, scores, strict=True):
        answers[name] = score
        if score <= 2 or score == 5:
            answers[f"{name}_evidence"] = "หลักฐานจากการสังเกต"
    mean = round(sum(scores) / 9, 2)
    answers["mean_score"] = int(mean) if mean == int(mean) else mean
    if snapshots:
        answers["time_on_task"] = [
            {"at": f"09:{10 * i:02d}", "activity": a, "off_task": o} for i, (a, o) in enumerate(snapshots)
        ]
    return answers


def reflection(school: str, teacher: str, date: str, *, session: str = "morning", actions: int = 2,
               support: int = 1, in_notebook: bool = False, closing: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    """A reflection meeting; `closing`: the statuses given to the previous visit's actions."""
    day = dt.date.fromisoformat(date)
    previous: dict[str, Any] = {}
    if closing:
        previous = {
            "previous_meeting_date": (day - dt.timedelta(days=30)).isoformat(),
            "previous_actions": [
                {"previous_action": f"ข้อตกลงเดิมที่ {i + 1}", "previous_status": status,
                 **({"previous_note": "ยังขาดสื่อ"} if status == "not_done" else {})}
                for i, status in enumerate(closing)
            ],
        }  # fmt: skip
    return {
        **previous,
        "school": school, "visit_date": date, "session": session, "start_time": "13:00", "end_time": "14:00",
        "participants": ["supervisor", "teacher"], "participant_count": 4,
        "teachers": [{
            "teacher": teacher, "aar_intended": "ให้นักเรียนอ่านจับใจความได้", "aar_happened": "นักเรียนส่วนใหญ่ทำได้",
            "aar_why": "มีสื่อที่เหมาะสม", "aar_next": "เพิ่มการตรวจสอบความเข้าใจ", "pupil_evidence": "ใบงานของนักเรียน",
            "agreed_strengths": "การใช้คำถาม", "focuses": ["feedback"], "agreement": "agree",
        }],
        "actions": [
            {"action": f"ข้อตกลงที่ {i + 1}", "owner": "ครูผู้สอน", "due_date": (day + dt.timedelta(days=14)).isoformat(),
             "support_needed": "yes" if i < support else "no",
             **({"support_text": "ขอสื่อการอ่านเพิ่มเติม"} if i < support else {})}
            for i in range(actions)
        ],
        "written_in_notebook": "no", "next_follow_up": (day + dt.timedelta(days=30)).isoformat(),
        "recorder": {"name": "ศน.ทดสอบ", "at": f"{date}T14:00"},
    }  # fmt: skip


def policy(school: str, date: str, statuses: dict[str, str], *, session: str = "afternoon") -> dict[str, Any]:
    answers: dict[str, Any] = {
        "school": school,
        "visit_date": date,
        "session": session,
        "informant": "ผู้อำนวยการ",
    }
    for code, status in statuses.items():
        answers[f"{code}_status"] = status
        if status == "not_applicable":
            continue
        answers[f"{code}_finding"] = "พบการดำเนินงานตามแผน"
        if status in ("done", "in_progress"):
            answers[f"{code}_evidence"] = ["document"]
        if status == "not_done":
            answers[f"{code}_obstacle"] = "ขาดงบประมาณและบุคลากร"
            answers[f"{code}_support"] = "ขอรับการสนับสนุนงบประมาณ"
        if status == "done":
            answers[f"{code}_good_practice"] = "จัดตารางซ่อมเสริมการอ่านทุกเช้า"
    return answers


def pupil_v1(code: str, grade: str, words_attempted: int, words_wrong: int, passage_attempted: int,
             passage_wrong: int, seconds: int = 60) -> dict[str, Any]:  # fmt: skip
    """A pupil of literacy version 1 (one word list and passage for every grade)."""
    zero = words_attempted - words_wrong == 0
    p: dict[str, Any] = {
        "pupil_code": code, "sex": "f", "pupil_grade": grade,
        "word_grid": {"wrong": list(range(words_wrong)), "attempted": words_attempted, "seconds": seconds,
                      "stopped_early": zero and words_wrong >= 5},
        "passage_grid": {"wrong": list(range(passage_wrong)), "attempted": passage_attempted, "seconds": seconds,
                         "stopped_early": False},
        "dictation": ["d1"], "num_identify": ["n7", "n15"],
    }  # fmt: skip
    for q, need in (("comp_q1", 8), ("comp_q2", 19), ("comp_q3", 26)):
        if passage_attempted >= need:
            p[q] = "correct"
    return p


#: Literacy v2: each grade's band (its words, passage, dictation and numeracy items).
BAND = {"p1": "p1", "p2": "p23", "p3": "p23", "p4": "p46", "p5": "p46", "p6": "p46"}


def pupil(
    code: str, grade: str, words_correct: int, writing: tuple[int, str], numeracy: int
) -> dict[str, Any]:
    """A pupil of literacy version 2: `words_correct` of the band's 25 words (read to the end, no passage
    question reached), `writing` = (dictation words right, sentence level), `numeracy` items right of 10."""
    band = BAND[grade]
    attempted = 25 if words_correct else 5  # no word right: the first row, then the early stop
    p: dict[str, Any] = {
        "pupil_code": code, "sex": "m", "pupil_grade": grade,
        f"words_{band}": {"wrong": list(range(words_correct, attempted)), "attempted": attempted, "seconds": 60,
                          "stopped_early": not words_correct},
        f"passage_{band}": {"wrong": [], "attempted": 3, "seconds": 60, "stopped_early": False},
        "sentence": writing[1],
    }  # fmt: skip
    if writing[0]:
        p[f"dictation_{band}"] = [f"d{i}" for i in range(1, writing[0] + 1)]
    if numeracy:
        p[f"numeracy_{band}"] = [f"n{i}" for i in range(1, numeracy + 1)]
    return p


def literacy(
    school: str, date: str, grade: str, pupils: list[dict[str, Any]], *, session: str = "morning"
) -> dict[str, Any]:
    return {"school": school, "visit_date": date, "session": session, "class_grade": grade, "pupils": pupils}


def assert_valid(form_id: str, answers: dict[str, Any], version: int | None = None) -> None:
    problems = validate(VERSIONS[(form_id, version)] if version else FORMS[form_id], answers)
    assert not problems, (form_id, problems)


def store(db: sqlite_utils.Database, actor: Actor, form_id: str, answers: dict[str, Any], *, device: str = "tablet-a",
          pending: int = 0, version: int | None = None) -> str:  # fmt: skip
    """Validate, then push through sync/apply.py (the one write path) inside a transaction; the newest
    version of the form unless `version` says otherwise."""
    assert_valid(form_id, answers, version)
    version = version or FORMS[form_id].version
    rid = str(uuid.uuid4())
    raw = msgspec.json.encode(
        {"id": rid, "rev": f"r-{uuid.uuid4().hex[:12]}", "base_rev": None, "form_id": form_id, "form_version": version,
         "answers": answers, "device_time": f"{answers['visit_date']}T10:00:00+07:00"}
    )  # fmt: skip
    batch = PushBatch(device_id=device, app_version="test-1", pending=pending, records=[msgspec.Raw(raw)])

    def lookup(fid: str, version: int) -> Any:
        return VERSIONS.get((fid, version))

    with db.atomic():
        receipts = apply_batch(
            db,
            actor,
            batch,
            lookup,
            now=dt.datetime.now(dt.UTC).isoformat(),
            max_record_bytes=1 << 20,
            derived=derived.write,
        )
    assert receipts[0].status == "stored", receipts[0]
    return rid


def random_scores(rng: random.Random) -> list[int]:
    return [rng.choice((1, 2, 3, 3, 4, 4, 5)) for _ in ELEMENTS]
