"""The answers of a record's current revision are stored once (m021): in `records.answers`; its revision row
keeps NULL. Every other revision keeps its own copy, and nothing is lost converting an older database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.db import connect
from server.migrations import migrations
from server.observations import record_with_revisions
from tests.conftest import persona
from tests.factories import observation_answers, record
from tests.sync.test_apply import push

THAI = st.text(
    alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B) | st.sampled_from(' \n"\\a1')
)
ANSWERS = st.dictionaries(st.sampled_from(["topic", "notes", "school", "x"]), THAI, min_size=1)
#: One record's revisions before m021: (state, answers), the record's row holding the current one's.
HISTORY = st.lists(st.tuples(st.sampled_from(["superseded", "conflict", "resolved"]), ANSWERS), max_size=3)


def _old_database(path: Path, records: list[tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]]) -> Any:
    """A database migrated up to m019, holding each record the way the server stored it then: its answers
    in `records` and again in its current revision's row."""
    db = connect(path)
    migrations.apply(db, stop_before="m021_current_answers_once")
    for n, (current, others) in enumerate(records):
        rid = f"rec-{n}"
        encoded = msgspec.json.encode(current).decode()
        db["records"].insert(
            {
                "id": rid,
                "form_id": "observation",
                "form_version": 1,
                "network_id": "N01",
                "school_code": "49010001",
                "rev": "r-current",
                "answers": encoded,
                "seq": n + 1,
            }
        )
        rows = [("r-current", "current", encoded)]
        rows += [(f"r-{i}", state, msgspec.json.encode(a).decode()) for i, (state, a) in enumerate(others)]
        db["revisions"].insert_all(
            {"record_id": rid, "rev": rev, "content_hash": "h", "answers": a, "state": state}
            for rev, state, a in rows
        )
    return db


def _every_revision(db: Any) -> dict[tuple[str, str], Any]:
    return {
        (rid, rev): json.loads(answers)
        for rid, rev, answers in db.execute(
            "SELECT v.record_id, v.rev, coalesce(v.answers, r.answers) FROM revisions v "
            "JOIN records r ON r.id = v.record_id"
        )
    }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(st.tuples(ANSWERS, HISTORY), min_size=1, max_size=6))
def test_the_migration_keeps_every_revisions_answers(tmp_path_factory, records):
    db = _old_database(tmp_path_factory.mktemp("m021") / "old.db", records)
    before = _every_revision(db)
    records_before = db.execute("SELECT id, answers FROM records ORDER BY id").fetchall()
    migrations.apply(db)
    assert _every_revision(db) == before
    assert db.execute("SELECT id, answers FROM records ORDER BY id").fetchall() == records_before
    # The second copy is gone: only the revisions that are not current keep their answers.
    kept = db.execute("SELECT state FROM revisions WHERE answers IS NOT NULL").fetchall()
    assert all(state != "current" for (state,) in kept)
    assert len(kept) == sum(len(others) for _, others in records)
    db.close()


def test_a_current_copy_that_differs_from_the_record_is_kept(tmp_path):
    db = _old_database(tmp_path / "old.db", [({"topic": "ก"}, [])])
    db.execute('UPDATE revisions SET answers = \'{"topic":"ข"}\'')
    migrations.apply(db)
    assert db.execute("SELECT answers FROM revisions").fetchone() == ('{"topic":"ข"}',)
    db.close()


def test_an_edit_keeps_the_answers_it_replaced_and_the_current_ones_once(demo_db, forms):
    first = record(observation_answers(topic="การอ่านออกเสียง"))
    push(demo_db, forms, "supervisor1", first)
    edited = record(observation_answers(topic="การเขียนเรียงความ"), rid=first["id"], base_rev=first["rev"])
    [receipt] = push(demo_db, forms, "supervisor1", edited)
    assert receipt.status == "stored"
    rows = dict(demo_db.execute("SELECT rev, answers FROM revisions WHERE record_id = ?", [first["id"]]))
    assert rows[edited["rev"]] is None
    assert json.loads(rows[first["rev"]])["topic"] == "การอ่านออกเสียง"
    # The secretary's history of the record shows both versions' answers.
    shown = record_with_revisions(demo_db, persona(demo_db, "supervisor1"), first["id"])
    assert shown is not None
    topics = {v["rev"]: v["answers"]["topic"] for v in shown["revisions"]}
    assert topics == {first["rev"]: "การอ่านออกเสียง", edited["rev"]: "การเขียนเรียงความ"}
