"""Buddhist Era dates: stored ISO 8601 Gregorian, shown BE (CE + 543)."""

from __future__ import annotations

import datetime as dt
import re

from core import clock

BE_OFFSET = 543
MONTHS_TH = [
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
]
MONTHS_TH_SHORT = [
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
]
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def _as_date(value: str | dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def be_year(value: str | dt.date | dt.datetime) -> int:
    return _as_date(value).year + BE_OFFSET


def format_date(
    value: str | dt.date | dt.datetime | None, style: str = "long", thai_digits: bool = False
) -> str:
    """`long`: 31 มกราคม 2568; `short`: 31 ม.ค. 68; `numeric`: 31/01/2568."""
    if not value:
        return ""
    d = _as_date(value)
    year = d.year + BE_OFFSET
    if style == "short":
        text = f"{d.day} {MONTHS_TH_SHORT[d.month - 1]} {year % 100:02d}"
    elif style == "numeric":
        text = f"{d.day:02d}/{d.month:02d}/{year}"
    else:
        text = f"{d.day} {MONTHS_TH[d.month - 1]} {year}"
    return text.translate(THAI_DIGITS) if thai_digits else text


def format_datetime(value: str | dt.datetime | None) -> str:
    """A stored UTC timestamp as the area office reads it: `20 พฤศจิกายน 2569 10:01 น.` (its zone's time)."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(clock.zone())
    return f"{format_date(local.date())} {local:%H:%M} น."


_ARABIC_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})\s+(\S+)\s+(\d{2}|\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_NUMBER = {name: n for names in (MONTHS_TH, MONTHS_TH_SHORT) for n, name in enumerate(names, start=1)}


def parse_date(text: str) -> str | None:
    """A typed date as ISO 8601, or None: `30/11/2569`, `30 พ.ย. 2569`, `30/11/69` (day, month, BE year;
    a year under 2400 is CE), ISO `2026-11-30`, Thai digits too. The cases are forms/vectors/be_dates.json."""
    value = " ".join(text.translate(_ARABIC_DIGITS).split())
    if _ISO.match(value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            return None
    match = _NUMERIC.match(value) or _NAMED.match(value)
    if not match:
        return None
    day, month_text, year_text = match.groups()
    month = int(month_text) if month_text.isdigit() else _MONTH_NUMBER.get(month_text)
    year = int(year_text)
    if len(year_text) == 2:
        year += 2500
    if year >= 2400:
        year -= BE_OFFSET
    try:
        return dt.date(year, month or 0, int(day)).isoformat()
    except ValueError:
        return None
