"""The columns of each kind of reference file: the Thai header written on export, the other names a header
may have in a file people made themselves, and which header holds which column."""

from __future__ import annotations

import re
from typing import Literal

import msgspec

from server.spreadsheets import cell_text

Kind = Literal["schools", "teachers", "users"]


class Column(msgspec.Struct, frozen=True):
    key: str
    header: str  # the Thai header written on export
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS: dict[str, tuple[Column, ...]] = {
    "schools": (
        Column("code", "รหัสโรงเรียน", ("code", "school_code", "school code", "รหัส", "รหัสสถานศึกษา"), True),
        Column("name", "ชื่อโรงเรียน", ("name", "school_name", "school", "โรงเรียน", "ชื่อสถานศึกษา"), True),
        Column("network", "เครือข่าย", ("network", "network_id", "รหัสเครือข่าย", "ชื่อเครือข่าย"), True),
        Column("district", "อำเภอ", ("district", "amphoe")),
        Column("grades", "ระดับชั้น", ("grades", "grade", "ชั้นที่เปิดสอน", "ระดับชั้นที่เปิดสอน")),
        Column("latitude", "ละติจูด", ("latitude", "lat", "ละติจูด", "พิกัดละติจูด")),
        Column("longitude", "ลองจิจูด", ("longitude", "lon", "lng", "long", "ลองจิจูด", "พิกัดลองจิจูด")),
    ),
    "teachers": (
        Column("id", "รหัสครู", ("id", "teacher_id", "teacher code", "code", "รหัส"), True),
        Column("school_code", "รหัสโรงเรียน", ("school_code", "school code", "school", "รหัสสถานศึกษา"), True),
        Column("name", "ชื่อ-สกุล", ("name", "full name", "ชื่อ", "ชื่อ - สกุล", "ชื่อ-นามสกุล", "ชื่อครู"), True),
        Column("grades", "ระดับชั้น", ("grades", "grade", "ชั้นที่สอน")),
        Column(
            "learning_areas",
            "กลุ่มสาระการเรียนรู้",
            ("learning_areas", "learning area", "learning areas", "กลุ่มสาระ", "วิชา", "วิชาที่สอน"),
        ),
    ),
    "users": (
        Column("username", "ชื่อผู้ใช้", ("username", "user", "login", "user name", "ชื่อเข้าระบบ"), True),
        Column("name", "ชื่อ-สกุล", ("name", "display_name", "full name", "ชื่อ", "ชื่อ - สกุล", "ชื่อ-นามสกุล"), True),
        Column("role", "บทบาท", ("role", "ตำแหน่ง", "หน้าที่"), True),
        Column("networks", "เครือข่าย", ("networks", "network", "network_ids", "รหัสเครือข่าย", "ชื่อเครือข่าย")),
    ),
}
#: Headers a users file must not have: passwords never travel in a file.
PASSWORD_HEADERS = ("password", "password_hash", "passwd", "รหัสผ่าน")
#: Each kind's table: its key and the columns an import writes (and undo restores).
PK = {"schools": "code", "teachers": "id", "users": "username"}
TABLE_COLUMNS = {
    "schools": ("code", "name", "network_id", "district", "grades", "latitude", "longitude"),
    "teachers": ("id", "school_code", "name", "grades", "learning_areas"),
    "users": ("username", "display_name", "role", "networks"),
}


def header_key(text: str) -> str:
    """A header as compared: lower case, without spaces, underscores, hyphens or dots."""
    return re.sub(r"[\s_\-.]+", "", cell_text(text).lower())


def map_columns(kind: Kind, headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Which column index holds each key; the required keys missing; the headers not used."""
    lookup: dict[str, str] = {}
    for col in COLUMNS[kind]:
        for name in (col.key, col.header, *col.aliases):
            lookup.setdefault(header_key(name), col.key)
    found: dict[str, int] = {}
    ignored = []
    for i, header in enumerate(headers):
        key = lookup.get(header_key(header))
        if key and key not in found:
            found[key] = i
        elif header:
            ignored.append(header)
    missing = [c.header for c in COLUMNS[kind] if c.required and c.key not in found]
    return found, missing, ignored


def has_password_column(headers: list[str]) -> bool:
    return any(header_key(h) in {header_key(p) for p in PASSWORD_HEADERS} for h in headers)
