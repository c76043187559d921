"""Buddhist Era dates: stored ISO 8601 Gregorian, shown BE (CE + 543)."""

from __future__ import annotations

import datetime as dt

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


def format_datetime(value: str | dt.datetime | None, zone: str = "Asia/Bangkok") -> str:
    """A stored UTC timestamp as the area office reads it: `20 พฤศจิกายน 2569 10:01 น.` (Thai time)."""
    if not value:
        return ""
    from zoneinfo import ZoneInfo

    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(ZoneInfo(zone))
    return f"{format_date(local.date())} {local:%H:%M} น."
