"""Every receipt outcome of a push: stored, duplicate, conflict, rejected — and nothing dropped."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import sqlite_utils

from server.reports import derived
from sync.apply import apply_batch
from sync.stored import unpack
from sync.wire import PushBatch, Receipt
from tests.conftest import persona
from tests.factories import SCHOOL_N01, SCHOOL_N03, TEACHER_N03, batch, observation_answers, record


def push(db: sqlite_utils.Database, forms: Any, username: str, *records: dict[str, Any]) -> list[Receipt]:
    wire = msgspec.json.decode(json.dumps(batch(*records)).encode(), type=PushBatch)
    with db.atomic():
        return apply_batch(
            db,
            persona(db, username),
            wire,
            forms,
            now="2026-11-20T03:00:00+00:00",
            max_record_bytes=256 * 1024,
            derived=derived.write,
        )


def stored_answers(db: sqlite_utils.Database, rid: str) -> dict[str, Any]:
    return unpack(*db.execute("SELECT answers, texts FROM records WHERE id = ?", [rid]).fetchone())


def count(db: sqlite_utils.Database, sql: str, *params: Any) -> int:
    return int(db.execute(sql, params).fetchone()[0])


def test_new_record_is_stored_with_its_answers(demo_db, forms):
    r = record()
    [receipt] = push(demo_db, forms, "supervisor1", r)
    assert (receipt.status, receipt.id, receipt.rev) == ("stored", r["id"], r["rev"])
    assert stored_answers(demo_db, r["id"]) == r["answers"]
    row = demo_db.execute(
        "SELECT network_id, school_code, rev FROM records WHERE id = ?", [r["id"]]
    ).fetchone()
    assert row == ("N01", "49010001", r["rev"])


def test_the_same_push_again_is_a_duplicate_and_changes_nothing(demo_db, forms):
    r = record()
    push(demo_db, forms, "supervisor1", r)
    before = (
        demo_db.execute("SELECT * FROM records").fetchall(),
        demo_db.execute("SELECT * FROM revisions").fetchall(),
    )
    [receipt] = push(demo_db, forms, "supervisor1", r)
    assert receipt.status == "duplicate"
    after = (
        demo_db.execute("SELECT * FROM records").fetchall(),
        demo_db.execute("SELECT * FROM revisions").fetchall(),
    )
    assert before == after


def test_an_edit_on_the_current_revision_makes_a_new_revision(demo_db, forms):
    r1 = record()
    push(demo_db, forms, "supervisor1", r1)
    edited = observation_answers(topic="การเขียนเรียงความ")
    r2 = record(edited, rid=r1["id"], base_rev=r1["rev"])
    [receipt] = push(demo_db, forms, "team1", r2)
    assert receipt.status == "stored"
    assert stored_answers(demo_db, r1["id"])["topic"] == "การเขียนเรียงความ"
    states = dict(
        demo_db.execute("SELECT rev, state FROM revisions WHERE record_id = ?", [r1["id"]]).fetchall()
    )
    assert states == {r1["rev"]: "superseded", r2["rev"]: "current"}
    # The author stays the creator; each revision keeps who made it.
    authors = dict(
        demo_db.execute("SELECT rev, author_id FROM revisions WHERE record_id = ?", [r1["id"]]).fetchall()
    )
    assert authors[r1["rev"]] != authors[r2["rev"]]


def test_two_edits_of_the_same_base_keep_both_and_flag_a_conflict(demo_db, forms):
    r1 = record()
    push(demo_db, forms, "supervisor1", r1)
    a = record(observation_answers(topic="ฉบับ ก"), rid=r1["id"], base_rev=r1["rev"])
    b = record(observation_answers(topic="ฉบับ ข"), rid=r1["id"], base_rev=r1["rev"])
    [ra] = push(demo_db, forms, "supervisor1", a)
    [rb] = push(demo_db, forms, "team1", b)
    assert (ra.status, rb.status) == ("stored", "conflict")
    assert rb.current is not None and rb.current.answers["topic"] == "ฉบับ ก" and rb.current.conflicts == 1
    # The tablet retries the same conflicting revision: the answer is the same, never a success.
    [again] = push(demo_db, forms, "team1", b)
    assert again.status == "conflict" and again.current is not None
    kept = dict(
        demo_db.execute("SELECT rev, state FROM revisions WHERE record_id = ?", [r1["id"]]).fetchall()
    )
    assert kept[b["rev"]] == "conflict" and kept[a["rev"]] == "current"
    assert (
        unpack(*demo_db.execute("SELECT answers, texts FROM revisions WHERE rev = ?", [b["rev"]]).fetchone())[
            "topic"
        ]
        == "ฉบับ ข"
    )
    # Resolving: a new revision on the current one that names the conflict it settles.
    c = record(observation_answers(topic="ฉบับ ข"), rid=r1["id"], base_rev=a["rev"], resolves=[b["rev"]])
    [rc] = push(demo_db, forms, "team1", c)
    assert rc.status == "stored"
    assert count(demo_db, "SELECT conflicts FROM records WHERE id = ?", r1["id"]) == 0
    assert count(demo_db, "SELECT count(*) FROM revisions WHERE record_id = ?", r1["id"]) == 4


def test_a_bad_record_is_rejected_and_the_rest_of_the_batch_is_stored(demo_db, forms):
    good1, good2 = record(), record()
    bad = record()
    bad["form_version"] = "one"
    receipts = push(demo_db, forms, "supervisor1", good1, bad, good2)
    assert [r.status for r in receipts] == ["stored", "rejected", "stored"]
    assert receipts[1].code == "malformed_record" and receipts[1].id == bad["id"] and receipts[1].detail
    assert count(demo_db, "SELECT count(*) FROM records") == 2


def test_unknown_form_or_version_is_rejected(demo_db, forms):
    receipts = push(demo_db, forms, "supervisor1", record(form_version=99), record(form_id="nosuch"))
    assert [(r.status, r.code) for r in receipts] == [("rejected", "unknown_form")] * 2


def test_a_school_of_another_network_is_rejected(demo_db, forms):
    r = record(observation_answers(school=SCHOOL_N03, teacher=TEACHER_N03))
    [receipt] = push(demo_db, forms, "supervisor1", r)
    assert (receipt.status, receipt.code) == ("rejected", "school_out_of_scope")
    assert count(demo_db, "SELECT count(*) FROM records") == 0
    # ...while its own supervisor may push it.
    assert push(demo_db, forms, "supervisor2", r)[0].status == "stored"


def test_a_teacher_of_another_school_is_rejected(demo_db, forms):
    r = record(observation_answers(teacher=TEACHER_N03))
    assert push(demo_db, forms, "supervisor1", r)[0].code == "unknown_teacher"


def test_a_teacher_of_another_school_inside_a_repeat_is_rejected(demo_db, forms):
    from tests.report_data import FORMS, reflection

    answers = reflection(SCHOOL_N01, TEACHER_N03, "2025-06-10")
    r = record(answers, form_id="reflection", form_version=FORMS["reflection"].version)
    assert push(demo_db, forms, "supervisor1", r)[0].code == "unknown_teacher"
    answers["teachers"][0]["teacher"] = "49010001-01"
    r = record(answers, form_id="reflection", form_version=FORMS["reflection"].version)
    assert push(demo_db, forms, "supervisor1", r)[0].status == "stored"


def test_answers_that_break_the_rules_name_the_field_and_the_rule(demo_db, forms):
    answers = observation_answers(scores=[5, 3, 3, 3, 3, 3, 3, 3, 3])
    del answers["positive_climate_evidence"]
    del answers["strengths"]
    answers["present"] = 30  # more than the 24 enrolled
    [receipt] = push(demo_db, forms, "supervisor1", record(answers))
    assert (receipt.status, receipt.code) == ("rejected", "invalid_answers")
    found = {(p.field, p.code) for p in receipt.problems}
    assert found == {
        ("positive_climate_evidence", "evidence_required"),
        ("strengths", "required"),
        ("present", "constraint"),
    }


def test_a_forged_calculation_is_rejected(demo_db, forms):
    [receipt] = push(demo_db, forms, "supervisor1", record(observation_answers(mean_score=5)))
    assert ("mean_score", "calculation") in {(p.field, p.code) for p in receipt.problems}


def test_a_record_too_large_is_rejected(demo_db, forms):
    r = record(observation_answers(develop_text="ก" * 300_000))
    [receipt] = push(demo_db, forms, "supervisor1", r)
    assert (receipt.status, receipt.code, receipt.id) == ("rejected", "record_too_large", r["id"])


def test_a_revision_id_sent_again_with_other_content_is_rejected(demo_db, forms):
    r = record()
    push(demo_db, forms, "supervisor1", r)
    forged = {**r, "answers": observation_answers(topic="อื่น")}
    [receipt] = push(demo_db, forms, "supervisor1", forged)
    assert receipt.code == "revision_reused"
    assert stored_answers(demo_db, r["id"]) == r["answers"]


def test_a_role_that_does_not_observe_cannot_push(demo_db, forms):
    [receipt] = push(demo_db, forms, "director", record())
    assert receipt.code == "forbidden"


def test_the_device_reports_its_pending_count(demo_db, forms):
    push(demo_db, forms, "supervisor1", record())
    row = demo_db.execute("SELECT app_version, pending FROM devices WHERE id = 'tablet-test-0001'").fetchone()
    assert row == ("test", 0)
