"""The periods a report covers: a semester (`2568-1`), a fiscal half-year (`fy2569-1`, the six-month
report) or a fiscal quarter (`q2569-1`, October–December 2568: the committee's (ก.ต.ป.น.) report), BE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

import msgspec

from server.calendar import Term, fiscal_half, fiscal_half_label, term_by_key, term_label, term_of
from server.i18n import _


class Period(msgspec.Struct, frozen=True):
    key: str
    kind: Literal["term", "half", "quarter"]
    start: dt.date
    end: dt.date
    #: The report of a fiscal half is due on this day (20 March, 20 September).
    due: dt.date | None = None

    @property
    def first(self) -> str:
        return self.start.isoformat()

    @property
    def last(self) -> str:
        return self.end.isoformat()

    def label(self) -> str:
        if self.kind == "term":
            year, semester = (int(x) for x in self.key.split("-"))
            return term_label(Term(year, semester, self.start, self.end))
        if self.kind == "quarter":
            year, quarter = (int(x) for x in self.key[1:].split("-"))
            return _("Fiscal year %(year)s, quarter %(quarter)s") % {"year": year, "quarter": quarter}
        return fiscal_half_label(fiscal_half(self.start))


def of_term(term: Term) -> Period:
    return Period(term.key, "term", term.start, term.end)


def of_half(day: dt.date) -> Period:
    half = fiscal_half(day)
    return Period(f"fy{half.fiscal_year}-{half.half}", "half", half.start, half.end, half.report_due)


def of_quarter(day: dt.date) -> Period:
    """The fiscal quarter of `day`: quarter 1 is October–December of the year before the fiscal year."""
    fiscal_year = day.year + 543 + (1 if day.month >= 10 else 0)
    quarter = (day.month - 10) // 3 + 1 if day.month >= 10 else (day.month - 1) // 3 + 2
    start = dt.date(day.year, day.month - (day.month - 1) % 3, 1)
    end = (start.replace(day=28) + dt.timedelta(days=70)).replace(day=1) - dt.timedelta(days=1)
    return Period(f"q{fiscal_year}-{quarter}", "quarter", start, end)


def parse(key: str | None, terms: Iterable[Term], today: dt.date) -> Period:
    """`2568-1` → that semester; `fy2569-1` → October 2568–March 2569; anything else → today's semester."""
    terms = list(terms)
    if key and key.startswith("fy"):
        try:
            year, half = (int(x) for x in key[2:].split("-"))
        except ValueError:
            year, half = 0, 0
        if 2400 <= year <= 2700 and half in (1, 2):
            ce = year - 543
            return of_half(dt.date(ce - 1, 10, 1) if half == 1 else dt.date(ce, 4, 1))
    if key and key.startswith("q"):
        try:
            year, quarter = (int(x) for x in key[1:].split("-"))
        except ValueError:
            year, quarter = 0, 0
        if 2400 <= year <= 2700 and 1 <= quarter <= 4:
            ce = year - 543
            month = (10, 1, 4, 7)[quarter - 1]
            return of_quarter(dt.date(ce - 1 if quarter == 1 else ce, month, 1))
    term = term_by_key(key, terms) if key else None
    return of_term(term or term_of(today, terms))


def previous_terms(period: Period, terms: Iterable[Term], count: int = 4) -> list[Period]:
    """The `count` semesters up to the one `period` ends in, oldest first (the trend chart)."""
    terms = list(terms)
    term = term_of(period.end, terms)
    out = [of_term(term)]
    while len(out) < count:
        year, semester = term.academic_year, term.semester
        key = f"{year}-1" if semester == 2 else f"{year - 1}-2"
        term = term_by_key(key, terms) or term
        out.append(of_term(term))
    return out[::-1]


def choices(terms: Iterable[Term], today: dt.date) -> list[Period]:
    """Semesters of this and the last academic year, and the fiscal halves around today."""
    terms = list(terms)
    current = term_of(today, terms)
    out = []
    for year in (current.academic_year - 1, current.academic_year):
        for semester in (1, 2):
            term = term_by_key(f"{year}-{semester}", terms)
            if term is not None:
                out.append(of_term(term))
    half = of_half(today)
    previous = of_half(half.start - dt.timedelta(days=1))
    quarter = of_quarter(today)
    last_quarter = of_quarter(quarter.start - dt.timedelta(days=1))
    return [*out, previous, half, last_quarter, quarter]
