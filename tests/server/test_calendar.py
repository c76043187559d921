"""Academic and fiscal calendar arithmetic, at the edges."""

from __future__ import annotations

import datetime as dt

import pytest

from server import i18n
from server.calendar import (
    Term,
    default_terms,
    fiscal_half,
    fiscal_half_label,
    fiscal_year,
    fiscal_year_label,
    term_by_key,
    term_label,
    term_of,
    to_be,
    to_ce,
)

D = dt.date


def test_buddhist_era():
    assert to_be(2025) == 2568
    assert to_ce(2568) == 2025


@pytest.mark.parametrize(
    ("day", "year", "semester"),
    [
        (D(2025, 5, 16), 2568, 1),  # first day of semester 1
        (D(2025, 10, 31), 2568, 1),  # last day of semester 1
        (D(2025, 11, 1), 2568, 2),  # first day of semester 2
        (D(2025, 12, 31), 2568, 2),
        (D(2026, 1, 1), 2568, 2),  # semester 2 crosses the CE (and BE) new year
        (D(2026, 3, 31), 2568, 2),  # last day of semester 2
        (D(2026, 4, 1), 2568, 2),  # the break belongs to the semester that just ended
        (D(2026, 5, 15), 2568, 2),  # last day of the break
        (D(2026, 5, 16), 2569, 1),
        (D(2024, 2, 29), 2566, 2),  # leap day
        (D(2025, 5, 15), 2567, 2),
    ],
)
def test_term_of_default_dates(day, year, semester):
    term = term_of(day)
    assert (term.academic_year, term.semester) == (year, semester)
    assert term.start <= day


def test_configured_terms_override_the_defaults():
    early = Term(2568, 1, D(2025, 5, 12), D(2025, 10, 10))
    assert term_of(D(2025, 5, 12), [early]).key == "2568-1"
    assert term_of(D(2025, 5, 11), [early]).key == "2567-2"
    # The October break between configured semester 1 and default semester 2 belongs to semester 1.
    assert term_of(D(2025, 10, 20), [early]) == early
    assert term_of(D(2025, 11, 1), [early]).key == "2568-2"


def test_default_terms_and_keys():
    s1, s2 = default_terms(2568)
    assert (s1.start, s1.end, s2.start, s2.end) == (
        D(2025, 5, 16),
        D(2025, 10, 31),
        D(2025, 11, 1),
        D(2026, 3, 31),
    )
    assert term_by_key("2568-2") == s2
    assert term_by_key("2568-3") is None
    assert term_by_key("nonsense") is None
    assert term_by_key("1999-1") is None  # a CE year by mistake


@pytest.mark.parametrize(
    ("day", "year", "half"),
    [
        (D(2025, 9, 30), 2568, 2),
        (D(2025, 10, 1), 2569, 1),
        (D(2025, 12, 31), 2569, 1),
        (D(2026, 3, 31), 2569, 1),
        (D(2026, 4, 1), 2569, 2),
        (D(2026, 9, 30), 2569, 2),
    ],
)
def test_fiscal_year_and_halves(day, year, half):
    assert fiscal_year(day) == year
    h = fiscal_half(day)
    assert (h.fiscal_year, h.half) == (year, half)
    assert h.start <= day <= h.end


def test_fiscal_half_dates_and_report_due():
    first = fiscal_half(D(2025, 10, 1))
    assert (first.start, first.end, first.report_due) == (D(2025, 10, 1), D(2026, 3, 31), D(2026, 3, 20))
    second = fiscal_half(D(2026, 6, 1))
    assert (second.start, second.end, second.report_due) == (D(2026, 4, 1), D(2026, 9, 30), D(2026, 9, 20))


def test_thai_labels():
    token = i18n.current_locale.set("th")
    try:
        assert term_label(term_of(D(2025, 6, 1))) == "ปีการศึกษา 2568 ภาคเรียนที่ 1"
        assert fiscal_year_label(2569) == "ปีงบประมาณ 2569"
        assert fiscal_half_label(fiscal_half(D(2025, 10, 1))) == "ปีงบประมาณ 2569 ครึ่งปีแรก (ตุลาคม–มีนาคม)"
    finally:
        i18n.current_locale.reset(token)


def test_english_labels():
    token = i18n.current_locale.set("en")
    try:
        assert term_label(term_of(D(2025, 12, 1))) == "Academic year 2568, semester 2"
        assert fiscal_year_label(2569) == "Fiscal year 2569"
    finally:
        i18n.current_locale.reset(token)
