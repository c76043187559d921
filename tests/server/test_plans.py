"""Visit plan rules: no double booking, assignments pulled with their visit, semester coverage."""

from __future__ import annotations

import json

import pytest

from server import i18n
from server.calendar import term_of
from server.notice import Refused
from server.plans import AssignmentCreate, VisitCreate, coverage, create_visit_tx, visit_detail
from server.reports import summary
from sync.feed import pull
from tests.conftest import DEMO_TODAY, persona

FAR = "2031-06-03"  # a Tuesday with no demo visits


def first_school(db, network: str, n: int = 0) -> str:
    return db.execute("SELECT code FROM schools WHERE network_id = ? ORDER BY code", [network]).fetchall()[n][
        0
    ]


def teacher_of(db, school: str) -> str:
    return db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school]).fetchone()[0]


def plan(db, actor, school: str, team: list[int], *, date: str = FAR, session: str = "morning", **kw) -> str:
    data = VisitCreate(date=date, session=session, school_code=school, team=team, **kw)  # type: ignore[arg-type]
    with db.atomic():
        return create_visit_tx(db, actor, data)


@pytest.fixture
def people(demo_db):
    return {
        name: persona(demo_db, name)
        for name in ("supervisor1", "team1", "secretary1", "supervisor2", "admin")
    }


def test_a_visit_with_assignments_is_pulled_by_its_network_only(demo_db, people):
    sup, team = people["supervisor1"], people["team1"]
    school = first_school(demo_db, "N01", 10)
    teacher = teacher_of(demo_db, school)
    cursor = demo_db.execute("SELECT value FROM counters").fetchone()[0]
    visit_id = plan(
        demo_db,
        sup,
        school,
        [sup.id, team.id],
        assignments=[
            AssignmentCreate(observer_id=team.id, teacher_id=teacher, grade="p2", room="2/1", hour="09:00")
        ],
    )
    mine = pull(demo_db, sup, cursor)
    [visit] = [v for v in mine.visits if v.id == visit_id]
    assert visit.team == [sup.id, team.id]
    assert [(a.observer_id, a.teacher_id, a.grade, a.room, a.hour) for a in visit.assignments] == [
        (team.id, teacher, "p2", "2/1", "09:00")
    ]
    assert visit_id not in {v.id for v in pull(demo_db, people["supervisor2"], cursor).visits}


def test_double_booking_is_refused_naming_the_person_and_the_other_school(demo_db, people):
    sup, team = people["supervisor1"], people["team1"]
    first, second = first_school(demo_db, "N01", 10), first_school(demo_db, "N01", 11)
    plan(demo_db, sup, first, [sup.id, team.id])
    with pytest.raises(Refused) as refused:
        plan(demo_db, people["secretary1"], second, [team.id])
    assert refused.value.code == "team_member_double_booked"
    first_name = demo_db["schools"].get(first)["name"]
    token = i18n.current_locale.set("th")
    try:
        [message] = refused.value.messages()
    finally:
        i18n.current_locale.reset(token)
    assert team.display_name in message and first_name in message
    assert "2574" in message and "ภาคเช้า" in message  # BE date and the session, in Thai
    # Nothing was written by the refused plan.
    assert demo_db.execute("SELECT count(*) FROM visits WHERE school_code = ?", [second]).fetchone()[0] == 0
    # The same people in the afternoon are fine.
    plan(demo_db, sup, second, [sup.id, team.id], session="afternoon")


def test_double_booking_across_networks(demo_db, people):
    sup = people["supervisor1"]  # N01 and N02
    plan(demo_db, sup, first_school(demo_db, "N01", 12), [sup.id])
    with pytest.raises(Refused):
        plan(demo_db, sup, first_school(demo_db, "N02", 0), [sup.id])


def test_plan_rules(demo_db, people):
    sup, team = people["supervisor1"], people["team1"]
    school = first_school(demo_db, "N01", 13)
    with pytest.raises(Refused) as refused:
        plan(
            demo_db,
            sup,
            school,
            [sup.id],
            assignments=[AssignmentCreate(observer_id=team.id, teacher_id="nobody", grade="p9", hour="9am")],
        )
    assert refused.value.code == "invalid_plan"
    assert len(refused.value.reasons) == 4  # observer not on team, unknown teacher, grade, hour
    with pytest.raises(Refused) as foreign:
        plan(demo_db, people["secretary1"], first_school(demo_db, "N02"), [people["secretary1"].id])
    assert foreign.value.code == "invalid_plan"
    with pytest.raises(Refused) as forbidden:  # the area's deputy director reads plans, never makes them
        plan(demo_db, persona(demo_db, "director"), school, [team.id])
    assert forbidden.value.code == "forbidden"
    with pytest.raises(Refused):  # supervisor2 is not a member of N01
        plan(demo_db, sup, school, [people["supervisor2"].id])


def add_record(db, school: str, visit_id: str | None, visit_date: str, network: str = "N01") -> None:
    """A synced record as sync/apply.py stores it (only the columns coverage reads matter)."""
    n = db.execute("SELECT count(*) FROM records").fetchone()[0]
    db["records"].insert(
        {
            "id": f"00000000-0000-4000-8000-{n:012d}",
            "form_id": "observation",
            "form_version": 1,
            "network_id": network,
            "school_code": school,
            "visit_id": visit_id,
            "rev": "1",
            "answers": json.dumps({"school": school, "visit_date": visit_date}),
            "seq": 0,
        }
    )


def test_coverage_counts(demo_db):
    term = term_of(DEMO_TODAY)
    schools = [
        r[0] for r in demo_db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code")
    ]
    demo_visits = demo_db.execute(
        "SELECT id, school_code FROM visits WHERE network_id = 'N01' ORDER BY date, session DESC"
    ).fetchall()
    assert len(schools) == 15 and len(demo_visits) == 8  # the demo plans 8 schools in its first week

    empty = coverage(demo_db, "N01", term)
    assert empty.counts == {"visited": 0, "planned": 8, "not_planned": 7, "total": 15}
    assert [r.status for r in empty.rows[:7]] == ["not_planned"] * 7  # the ones to plan come first

    add_record(demo_db, demo_visits[0][1], demo_visits[0][0], DEMO_TODAY.isoformat())  # by visit id
    add_record(demo_db, schools[-1], None, "2025-07-01")  # an unplanned school observed in the term
    add_record(demo_db, schools[-2], None, "2025-11-15")  # next semester: does not count
    result = coverage(demo_db, "N01", term)
    assert result.counts == {"visited": 2, "planned": 7, "not_planned": 6, "total": 15}
    by_code = {r.code: r for r in result.rows}
    assert by_code[schools[-1]].status == "visited" and by_code[schools[-1]].visits == 0
    assert by_code[schools[-2]].status == "not_planned"
    semester_2 = term_of(DEMO_TODAY.replace(month=12))
    assert coverage(demo_db, "N01", semester_2).counts == {
        "visited": 1,
        "planned": 0,
        "not_planned": 14,
        "total": 15,
    }


def test_semester_dates_come_from_the_terms_table(fresh_db):
    import datetime as dt

    from server.calendar import Term
    from server.terms import pick_term, save_term_tx

    early = Term(2568, 1, dt.date(2025, 5, 12), dt.date(2025, 10, 10))
    with fresh_db.atomic():
        save_term_tx(fresh_db, early)
    term, choices = pick_term(fresh_db, None, dt.date(2025, 5, 13))
    assert term == early and early in choices
    assert pick_term(fresh_db, "2568-2", dt.date(2025, 5, 13))[0].start == dt.date(2025, 11, 1)  # default


def test_a_team_visit_lists_every_observers_synced_records(demo_db, people):
    sup, team = people["supervisor1"], people["team1"]
    school = first_school(demo_db, "N01", 12)
    teachers = [r[0] for r in demo_db.execute("SELECT id FROM teachers WHERE school_code = ?", [school])]
    visit_id = plan(demo_db, sup, school, [sup.id, team.id])
    for n, (author, form_id, teacher) in enumerate(
        [
            (team.id, "observation", teachers[1]),
            (sup.id, "reflection", None),
            (sup.id, "observation", teachers[0]),
        ]
    ):
        demo_db["records"].insert(
            {
                "id": f"00000000-0000-4000-9000-{n:012d}",
                "form_id": form_id,
                "form_version": 1,
                "network_id": "N01",
                "school_code": school,
                "visit_id": visit_id,
                "author_id": author,
                "rev": "1",
                "answers": json.dumps({"school": school, "teacher": teacher}),
                "updated_at": f"2031-06-03T1{n}:00:00+07:00",
                "seq": 0,
            }
        )
    add_record(demo_db, school, None, "2031-06-03")  # the same school, no visit id: not this visit's
    detail = visit_detail(demo_db, sup, visit_id)
    assert detail is not None
    names = dict(demo_db.execute("SELECT id, display_name FROM users").fetchall())
    assert [(r["observer"], r["form_id"]) for r in detail["records"]] == sorted(
        [(names[team.id], "observation"), (names[sup.id], "observation"), (names[sup.id], "reflection")]
    )
    teacher_names = {r["teacher"] for r in detail["records"]} - {None}
    assert len(teacher_names) == 2
    assert visit_detail(demo_db, people["supervisor2"], visit_id) is None  # another network


def test_the_plans_page_and_the_network_report_count_the_same_schools_visited(demo_db, people):
    """One definition (server/reports/coverage.py `visited`): a record counts by its planned visit's date when it
    is linked to one, else by its own visit date. The old plans page also counted a record of a visit of another
    term by its own date, and the old report counted only by the record's date."""
    term = term_of(DEMO_TODAY)
    first, last = term.start.isoformat(), term.end.isoformat()
    visit_id, school_a = demo_db.execute(
        "SELECT id, school_code FROM visits WHERE network_id = 'N01' ORDER BY date, session DESC"
    ).fetchone()
    # A visit of this term whose record was dated in the next semester (a wrong date typed): visited.
    add_record(demo_db, school_a, visit_id, "2025-11-20")
    # A record dated in this term, linked to a visit planned in another year: not a visit of this term.
    school_b = first_school(demo_db, "N01", 14)
    later = plan(demo_db, people["supervisor1"], school_b, [people["team1"].id])
    add_record(demo_db, school_b, later, "2025-07-01")
    # A record of an unplanned school, dated in the term: visited.
    school_c = first_school(demo_db, "N01", 13)
    add_record(demo_db, school_c, None, "2025-07-02")

    on_plans = coverage(demo_db, "N01", term)
    report = summary.network_summary(demo_db, "N01", first, last)
    assert on_plans.counts["visited"] == report["coverage"]["schools_visited"] == 2
    visited_on_plans = {r.code for r in on_plans.rows if r.status == "visited"}
    assert visited_on_plans == {s["code"] for s in report["schools"] if s["visited"]} == {school_a, school_c}
