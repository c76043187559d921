"""XLSForms written the way ODK and KoboToolbox users write them, for the compatibility suite."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

Rows = list[list[Any]]


def xlsform(survey: Rows, choices: Rows | None = None, settings: Rows | None = None) -> bytes:
    """A workbook from sheets given as rows, the first row being the headers."""
    wb = openpyxl.Workbook()
    sheets = [("survey", survey), ("choices", choices), ("settings", settings)]
    wb.remove(wb.active)
    for title, rows in sheets:
        if rows is not None:
            ws = wb.create_sheet(title)
            for row in rows:
                ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


#: The header ODK users start from: the meta rows at the top, new-style language columns.
SURVEY = ["type", "name", "label::Thai (th)", "label::English (en)", "hint::Thai (th)", "required",
          "relevant", "constraint", "constraint_message::Thai (th)", "calculation", "choice_filter",
          "repeat_count", "appearance"]  # fmt: skip
META_ROWS = [["start", "start"], ["end", "end"], ["today", "today"], ["deviceid", "deviceid"]]
CHOICES = ["list_name", "name", "label::Thai (th)", "label::English (en)", "province", "district"]

GEOGRAPHY = [
    CHOICES,
    ["province", "kk", "ขอนแก่น", "Khon Kaen", "", ""],
    ["province", "ud", "อุดรธานี", "Udon Thani", "", ""],
    ["district", "kk_muang", "เมืองขอนแก่น", "Mueang Khon Kaen", "kk", ""],
    ["district", "kk_ban_phai", "บ้านไผ่", "Ban Phai", "kk", ""],
    ["district", "ud_muang", "เมืองอุดรธานี", "Mueang Udon Thani", "ud", ""],
    ["school_list", "s1", "โรงเรียนบ้านไผ่วิทยา", "Ban Phai Wittaya", "kk", "kk_ban_phai"],
    ["school_list", "s2", "โรงเรียนเมืองขอนแก่น", "Mueang Khon Kaen School", "kk", "kk_muang"],
    ["school_list", "s3", "โรงเรียนอุดรพัฒนา", "Udon Phatthana", "ud", "ud_muang"],
]


def cascading_survey() -> bytes:
    """A survey with cascading province → district → school selects, `${}` labels and a constraint."""
    return xlsform(
        [
            SURVEY,
            *META_ROWS,
            ["select_one province", "province", "จังหวัด", "Province", "", "yes", "", "", "", "", "", "", "minimal"],
            ["select_one district", "district", "อำเภอใน ${province}", "District in ${province}", "", "yes", "",
             "", "", "", "province = ${province}"],
            ["select_one school_list", "school_pick", "โรงเรียน", "School", "", "yes", "", "", "", "",
             "province = ${province} and district = ${district}"],
            ["integer", "pupils", "จำนวนนักเรียนของ ${school_pick}", "Pupils at ${school_pick}", "", "yes", "",
             ". > 0 and . < 2000", "จำนวนนักเรียนต้องอยู่ระหว่าง 1 ถึง 1999 (ตอบ ${pupils})"],
            ["calculate", "per_class", "", "", "", "", "", "", "", "round(${pupils} div 6, 1)"],
            ["note", "summary", "เฉลี่ยชั้นละ ${per_class} คน", "About ${per_class} a grade"],
        ],
        GEOGRAPHY,
        [["form_title", "form_id", "version", "instance_name"],
         ["สำรวจโรงเรียน", "school_survey", "2026113001", "concat(${school_pick}, ' ', ${pupils})"]],
    )  # fmt: skip


def household_roster() -> bytes:
    """A household roster as a nested repeat with repeat_count, legacy `label:english` headers, no settings."""
    return xlsform(
        [
            ["type", "name", "label:thai", "label:english", "repeat_count", "relevant", "constraint",
             "constraint_message:thai", "calculation"],
            ["today", "today"],
            ["integer", "households", "จำนวนครัวเรือน", "Households", "", "", ". >= 1 and . <= 5", "1 ถึง 5"],
            ["begin_repeat", "household", "ครัวเรือน", "Household", "${households}"],
            ["text", "head", "ชื่อหัวหน้าครัวเรือน", "Head of household"],
            ["integer", "members", "สมาชิกใน ${head}", "Members of ${head}", "", "", ". >= 1", "อย่างน้อย 1 คน"],
            ["begin_repeat", "member", "สมาชิก", "Member", "${members}"],
            ["text", "member_name", "ชื่อสมาชิก", "Member name"],
            ["integer", "age", "อายุของ ${member_name}", "Age of ${member_name}", "", "", ". < 120",
             "อายุต้องน้อยกว่า 120"],
            ["select_one yn", "in_school", "${member_name} กำลังเรียนอยู่หรือไม่", "In school?", "",
             "${age} >= 6 and ${age} <= 18"],
            ["end_repeat"],
            ["end_repeat"],
            ["calculate", "people", "", "", "", "", "", "", "sum(${members})"],
        ],
        [["list_name", "name", "label:thai", "label:english"], ["yn", "yes", "ใช่", "Yes"], ["yn", "no", "ไม่ใช่", "No"]],
    )  # fmt: skip
