"""Semester dates: the rules of server/terms.py, and /admin/terms over HTTP feeding the calendar and plans."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlite_utils

from core import clock
from server import terms
from server.calendar import Term, term_of
from server.notice import Refused
from server.terms import load_terms
from tests.conftest import LiveServer

D = dt.date


def _reasons(db: sqlite_utils.Database, term: Term) -> list[str]:
    with pytest.raises(Refused) as exc:
        terms.set_term_tx(db, term)
    assert exc.value.code == "invalid_term"
    return [r.msgid for r in exc.value.reasons]


def test_a_valid_term_is_stored_and_replaces_the_defaults(fresh_db: sqlite_utils.Database) -> None:
    terms.set_term_tx(fresh_db, Term(2569, 1, D(2026, 5, 18), D(2026, 10, 9)))
    assert load_terms(fresh_db) == [Term(2569, 1, D(2026, 5, 18), D(2026, 10, 9))]
    terms.set_term_tx(fresh_db, Term(2569, 1, D(2026, 5, 15), D(2026, 10, 10)))  # set again: replaced
    assert load_terms(fresh_db) == [Term(2569, 1, D(2026, 5, 15), D(2026, 10, 10))]
    # The days after the new end (from 11 October) are a break that belongs to semester 1.
    assert term_of(D(2026, 10, 20), load_terms(fresh_db)).key == "2569-1"


def test_start_must_be_before_end(fresh_db: sqlite_utils.Database) -> None:
    assert _reasons(fresh_db, Term(2569, 1, D(2026, 10, 1), D(2026, 5, 16))) == [
        "The start date must be before the end date"
    ]
    assert _reasons(fresh_db, Term(2569, 1, D(2026, 6, 1), D(2026, 6, 1)))
    assert load_terms(fresh_db) == []


def test_semester_1_before_semester_2_of_the_same_year(fresh_db: sqlite_utils.Database) -> None:
    # Against the default semester 2 (from 1 November)
    assert _reasons(fresh_db, Term(2569, 1, D(2026, 5, 16), D(2026, 11, 1))) == [
        "Semester 1 must end before semester 2 of the same academic year starts"
    ]
    # Against a stored semester 1
    terms.set_term_tx(fresh_db, Term(2569, 1, D(2026, 5, 16), D(2026, 10, 15)))
    assert _reasons(fresh_db, Term(2569, 2, D(2026, 10, 15), D(2027, 3, 31))) == [
        "Semester 2 must start after semester 1 of the same academic year ends"
    ]
    terms.set_term_tx(fresh_db, Term(2569, 2, D(2026, 10, 16), D(2027, 3, 31)))
    assert len(load_terms(fresh_db)) == 2


def test_a_year_does_not_overlap_the_next(fresh_db: sqlite_utils.Database) -> None:
    # Semester 2 running into the next year's default semester 1 (from 16 May)
    assert _reasons(fresh_db, Term(2569, 2, D(2026, 11, 1), D(2027, 5, 16))) == [
        "Semester 2 must end before semester 1 of academic year %(year)s starts"
    ]
    # A stored next semester 1 also counts, from both sides
    terms.set_term_tx(fresh_db, Term(2570, 1, D(2027, 5, 3), D(2027, 10, 1)))
    assert _reasons(fresh_db, Term(2569, 2, D(2026, 11, 1), D(2027, 5, 3)))
    terms.set_term_tx(fresh_db, Term(2569, 2, D(2026, 11, 1), D(2027, 4, 30)))
    assert _reasons(fresh_db, Term(2570, 1, D(2027, 4, 30), D(2027, 10, 1))) == [
        "Semester 1 must start after semester 2 of academic year %(year)s ends"
    ]


def test_dates_must_fall_in_the_academic_year(fresh_db: sqlite_utils.Database) -> None:
    assert "The dates of academic year %(year)s must fall in %(first)s or %(second)s" in _reasons(
        fresh_db, Term(2569, 1, D(2025, 5, 16), D(2025, 10, 31))
    )


@pytest.mark.parametrize(
    "values",
    [
        {"academic_year": "x", "semester": "1", "start": "2026-05-16", "end": "2026-10-31"},
        {"academic_year": "2569", "semester": "3", "start": "2026-05-16", "end": "2026-10-31"},
        {"academic_year": "2569", "semester": "1", "start": "", "end": "2026-10-31"},
        {"academic_year": "2569", "semester": "1", "start": "2026-05-16", "end": "31/10/2569"},
    ],
)
def test_unreadable_form_values_are_refused(values: dict[str, str]) -> None:
    with pytest.raises(Refused) as exc:
        terms.parse_term(values)
    assert exc.value.code == "invalid_term" and exc.value.reasons


def test_rows_list_last_this_and_next_year_with_defaults_or_set(demo_db: sqlite_utils.Database) -> None:
    terms.set_term_tx(demo_db, Term(2569, 2, D(2026, 11, 2), D(2027, 3, 26)))
    rows = terms.term_rows(demo_db, D(2026, 11, 20))
    assert [r.term.key for r in rows] == ["2568-1", "2568-2", "2569-1", "2569-2", "2570-1", "2570-2"]
    assert [r.is_set for r in rows] == [False, False, False, True, False, False]
    assert rows[3].term.start == D(2026, 11, 2)
    assert rows[0].term == Term(2568, 1, D(2025, 5, 16), D(2025, 10, 31))


def test_admin_sets_a_term_and_the_calendar_and_plans_use_it(shared_server: LiveServer) -> None:
    year = term_of(clock.today()).academic_year  # this academic year (BE), as the page lists it
    ce = year - 543
    with shared_server.client("admin") as admin:
        page = admin.get("/admin/terms")
        assert page.status_code == 200 and 'action="/admin/terms"' in page.text
        assert f'id="term-{year}-1"' in page.text and f'id="term-{year + 1}-2"' in page.text

        refused = admin.post(
            "/admin/terms",
            data={"academic_year": year, "semester": 1, "start": f"{ce}-10-01", "end": f"{ce}-05-16"},
        )
        assert refused.status_code == 422 and 'role="alert"' in refused.text
        assert "วันเริ่มต้นต้องมาก่อนวันสิ้นสุด" in refused.text  # the reason, translated (Thai first)

        saved = admin.post(
            "/admin/terms",
            data={"academic_year": year, "semester": 1, "start": f"{ce}-05-18", "end": f"{ce}-10-09"},
            follow_redirects=False,
        )
        assert saved.status_code == 303 and saved.headers["location"] == "/admin/terms"
        assert f"18 พฤษภาคม {year}" in admin.get("/admin/terms").text

        stored = load_terms(sqlite_utils.Database(shared_server.db_path))
        assert Term(year, 1, D(ce, 5, 18), D(ce, 10, 9)) in stored
        assert term_of(D(ce, 10, 20), stored).key == f"{year}-1"  # the break after it counts there

        plans = admin.get(f"/plans?network=N01&term={year}-1")
        assert plans.status_code == 200
        assert f"18 พฤษภาคม {year} – 9 ตุลาคม {year}" in plans.text

    secretary = shared_server.client("secretary1")
    with secretary:
        assert secretary.get("/admin/terms").status_code == 403
