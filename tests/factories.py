"""Valid records to push, as a tablet would send them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

ELEMENTS = [
    "positive_climate", "behaviour_expectations", "lesson_facilitation", "checks_for_understanding", "feedback",
    "critical_thinking", "autonomy", "perseverance", "social_collaboration",
]  # fmt: skip
SCHOOL_N01 = "49010001"
TEACHER_N01 = "49010001-01"
SCHOOL_N03 = "49030001"
TEACHER_N03 = "49030001-01"


def observation_answers(
    school: str = SCHOOL_N01, teacher: str = TEACHER_N01, scores: list[int] | None = None, **overrides: Any
) -> dict[str, Any]:
    scores = scores or [4, 3, 4, 3, 4, 3, 4, 3, 4]
    answers: dict[str, Any] = {
        "school": school,
        "visit_date": dt.date(2026, 11, 20).isoformat(),
        "session": "morning",
        "teacher": teacher,
        "grade": "p3",
        "learning_area": "thai",
        "topic": "การอ่านจับใจความ",
        "start_time": "09:00",
        "end_time": "10:00",
        "enrolled": 24,
        "present": 22,
        "multigrade": "no",
        "strengths": "ครูใช้คำถามกระตุ้นให้นักเรียนคิดและอธิบายเหตุผล",
        "develop_elements": ["feedback"],
        "develop_text": "ควรให้ข้อมูลป้อนกลับที่เฉพาะเจาะจงมากขึ้น",
    }
    for name, score in zip(ELEMENTS, scores, strict=True):
        answers[name] = score
        if score <= 2 or score == 5:
            answers[f"{name}_evidence"] = "ครูกล่าวชมนักเรียนที่ตั้งใจทำงาน"
    mean = round(sum(scores) / len(scores), 2)
    answers["mean_score"] = int(mean) if mean == int(mean) else mean
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def record(answers: dict[str, Any] | None = None, *, rid: str | None = None, rev: str | None = None,
           base_rev: str | None = None, **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "id": rid or str(uuid.uuid4()),
        "rev": rev or f"r-{uuid.uuid4().hex[:12]}",
        "base_rev": base_rev,
        "form_id": "observation",
        "form_version": 1,
        "answers": answers if answers is not None else observation_answers(),
        "device_time": "2026-11-20T10:01:00+07:00",
        **extra,
    }


def batch(*records: dict[str, Any], device_id: str = "tablet-test-0001") -> dict[str, Any]:
    return {"device_id": device_id, "app_version": "test", "pending": 0, "records": list(records)}
