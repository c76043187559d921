"""Semester dates: the terms as stored, and (admins only) the academic years around today and the rules
for setting a term.

A term missing from the `terms` table takes the defaults of server/calendar.py; setting one stores it
through `set_term_tx`, which checks the rules inside the write transaction:

- the start is before the end, and both fall in the academic year's own CE years;
- semester 1 ends before semester 2 of the same academic year starts;
- the terms of one academic year do not overlap the next (semester 2 ends before the next semester 1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import sqlite_utils

from server.calendar import Term, default_terms, term_by_key, term_of, to_ce
from server.notice import Notice, Refused

#: The academic years a term may be set for (BE), as `calendar.term_by_key` accepts.
YEAR_RANGE = range(2400, 2701)


class TermRow(msgspec.Struct, frozen=True):
    term: Term
    is_set: bool  # stored in the table; False: the defaults


def load_terms(db: sqlite_utils.Database) -> list[Term]:
    rows = db.execute('SELECT academic_year, semester, start, "end" FROM terms').fetchall()
    return [Term(y, s, dt.date.fromisoformat(a), dt.date.fromisoformat(b)) for y, s, a, b in rows]


def save_term_tx(db: sqlite_utils.Database, term: Term) -> None:
    db.table("terms").upsert(
        {
            "academic_year": term.academic_year,
            "semester": term.semester,
            "start": term.start.isoformat(),
            "end": term.end.isoformat(),
        },
        pk=("academic_year", "semester"),
    )


def pick_term(db: sqlite_utils.Database, key: str | None, today: dt.date) -> tuple[Term, list[Term]]:
    """The term named by `key` (e.g. `2568-1`), else today's; and a few terms around it to choose from."""
    terms = load_terms(db)
    current = term_of(today, terms)
    term = (term_by_key(key, terms) if key else None) or current
    choices = []
    for year in range(current.academic_year - 1, current.academic_year + 2):
        for semester in (1, 2):
            choice = term_by_key(f"{year}-{semester}", terms)
            if choice is not None:
                choices.append(choice)
    return term, choices


def effective(terms: list[Term], academic_year: int, semester: int) -> Term:
    """The configured term, else the default dates."""
    for term in terms:
        if (term.academic_year, term.semester) == (academic_year, semester):
            return term
    return default_terms(academic_year)[semester - 1]


def years_around(today: dt.date, terms: list[Term]) -> list[int]:
    """Last, this and next academic year (BE), counting from the term today belongs to."""
    this = term_of(today, terms).academic_year
    return [this - 1, this, this + 1]


def term_rows(db: sqlite_utils.Database, today: dt.date) -> list[TermRow]:
    terms = load_terms(db)
    stored = {(t.academic_year, t.semester) for t in terms}
    return [
        TermRow(effective(terms, year, semester), (year, semester) in stored)
        for year in years_around(today, terms)
        for semester in (1, 2)
    ]


def check_term(terms: list[Term], new: Term) -> list[Notice]:
    """The reasons `new` cannot be set, given the terms already stored (defaults for the others)."""
    reasons: list[Notice] = []
    year, ce = new.academic_year, to_ce(new.academic_year)
    if new.start >= new.end:
        reasons.append(Notice("The start date must be before the end date"))
    if not all(ce <= day.year <= ce + 1 for day in (new.start, new.end)):
        reasons.append(
            Notice(
                "The dates of academic year %(year)s must fall in %(first)s or %(second)s",
                {"year": year, "first": year, "second": year + 1},
            )
        )
    others = [t for t in terms if (t.academic_year, t.semester) != (year, new.semester)]
    if new.semester == 1:
        later = effective(others, year, 2)
        if new.end >= later.start:
            reasons.append(Notice("Semester 1 must end before semester 2 of the same academic year starts"))
        earlier = effective(others, year - 1, 2)
        if new.start <= earlier.end:
            reasons.append(
                Notice(
                    "Semester 1 must start after semester 2 of academic year %(year)s ends",
                    {"year": year - 1},
                )
            )
    else:
        earlier = effective(others, year, 1)
        if new.start <= earlier.end:
            reasons.append(Notice("Semester 2 must start after semester 1 of the same academic year ends"))
        later = effective(others, year + 1, 1)
        if new.end >= later.start:
            reasons.append(
                Notice(
                    "Semester 2 must end before semester 1 of academic year %(year)s starts",
                    {"year": year + 1},
                )
            )
    return reasons


def parse_term(values: dict[str, Any]) -> Term:
    """A term from the form's text fields; Refused("invalid_term") when a field cannot be read."""
    try:
        year = int(values.get("academic_year", ""))
        semester = int(values.get("semester", ""))
    except (TypeError, ValueError):
        raise Refused("invalid_term", Notice("Choose an academic year and a semester")) from None
    if year not in YEAR_RANGE or semester not in (1, 2):
        raise Refused("invalid_term", Notice("Choose an academic year and a semester"))
    reasons, dates = [], []
    for name, missing in (("start", Notice("Enter a start date")), ("end", Notice("Enter an end date"))):
        try:
            dates.append(dt.date.fromisoformat(str(values.get(name) or "")))
        except ValueError:
            reasons.append(missing)
    if reasons:
        raise Refused("invalid_term", *reasons)
    return Term(year, semester, dates[0], dates[1])


def set_term_tx(db: sqlite_utils.Database, term: Term) -> None:
    """Store one term's dates if they keep to the rules; else Refused("invalid_term") with the reasons."""
    reasons = check_term(load_terms(db), term)
    if reasons:
        raise Refused("invalid_term", *reasons)
    save_term_tx(db, term)
