"""Deterministic, realistic observation records: Thai field notes, spread over the demo schools."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import random
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from pythainlp.corpus import tnc

from forms.loader import DEFINITIONS, load_file
from forms.rules import compile_rule
from forms.validate import validate
from sync.stored import pack

FORM = load_file(DEFINITIONS / "observation.toml")
RATINGS = [f.name for f in FORM.walk() if f.kind == "rating"]
#: Kindergarten observes an early-years activity; the primary grades a learning area (the form's constraint).
AREAS = [c.value for c in FORM.choices["learning_area"] if c.value != "early_years"]
EARLY = [c.value for c in FORM.choices["early_activity"]]
ACTIVE = [c.value for c in FORM.choices["active_learning"]]
_MEAN = compile_rule(FORM.field("mean_score").calculate)  # type: ignore[union-attr,arg-type]

#: Two academic years (2567, 2568 BE), two semesters each: semester 1 mid-May..October, 2 November..March.
SEMESTERS = [
    ("2567-1", "2024-05-16", "2024-10-31"),
    ("2567-2", "2024-11-01", "2025-03-31"),
    ("2568-1", "2025-05-16", "2025-10-31"),
    ("2568-2", "2025-11-01", "2026-03-31"),
]

TOPIC = ["การบวกเลขสองหลัก", "การอ่านออกเสียงคำควบกล้ำ", "วงจรชีวิตของผีเสื้อ", "แผนที่ชุมชนของเรา",
         "การเขียนเรื่องจากภาพ", "เศษส่วนอย่างง่าย", "ส่วนประกอบของพืช", "ประเพณีบุญบั้งไฟ", "การวัดความยาว",
         "คำที่ประวิสรรชนีย์", "แรงและการเคลื่อนที่", "การทำงานบ้านอย่างปลอดภัย", "Greetings and introductions",
         "การละเล่นพื้นบ้านอีสาน", "การอ่านจับใจความนิทาน", "รูปเรขาคณิตสองมิติ"]  # fmt: skip
PHRASES = [
    "ครูทักทายนักเรียนด้วยรอยยิ้มและเรียกชื่อนักเรียนทุกคน",
    "นักเรียนกล้าถามคำถามและตอบคำถามด้วยความมั่นใจ",
    "ครูบอกจุดประสงค์การเรียนรู้ชัดเจนตั้งแต่ต้นชั่วโมง",
    "มีการใช้สื่อของจริงจากชุมชนประกอบการอธิบาย",
    "ครูเดินดูงานของนักเรียนและให้คำแนะนำเป็นรายบุคคล",
    "นักเรียนทำงานกลุ่มและแบ่งหน้าที่กันอย่างเหมาะสม",
    "ครูใช้คำถามปลายเปิดให้นักเรียนอธิบายเหตุผล",
    "นักเรียนบางส่วนยังไม่เข้าใจขั้นตอนและไม่กล้าถาม",
    "เวลาในการฝึกปฏิบัติค่อนข้างน้อยเมื่อเทียบกับการบรรยาย",
    "ครูชมเชยความพยายามของนักเรียนเมื่อทำโจทย์ยาก",
    "ควรเพิ่มการตรวจสอบความเข้าใจก่อนเปลี่ยนกิจกรรม",
    "ควรให้ข้อมูลป้อนกลับที่เฉพาะเจาะจงมากขึ้นกับงานเขียน",
    "นักเรียนชั้นคละช่วยเหลือรุ่นน้องระหว่างทำแบบฝึก",
    "ห้องเรียนจัดมุมหนังสือและป้ายคำศัพท์ที่ใช้ได้จริง",
    "ครูสรุปบทเรียนร่วมกับนักเรียนและเชื่อมโยงชีวิตประจำวัน",
    "ควรเปิดโอกาสให้นักเรียนเลือกวิธีการนำเสนอผลงาน",
    "นักเรียนส่วนใหญ่ตั้งใจเรียนและปฏิบัติตามข้อตกลงของห้อง",
    "ครูใช้ภาษาถิ่นช่วยอธิบายคำยากให้นักเรียนเข้าใจ",
]  # fmt: skip


#: Thai letters and marks only (`pythainlp.util.isthai` lets digits through too).
THAI_WORD = re.compile("[\u0e01-\u0e4e]+")


@dataclass(frozen=True)
class School:
    code: str
    network_id: str
    teachers: tuple[tuple[str, tuple[str, ...]], ...]  # (teacher id, grades)


def load_schools(db_path: Path, networks: set[str] | None = None) -> list[School]:
    """The demo schools and their teachers, read from a seeded database file."""
    conn = sqlite3.connect(db_path)
    try:
        return load_schools_from(conn, networks)
    finally:
        conn.close()


def load_schools_from(conn: Any, networks: set[str] | None = None) -> list[School]:
    """The same from an open connection (sqlite3 or sqlite-utils)."""
    teachers: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for tid, school, grades in conn.execute("SELECT id, school_code, grades FROM teachers ORDER BY id"):
        teachers.setdefault(school, []).append((tid, tuple(msgspec.json.decode(grades or "[]"))))
    rows = conn.execute("SELECT code, network_id FROM schools ORDER BY code").fetchall()
    return [
        School(code, net, tuple(teachers[code]))
        for code, net in rows
        if (networks is None or net in networks) and code in teachers
    ]


def thai_text(rng: random.Random, low: int, high: int) -> str:
    """Field-note prose of `low`..`high` characters: an observation phrase, then phrases of 4–9 Thai words
    drawn by their frequency in the Thai National Corpus, so that no text repeats itself. zlib takes such
    text to about 32% of its bytes, the seeds' official prose to 23%: the database's size per observation
    errs high, not low (bench/NOTES.md)."""
    words, weights = _corpus()
    target = rng.randint(low, high)
    parts = [rng.choice(PHRASES)]
    size = len(parts[0])
    while size < target:
        phrase = "".join(rng.choices(words, cum_weights=weights, k=rng.randint(4, 9)))
        parts.append(phrase)
        size += len(phrase) + 1
    return " ".join(parts)[:high]


@functools.cache
def _corpus() -> tuple[list[str], list[int]]:
    """The Thai words of the Thai National Corpus (PyThaiNLP's), with cumulative frequencies."""
    pairs = [(w, f) for w, f in tnc.word_freqs() if THAI_WORD.fullmatch(w)]
    return [w for w, _ in pairs], list(itertools.accumulate(f for _, f in pairs))


def _rating(rng: random.Random) -> int:
    return rng.choices((1, 2, 3, 4, 5), weights=(3, 12, 38, 35, 12))[0]


Text = Callable[[random.Random, int, int], str]


def pooled_text(size: int = 2048, seed: int = 1) -> Text:
    """A faster `thai_text` for millions of rows: the same kind of texts, drawn from a pool."""
    rng = random.Random(seed)
    pools: dict[tuple[int, int], list[str]] = {}

    def text(r: random.Random, low: int, high: int) -> str:
        pool = pools.get((low, high))
        if pool is None:
            pool = pools[(low, high)] = [thai_text(rng, low, high) for _ in range(size)]
        return pool[r.randrange(size)]

    return text


def answers(
    rng: random.Random,
    school: School,
    visit_date: str,
    text: Text = thai_text,
    *,
    rules: bool = True,
    session: str | None = None,
) -> dict[str, Any]:
    """One observation (in `session`, else one drawn); `rules=False` computes the mean in Python instead of
    the form's rule (the same results, checked by validating a sample, and much faster)."""
    teacher, grades = rng.choice(school.teachers)
    session = session or rng.choice(("morning", "afternoon"))
    start = (
        rng.randint(8 * 60 + 30, 10 * 60 + 30) if session == "morning" else rng.randint(13 * 60, 14 * 60 + 30)
    )
    end = start + rng.randint(45, 60)
    enrolled = rng.randint(6, 38)
    grade = rng.choice(grades or ("p1",))
    out: dict[str, Any] = {
        "school": school.code,
        "visit_date": visit_date,
        "session": session,
        "teacher": teacher,
        "grade": grade,
        "room": rng.choice(("1", "2", "1/1", "1/2", "")),
        "learning_area": "early_years" if grade == "k" else rng.choice(AREAS),
        "topic": rng.choice(TOPIC),
        "start_time": f"{start // 60:02d}:{start % 60:02d}",
        "end_time": f"{end // 60:02d}:{end % 60:02d}",
        "enrolled": enrolled,
        "present": max(0, enrolled - rng.randint(0, 3)),
        "multigrade": rng.choice(("yes", "no", "no")),
        "active_learning": rng.sample(ACTIVE, rng.randint(0, len(ACTIVE))),
    }
    if grade == "k":
        out["early_activity"] = rng.choice(EARLY)
    scores = {}
    for name in RATINGS:
        score = scores[name] = _rating(rng)
        out[name] = score
        if score <= 2 or score == 5 or rng.random() < 0.3:
            out[f"{name}_evidence"] = text(rng, 40, 220)
    if rules:
        out["mean_score"] = _MEAN.evaluate(out)
    else:
        mean = round(sum(scores.values()) / len(scores), 2)
        out["mean_score"] = int(mean) if mean == int(mean) else mean
    out["strengths"] = text(rng, 120, 450)
    lowest = sorted(RATINGS, key=lambda n: (scores[n], rng.random()))
    out["develop_elements"] = lowest[: rng.randint(1, 3)]
    out["develop_text"] = text(rng, 120, 450)
    if out["room"] == "":
        del out["room"]
    return out


def random_date(rng: random.Random, semesters: list[tuple[str, str, str]] = SEMESTERS) -> str:
    _, first, last = rng.choice(semesters)
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return max(day, start).isoformat()


def pushes(schools: list[School], count: int, seed: int, *, check: bool = True) -> list[dict[str, Any]]:
    """`count` RecordPush bodies, the same for the same arguments; each asserted valid when `check`."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        school = rng.choice(schools)
        ans = answers(rng, school, random_date(rng))
        if check:
            problems = validate(FORM, ans)
            assert not problems, (ans, problems)
        out.append(
            {
                "id": "",  # below
                "rev": f"r-1-{rng.getrandbits(48):012x}",
                "base_rev": None,
                "form_id": FORM.id,
                "form_version": FORM.version,
                "answers": ans,
                "visit_id": None,
                "device_time": f"{ans['visit_date']}T{ans['end_time']}:00+07:00",
            }
        )
    # As tablets send them: oldest first, each id a UUIDv7 of when its form was opened (pwa/static/js/ids.js).
    out.sort(key=lambda p: p["device_time"])
    for p in out:
        opened = dt.datetime.fromisoformat(
            f"{p['answers']['visit_date']}T{p['answers']['start_time']}:00+07:00"
        )
        p["id"] = uuid7(int(opened.timestamp() * 1000), rng)
    return out


def uuid7(ms: int, rng: random.Random) -> str:
    """A UUIDv7 (RFC 9562): 48 bits of milliseconds, the version, 74 random bits, the variant."""
    rand = rng.getrandbits(74)
    return str(
        uuid.UUID(int=(ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & (2**62 - 1)))
    )


def content_hash(push: dict[str, Any]) -> str:
    """The same digest sync/apply.py stores."""
    body = {k: push[k] for k in ("form_id", "form_version", "visit_id", "answers")}
    return hashlib.sha256(msgspec.json.encode(body, order="sorted")).hexdigest()


def record_rows(
    push_list: list[dict[str, Any]], schools: dict[str, School], now: str
) -> Iterator[dict[str, Any]]:
    """The `records` rows the server would store for these pushes (seq numbered from 1)."""
    for seq, p in enumerate(push_list, start=1):
        school = schools[p["answers"]["school"]]
        stored = pack(p["answers"])
        yield {
            "id": p["id"],
            "form_id": p["form_id"],
            "form_version": p["form_version"],
            "network_id": school.network_id,
            "school_code": school.code,
            "visit_id": None,
            "author_id": 1,
            "rev": p["rev"],
            "content_hash": content_hash(p),
            "answers": stored.answers,
            "texts": stored.texts,
            "answers_bytes": stored.size,
            "device_time": p["device_time"],
            "created_at": now,
            "updated_at": now,
            "conflicts": 0,
            "seq": seq,
        }
