"""Demo data: the manual's 19 networks and 243 schools, with invented school, teacher and user names."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from pathlib import Path
from typing import Any

import sqlite_utils

from server.accounts import generate_password, insert_user
from server.auth import hash_password
from server.reference import upsert
from server.vocabulary import GRADE_LABELS, LEARNING_AREAS, SESSIONS

#: The networks of the manual's area office and their school counts (shared/DOMAIN.md).
NETWORKS = [
    ("แก้วมุกดาหาร", 15), ("เมืองน้ำทิพย์", 17), ("คำอาฮวนดงเย็นศึกษา", 17), ("สะพานมิตรภาพ", 12),
    ("ไตรมิตรนวนพัฒน์", 17), ("ร่มกษัยพัฒนา", 13), ("คำสร้อยนาอุดม", 10), ("ธารบังอี", 10),
    ("ดอนตาล", 10), ("ภูสระดอกบัว", 11), ("ภูผาเทิบพัฒนา", 15), ("คำชะอีคำบก", 11),
    ("คำชะอีก้าวหน้า", 10), ("คำชะอีศึกษาพัฒนา", 12), ("ดงหลวง", 14), ("ดงหลวงตอนบน", 15),
    ("หนองสูง", 8), ("ศิรีวงศึกษา", 11), ("ห้วยน้ำใหญ่", 15),
]  # fmt: skip
DISTRICTS = ["เมืองมุกดาหาร", "ดอนตาล", "คำชะอี", "ดงหลวง", "หนองสูง", "นิคมคำสร้อย", "หว้านใหญ่"]
# Invented place-name parts: combined, they make village names that are not a list of real schools.
PLACE_A = ["โนน", "หนอง", "ห้วย", "ดอน", "นา", "โคก", "คำ", "บุ่ง", "ป่า", "ทุ่ง", "หัว", "กุด"]
PLACE_B = ["สว่าง", "แสงทอง", "ม่วงใหม่", "ยางงาม", "บัวขาว", "ไผ่ล้อม", "สามัคคี", "ศรีสุข", "ทองคำ",
           "เจริญ", "สะอาด", "ตาลเดี่ยว", "มะนาว", "กอก", "แคนน้อย", "งิ้วงาม", "พัฒนา", "ค้อใหญ่"]  # fmt: skip
PLACE_C = ["", "", "", "ใต้", "เหนือ", "ใหม่", "น้อย", "ใหญ่"]
FIRST = ["สมชาย", "สมศรี", "วิไล", "ประภา", "อนันต์", "กนกวรรณ", "ธีระ", "สุภาพร", "มาลัย", "ปรีชา",
         "นภา", "จิราพร", "วีระ", "ศิริพร", "พรทิพย์", "ชัยวัฒน์", "รัตนา", "อรุณี", "สุดารัตน์", "บุญมี"]  # fmt: skip
#: Given names of men (title นาย); the others are women's (นาง or นางสาว).
MEN = frozenset({"สมชาย", "อนันต์", "ธีระ", "ปรีชา", "วีระ", "ชัยวัฒน์", "บุญมี"})
LAST = ["ใจดี", "มีสุข", "ทองมา", "แก้วกล้า", "ศรีงาม", "บุญเรือง", "พรมมา", "สายทอง", "คำแสน",
        "จันทร์เพ็ญ", "ภูมิใจ", "วงศ์ไทย", "สีดา", "ดวงแก้ว"]  # fmt: skip
GRADES = list(GRADE_LABELS)
AREAS = list(LEARNING_AREAS)

#: The demo password of databases seeded directly (tests, benchmarks) or with NITHET_DEMO_PASSWORD set.
#: `make run` / `python -m server demo` generate one password per demo user instead (demo-logins.txt).
DEMO_PASSWORD = "nithet2568"
#: The demo area office's coordinates (WGS84), for the travel report's distances.
OFFICE = (16.5436, 104.7235)
#: (username, display name, role, network ids); printed by `make run`.
USERS = [
    ("admin", "ผู้ดูแลระบบ", "admin", []),
    ("director", "ผอ.กลุ่มนิเทศฯ สุนทร สาธิต", "director", []),
    ("supervisor1", "ศน.วิภาวรรณ สาธิต", "supervisor", ["N01", "N02"]),
    ("supervisor2", "ศน.ธนากร ตัวอย่าง", "supervisor", ["N03", "N04"]),
    ("team1", "ผอ.ประเสริฐ ทดลอง", "team_member", ["N01"]),
    ("secretary1", "เลขาฯ กาญจนา สมมุติ", "secretary", ["N01"]),
    ("deputy1", "รอง ผอ.สพป. มานพ สาธิต", "deputy", [f"N{i:02d}" for i in range(1, 11)]),
    ("deputy2", "รอง ผอ.สพป. ปราณี ตัวอย่าง", "deputy", [f"N{i:02d}" for i in range(11, 20)]),
    ("areadirector", "ผอ.สพป. วิชัย สาธิต", "area_director", []),
]


def is_empty(db: sqlite_utils.Database) -> bool:
    count: int = db.execute("SELECT count(*) FROM networks").fetchone()[0]
    return count == 0


def logins_file(db_path: Path) -> Path:
    """Where `make run` keeps the demo logins of a database (mode 600, beside it)."""
    return db_path.parent / "demo-logins.txt"


def generated_passwords() -> dict[str, str]:
    """A password per demo user, made for one database (unless NITHET_DEMO_PASSWORD fixes them all)."""
    fixed = os.environ.get("NITHET_DEMO_PASSWORD")
    return {username: fixed or generate_password(14) for username, *_ in USERS}


def write_logins(db_path: Path, passwords: dict[str, str]) -> None:
    lines = [
        f"  {username:<12} {passwords[username]:<15} {role:<12} {display}  {' '.join(nets)}"
        for username, display, role, nets in USERS
    ]
    path = logins_file(db_path)
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)


def seed(
    db: sqlite_utils.Database, today: dt.date, rng_seed: int = 2568, passwords: dict[str, str] | None = None
) -> None:
    rng = random.Random(rng_seed)
    networks: list[dict[str, Any]] = []
    schools: list[dict[str, Any]] = []
    teachers: list[dict[str, Any]] = []
    used: set[str] = set()
    for n, (name, count) in enumerate(NETWORKS, start=1):
        network_id = f"N{n:02d}"
        networks.append({"id": network_id, "name": name})
        for s in range(1, count + 1):
            village = _unique(rng, used)
            code = f"49{n:02d}{s:04d}"
            grades = GRADES if rng.random() < 0.8 else GRADES[1:]
            schools.append(
                {
                    "code": code,
                    "name": f"โรงเรียนบ้าน{village}",
                    "network_id": network_id,
                    "district": rng.choice(DISTRICTS),
                    "grades": grades,
                }
            )
            for t in range(1, rng.randint(4, 8) + 1):
                teachers.append(
                    {
                        "id": f"{code}-{t:02d}",
                        "school_code": code,
                        "name": _teacher_name(rng),
                        "grades": sorted(rng.sample(grades, k=min(len(grades), rng.randint(1, 2)))),
                        "learning_areas": sorted(rng.sample(AREAS, k=rng.randint(1, 3))),
                    }
                )
    for school in schools:  # invented places around the office, from their own generator
        place = random.Random(school["code"])
        school["latitude"] = round(OFFICE[0] + place.uniform(-0.35, 0.35), 5)
        school["longitude"] = round(OFFICE[1] + place.uniform(-0.25, 0.25), 5)
    db.table("office").upsert({"id": 1, "name": "สำนักงานเขตพื้นที่การศึกษา (สาธิต)", "latitude": OFFICE[0],
                         "longitude": OFFICE[1]}, pk="id")  # fmt: skip
    upsert(db, "networks", networks, pk="id")
    upsert(db, "schools", schools, pk="code")
    upsert(db, "teachers", teachers, pk="id")
    ids = create_users(db, passwords)
    plan_week(db, today, team=[ids["supervisor1"], ids["team1"]], network_id="N01")


def _teacher_name(rng: random.Random) -> str:
    """A title that fits the given name (the same draws as before, so the rest of the demo is unchanged)."""
    title, first, last = rng.choice(["นาย", "นาง", "นางสาว"]), rng.choice(FIRST), rng.choice(LAST)
    if first in MEN:
        title = "นาย"
    elif title == "นาย":
        title = "นางสาว"
    return f"{title}{first} {last}"


def _unique(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(PLACE_A) + rng.choice(PLACE_B) + rng.choice(PLACE_C)
        if name not in used:
            used.add(name)
            return name


def create_users(db: sqlite_utils.Database, passwords: dict[str, str] | None = None) -> dict[str, int]:
    ids = {}
    passwords = passwords or {username: DEMO_PASSWORD for username, *_ in USERS}
    hashes = {p: hash_password(p) for p in set(passwords.values())}  # argon2 is slow on purpose: once each
    now = dt.datetime.now(dt.UTC).isoformat()
    for username, display, role, nets in USERS:
        user_id = insert_user(
            db,
            {
                "username": username,
                "display_name": display,
                "password_hash": hashes[passwords[username]],
                "role": role,
                "active": 1,
                "created_at": now,
            },
        )
        ids[username] = user_id
        db.table("user_networks").insert_all([{"user_id": user_id, "network_id": n} for n in nets])
    return ids


def plan_week(db: sqlite_utils.Database, today: dt.date, team: list[int], network_id: str) -> None:
    """Visits for today and the rest of this school week: a school in the morning, one in the afternoon."""
    codes = [
        r[0] for r in db.execute("SELECT code FROM schools WHERE network_id = ? ORDER BY code", [network_id])
    ]
    visits: list[dict[str, Any]] = []
    day, i = today, 0
    while len(visits) < 8 and i + 1 < len(codes):
        if day.weekday() < 5 or day == today:
            for session in SESSIONS:
                visits.append(
                    {
                        "id": f"v-{day.isoformat()}-{session}",
                        "date": day.isoformat(),
                        "session": session,
                        "school_code": codes[i],
                        "network_id": network_id,
                        "team": team,
                    }
                )
                i += 1
        day += dt.timedelta(days=1)
    upsert(db, "visits", visits, pk="id")
    upsert(db, "visit_assignments", [a for v in visits for a in _classrooms(db, v, team)], pk="id")


def _classrooms(db: sqlite_utils.Database, visit: dict[str, Any], team: list[int]) -> list[dict[str, Any]]:
    """Two classrooms for each team member, an hour each (the manual: every member observes at least one)."""
    hours = ("09:00", "10:00") if visit["session"] == "morning" else ("13:00", "14:00")
    teachers = db.execute(
        "SELECT id, grades FROM teachers WHERE school_code = ? ORDER BY id", [visit["school_code"]]
    ).fetchall()
    out = []
    for n, (teacher_id, grades) in enumerate(teachers[: 2 * len(team)], start=1):
        out.append(
            {
                "id": f"{visit['id']}:{n}",
                "visit_id": visit["id"],
                "position": n,
                "observer_id": team[(n - 1) // 2],
                "teacher_id": teacher_id,
                "grade": (json.loads(grades or "[]") or [None])[0],
                "room": "1",
                "hour": hours[(n - 1) % 2],
            }
        )
    return out
