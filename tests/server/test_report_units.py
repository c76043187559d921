"""Small pure parts of the reports: periods (semesters and fiscal halves), and skipped questions left out of print."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from server.reports import display, period, visits
from tests.report_data import FORMS, observation


def test_periods_semesters_and_fiscal_halves():
    today = dt.date(2025, 12, 1)
    p = period.parse("2568-1", [], today)
    assert (p.first, p.last) == ("2025-05-16", "2025-10-31")
    h = period.parse("fy2569-1", [], today)
    assert (h.first, h.last, h.due) == ("2025-10-01", "2026-03-31", dt.date(2026, 3, 20))
    assert period.parse("nonsense", [], today).key == "2568-2"
    keys = [x.key for x in period.previous_terms(p, [], 4)]
    assert keys == ["2566-2", "2567-1", "2567-2", "2568-1"]


def test_skipped_questions_are_not_printed():
    answers = observation("49010001", "49010001-01", "2025-06-10", [4] * 9)
    sections = display.sections(FORMS["observation"], answers, lambda kind, v: f"<{v}>")
    labels = [row["label"] for s in sections for row in s["rows"]]
    assert "จุดเด่น" in labels and "ห้อง" not in labels  # room left empty
    assert not any(s["label"].startswith("เวลาในการเรียนรู้") for s in sections)  # no snapshots taken
    texts = {row["label"]: row["text"] for s in sections for row in s["rows"] if "text" in row}
    assert texts["วันที่สังเกต"] == "10 มิถุนายน 2568" and texts["ช่วงเวลา"] == "ภาคเช้า"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_fiscal_quarters_tile_the_fiscal_year(day):
    q = period.of_quarter(day)
    assert q.start <= day <= q.end
    assert period.parse(q.key, [], day) == q  # the key names the same quarter
    after = period.of_quarter(q.end + dt.timedelta(days=1))
    assert after.start == q.end + dt.timedelta(days=1)
    fiscal_year, quarter = (int(x) for x in q.key[1:].split("-"))
    assert (quarter == 1) == (q.start.month == 10) and fiscal_year == day.year + 543 + (day.month >= 10)


def test_distances_are_great_circle_kilometres():
    assert round(visits.distance_km((0.0, 0.0), (0.0, 1.0)), 2) == 111.19  # one degree of the equator
    assert visits.distance_km((16.54, 104.72), (16.54, 104.72)) == 0
