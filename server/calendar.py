"""The Thai school and fiscal calendars: pure date arithmetic, no database.

- The academic year (ปีการศึกษา) is named by the Buddhist Era year it starts in: 2568 runs from
  16 May 2025 to 31 March 2026. Semester 1 is 16 May–31 October, semester 2 is 1 November–31 March.
- The break (1 April to the day before semester 1 starts) belongs to the semester that just ended,
  semester 2 of the previous academic year: visits and reports of the break count there. More generally,
  any day that no term covers belongs to the latest term that started on or before it.
- Semester dates vary a little each year, so they are data (the `terms` table); a term missing from the
  table takes the default dates above.
- The fiscal year (ปีงบประมาณ) runs 1 October–30 September and is named by the BE year it ends in; its
  halves are October–March (report due 20 March) and April–September (report due 20 September).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import msgspec

from server.i18n import _

BE_OFFSET = 543


def to_be(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def to_ce(be_year: int) -> int:
    return be_year - BE_OFFSET


class Term(msgspec.Struct, frozen=True, order=True):
    """One semester of one academic year (BE); `start` and `end` are inclusive."""

    academic_year: int
    semester: int
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        return f"{self.academic_year}-{self.semester}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class FiscalHalf(msgspec.Struct, frozen=True):
    fiscal_year: int  # BE, the year it ends in
    half: int  # 1 = October–March, 2 = April–September
    start: dt.date
    end: dt.date
    report_due: dt.date


def default_terms(academic_year: int) -> tuple[Term, Term]:
    ce = to_ce(academic_year)
    return (
        Term(academic_year, 1, dt.date(ce, 5, 16), dt.date(ce, 10, 31)),
        Term(academic_year, 2, dt.date(ce, 11, 1), dt.date(ce + 1, 3, 31)),
    )


def _known_terms(day: dt.date, configured: Iterable[Term]) -> list[Term]:
    """Configured terms, plus defaults for the academic years around `day` that are not configured."""
    by_key = {(t.academic_year, t.semester): t for t in configured}
    for year in (to_be(day.year) - 1, to_be(day.year)):
        for term in default_terms(year):
            by_key.setdefault((term.academic_year, term.semester), term)
    return sorted(by_key.values(), key=lambda t: t.start)


def term_of(day: dt.date, terms: Iterable[Term] = ()) -> Term:
    """The term a day belongs to: the one containing it, else (a break) the latest one started before it."""
    known = _known_terms(day, terms)
    for term in known:
        if term.contains(day):
            return term
    started = [t for t in known if t.start <= day]
    return started[-1] if started else known[0]


def previous_term(day: dt.date, terms: Iterable[Term] = ()) -> Term:
    """The term before the one `day` belongs to (tablets keep synced records from its first day on)."""
    current = term_of(day, terms)
    key = f"{current.academic_year}-1" if current.semester == 2 else f"{current.academic_year - 1}-2"
    found = term_by_key(key, terms)
    assert found is not None
    return found


def keep_since(day: dt.date, terms: Iterable[Term] = ()) -> str:
    """The first day (ISO) of the synced records a tablet keeps on `day`: its previous term's first day
    (pwa/static/js/prune.js prunes what was changed before; an ordered pull does not send it, sync/feed.py)."""
    return previous_term(day, terms).start.isoformat()


def term_by_key(key: str, terms: Iterable[Term] = ()) -> Term | None:
    """`2568-1` → that term (configured dates, else the defaults); None when the key is not a term."""
    try:
        year_text, semester_text = key.split("-")
        year, semester = int(year_text), int(semester_text)
    except ValueError:
        return None
    if semester not in (1, 2) or not 2400 <= year <= 2700:
        return None
    for term in terms:
        if (term.academic_year, term.semester) == (year, semester):
            return term
    return default_terms(year)[semester - 1]


def fiscal_year(day: dt.date) -> int:
    """The BE fiscal year a day falls in: 1 October 2025 starts fiscal year 2569."""
    return to_be(day.year + 1 if day.month >= 10 else day.year)


def fiscal_half(day: dt.date) -> FiscalHalf:
    fy = fiscal_year(day)
    ce_end = to_ce(fy)
    if day.month >= 10 or day.month <= 3:
        return FiscalHalf(fy, 1, dt.date(ce_end - 1, 10, 1), dt.date(ce_end, 3, 31), dt.date(ce_end, 3, 20))
    return FiscalHalf(fy, 2, dt.date(ce_end, 4, 1), dt.date(ce_end, 9, 30), dt.date(ce_end, 9, 20))


def term_label(term: Term) -> str:
    """ปีการศึกษา 2568 ภาคเรียนที่ 1"""
    return _("Academic year %(year)s, semester %(semester)s") % {
        "year": term.academic_year,
        "semester": term.semester,
    }


def fiscal_year_label(year: int) -> str:
    """ปีงบประมาณ 2569"""
    return _("Fiscal year %(year)s") % {"year": year}


def fiscal_half_label(half: FiscalHalf) -> str:
    """ปีงบประมาณ 2569 ครึ่งปีแรก (ตุลาคม–มีนาคม)"""
    text = _("first half (October–March)") if half.half == 1 else _("second half (April–September)")
    return f"{fiscal_year_label(half.fiscal_year)} {text}"
