"""Plans that change (server/plan_changes.py): edit and cancel under the rules of a new visit, pulled again by
the team's tablets; coverage warnings; school directors (team members) plan for their own network."""

from __future__ import annotations

import datetime as dt

import pytest

from server.calendar import term_of
from server.notice import Refused
from server.plan_changes import cancel_visit_tx, coverage_warnings, update_visit_tx, visit_values
from server.plans import AssignmentCreate, VisitCreate, visit_detail, visits_in
from server.terms import load_terms
from sync.feed import pull
from tests.conftest import persona
from tests.server.test_plans import FAR, first_school, plan


@pytest.fixture
def people(demo_db):
    return {name: persona(demo_db, name) for name in ("supervisor1", "team1", "secretary1", "supervisor2")}


def teachers(db, school: str) -> list[str]:
    return [r[0] for r in db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [school])]


def update(db, actor, visit_id: str, school: str, team: list[int], **kw) -> None:
    data = VisitCreate(
        date=kw.pop("date", FAR), session=kw.pop("session", "morning"), school_code=school, team=team, **kw
    )
    with db.atomic():
        update_visit_tx(db, actor, visit_id, data)


def test_an_edited_visit_is_pulled_again_whole(demo_db, people):
    sup, team = people["supervisor1"], people["team1"]
    school = first_school(demo_db, "N01", 10)
    t1, t2 = teachers(demo_db, school)[:2]
    visit_id = plan(
        demo_db, sup, school, [sup.id, team.id],
        assignments=[AssignmentCreate(observer_id=sup.id, teacher_id=t1, hour="09:00"),
                     AssignmentCreate(observer_id=team.id, teacher_id=t2, hour="10:00")],
    )  # fmt: skip
    cursor = demo_db.execute("SELECT value FROM counters").fetchone()[0]
    update(
        demo_db, people["secretary1"], visit_id, school, [sup.id, team.id], session="afternoon",
        assignments=[AssignmentCreate(observer_id=team.id, teacher_id=t1, hour="13:00")],
    )  # fmt: skip
    [visit] = [v for v in pull(demo_db, sup, cursor).visits if v.id == visit_id]
    assert visit.session == "afternoon" and not visit.cancelled
    assert [(a.observer_id, a.teacher_id, a.hour) for a in visit.assignments] == [(team.id, t1, "13:00")]
    assert visit_values(demo_db, sup, visit_id)["rows"] == [
        {"observer": str(team.id), "teacher": t1, "grade": "", "room": "", "hour": "13:00"}
    ]


def test_an_edit_keeps_the_rules_but_never_clashes_with_itself(demo_db, people):
    sup, team = people["supervisor1"], people["team1"]
    first, second = first_school(demo_db, "N01", 10), first_school(demo_db, "N01", 11)
    visit_id = plan(demo_db, sup, first, [sup.id])
    update(demo_db, sup, visit_id, first, [sup.id, team.id])  # its own booking is no clash
    other = plan(demo_db, sup, second, [sup.id], session="afternoon")
    with pytest.raises(Refused) as refused:
        update(demo_db, sup, other, second, [sup.id])  # moved onto the morning: sup is booked at `first`
    assert refused.value.code == "team_member_double_booked"
    with pytest.raises(Refused) as refused:
        update(demo_db, sup, visit_id, first, [people["supervisor2"].id])
    assert refused.value.code == "invalid_plan"
    with pytest.raises(Refused) as refused:  # another network's visit is not found
        update(demo_db, people["supervisor2"], visit_id, first, [sup.id])
    assert refused.value.code == "not_found"


def test_a_cancelled_visit_is_pulled_marked_and_frees_its_team(demo_db, people):
    sup = people["supervisor1"]
    school = first_school(demo_db, "N01", 10)
    visit_id = plan(demo_db, sup, school, [sup.id])
    cursor = demo_db.execute("SELECT value FROM counters").fetchone()[0]
    with demo_db.atomic():
        cancel_visit_tx(demo_db, people["secretary1"], visit_id)
    [visit] = [v for v in pull(demo_db, sup, cursor).visits if v.id == visit_id]
    assert visit.cancelled
    assert visit_detail(demo_db, sup, visit_id)["cancelled"]
    term = term_of(dt.date.fromisoformat(FAR), load_terms(demo_db))
    assert visit_id not in {v["id"] for v in visits_in(demo_db, "N01", term)}
    plan(demo_db, sup, first_school(demo_db, "N01", 11), [sup.id])  # the same slot is free again
    with pytest.raises(Refused), demo_db.atomic():
        cancel_visit_tx(demo_db, people["supervisor2"], visit_id)


def test_coverage_warnings_name_members_without_a_classroom_and_teachers_not_observed(demo_db, people):
    sup, team = people["supervisor1"], people["team1"]
    school = first_school(demo_db, "N01", 10)
    first, *rest = teachers(demo_db, school)
    visit_id = plan(
        demo_db, sup, school, [sup.id, team.id],
        assignments=[AssignmentCreate(observer_id=sup.id, teacher_id=first, hour="09:00")],
    )  # fmt: skip
    warnings = [str(w) for w in coverage_warnings(demo_db, visit_id)]
    assert any(team.display_name in w for w in warnings)
    assert not any(sup.display_name in w for w in warnings)
    names = dict(demo_db.execute("SELECT id, name FROM teachers WHERE school_code = ?", [school]).fetchall())
    [missing] = [w for w in warnings if f"({len(rest)}" in w]
    assert all(names[t] in missing for t in rest) and names[first] not in missing


def test_a_school_director_plans_for_their_own_network_only(demo_db, people):
    team = people["team1"]  # a team member of N01
    visit_id = plan(demo_db, team, first_school(demo_db, "N01", 12), [team.id])
    assert visit_detail(demo_db, team, visit_id) is not None
    with pytest.raises(Refused) as refused:
        plan(demo_db, team, first_school(demo_db, "N03", 0), [team.id], session="afternoon")
    assert refused.value.code == "invalid_plan"
