"""Scope changes reach the tablet: a pull made for an older scope starts again from 0 with `reset`."""

from __future__ import annotations

from server import accounts
from sync.feed import pull
from sync.scope_changes import note_removal
from tests.conftest import persona
from tests.factories import SCHOOL_N01, TEACHER_N01, observation_answers, record
from tests.sync.test_apply import push


def test_the_same_scope_pulls_on_from_its_cursor(demo_db, forms):
    first = pull(demo_db, persona(demo_db, "supervisor2"), 0)
    again = pull(demo_db, persona(demo_db, "supervisor2"), first.cursor, seen_scope=first.scope)
    assert not again.reset and again.schools == [] and again.scope == first.scope


def test_new_networks_start_the_pull_again_with_reset(demo_db, forms):
    first = pull(demo_db, persona(demo_db, "supervisor2"), 0)
    accounts.edit_user(demo_db, "supervisor2", None, None, ["N05"])
    after = pull(demo_db, persona(demo_db, "supervisor2"), first.cursor, seen_scope=first.scope)
    assert after.reset and after.scope != first.scope
    assert {s.network_id for s in after.schools} == {"N05"} and {n.id for n in after.networks} == {"N05"}
    # The next page, with the new token, goes on normally (no reset loop).
    assert not pull(demo_db, persona(demo_db, "supervisor2"), after.cursor, seen_scope=after.scope).reset


def test_a_role_change_and_a_removal_reset_too(demo_db, forms):
    sup = persona(demo_db, "supervisor1")
    first = pull(demo_db, sup, 0)
    accounts.edit_user(demo_db, "supervisor1", None, "secretary", ["N01", "N02"])
    assert pull(demo_db, persona(demo_db, "supervisor1"), first.cursor, seen_scope=first.scope).reset
    team = persona(demo_db, "team1")
    seen = pull(demo_db, team, 0)
    note_removal(demo_db)  # an undone import, for example
    assert pull(demo_db, team, seen.cursor, seen_scope=seen.scope).reset


def test_a_record_moved_to_another_network_resets_its_old_networks_tablets(demo_db, forms):
    r = record(observation_answers(school=SCHOOL_N01, teacher=TEACHER_N01))
    push(demo_db, forms, "admin", r)
    team = persona(demo_db, "team1")  # N01
    seen = pull(demo_db, team, 0)
    assert [x.id for x in seen.records] == [r["id"]]
    moved = record(
        observation_answers(school="49050001", teacher="49050001-01"), rid=r["id"], base_rev=r["rev"]
    )
    assert push(demo_db, forms, "admin", moved)[0].status == "stored"
    after = pull(demo_db, team, seen.cursor, seen_scope=seen.scope)
    assert after.reset and r["id"] not in [x.id for x in after.records]
