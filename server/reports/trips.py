"""The travel report's trip days: for each day with visits in a network and period, when the traveller
left the office and came back, and what the trip was for. Pre-filled from the day's first and last record
and the schools visited; the traveller (the network's secretary or supervisor) corrects them on the travel
report's page; kept in `travel_days` (m023_travel_days) and printed above the visits."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from server.notice import Notice

TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_PURPOSE = 300


def days(conn: Any, network_id: str, visits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per date of `visits` (visits.travel): departure, return, purpose, and `entered` when the
    traveller saved them (otherwise the pre-filled values)."""
    kept = {
        date: {"departure": dep or "", "return": ret or "", "purpose": purpose or ""}
        for date, dep, ret, purpose in conn.execute(
            "SELECT date, departure, return_time, purpose FROM travel_days WHERE network_id = ?", [network_id]
        ).fetchall()
    }
    by_date: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in visits:
        by_date[v["date"]].append(v)
    out = []
    for date, group in sorted(by_date.items()):
        starts = [v["start"] for v in group if v["start"]]
        ends = [v["end"] for v in group if v["end"]]
        schools = list(dict.fromkeys(v["school"] for v in group))
        prefill = {"departure": min(starts, default=""), "return": max(ends, default=""),
                   "purpose": "นิเทศ ติดตามการจัดการเรียนรู้ " + ", ".join(schools)}  # fmt: skip
        out.append({"date": date, **(kept.get(date) or prefill), "entered": date in kept})
    return out


def parse(
    rows: list[dict[str, str]], dates: set[str]
) -> tuple[list[dict[str, str]], dict[str, list[Notice]]]:
    """The page's rows (`date`, `departure`, `return`, `purpose`: server/form_bodies.py TripDaysForm) of the
    given dates, a row of another date ignored; the errors by date. A time is HH:MM or empty; the return is
    not before the departure."""
    found, errors = [], {}
    for row in rows:
        date = row["date"]
        if date not in dates:
            continue  # not a trip day of this report
        dep, ret, purpose = (row[k].strip() for k in ("departure", "return", "purpose"))
        wrong = [Notice("Times are hours and minutes, such as 07:30")] if any(
            t and not TIME.match(t) for t in (dep, ret)
        ) else []  # fmt: skip
        if not wrong and dep and ret and ret < dep:
            wrong.append(Notice("The return is before the departure"))
        if len(purpose) > MAX_PURPOSE:
            wrong.append(Notice("The purpose is longer than %(n)s characters", {"n": MAX_PURPOSE}))
        if wrong:
            errors[date] = wrong
        found.append({"date": date, "departure": dep, "return": ret, "purpose": purpose})
    return found, errors


def save_tx(db: Any, network_id: str, user_id: int, rows: list[dict[str, str]]) -> None:
    now = dt.datetime.now(dt.UTC).isoformat()
    for r in rows:
        db.execute(
            "INSERT OR REPLACE INTO travel_days (network_id, date, departure, return_time, purpose, updated_by, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                network_id,
                r["date"],
                r["departure"] or None,
                r["return"] or None,
                r["purpose"] or None,
                user_id,
                now,
            ],
        )
