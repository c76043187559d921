"""A resend costs a lookup: a tablet that never got its answer sends the same revisions again, byte for
byte, and the server answers `duplicate` from the wire digest kept with each revision (sync/prepare.py
`sent_again`) without decoding, cleaning or validating them again — with the same answers as the full path."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.reports import derived
from sync import apply
from sync.apply import apply_batch
from sync.wire import PushBatch, Receipt
from tests.conftest import persona
from tests.factories import batch, observation_answers, record


@pytest.fixture
def prepared(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many records of each batch the writer decoded and validated (the real `prepare_all`, counted)."""
    counts: list[int] = []
    real = apply.prepare_all

    def counted(db: Any, raws: list[bytes], max_record_bytes: int) -> Any:
        counts.append(len(raws))
        return real(db, raws, max_record_bytes)

    monkeypatch.setattr(apply, "prepare_all", counted)
    return counts


def push_bytes(db: sqlite_utils.Database, forms: Any, username: str, body: bytes) -> list[Receipt]:
    with db.atomic():
        return apply_batch(
            db,
            persona(db, username),
            msgspec.json.decode(body, type=PushBatch),
            forms,
            now="2026-11-20T03:00:00+00:00",
            max_record_bytes=256 * 1024,
            derived=derived.write,
        )


def body(*records: dict[str, Any]) -> bytes:
    return json.dumps(batch(*records), ensure_ascii=False).encode()


def held(db: sqlite_utils.Database, rid: str) -> tuple[list[Any], list[Any]]:
    """A record's row and its revisions' rows, as stored."""
    return (
        db.execute("SELECT * FROM records WHERE id = ?", [rid]).fetchall(),
        db.execute("SELECT * FROM revisions WHERE record_id = ?", [rid]).fetchall(),
    )


def test_a_resend_byte_for_byte_is_a_duplicate_after_a_lookup(demo_db, forms, prepared):
    old, new = record(), record()
    assert [r.status for r in push_bytes(demo_db, forms, "supervisor1", body(old))] == ["stored"]
    before = held(demo_db, old["id"])
    receipts = push_bytes(demo_db, forms, "supervisor1", body(old, new))
    assert [(r.id, r.status) for r in receipts] == [(old["id"], "duplicate"), (new["id"], "stored")]
    assert prepared == [1, 1]  # the resend was not decoded or validated again; the new record was
    assert push_bytes(demo_db, forms, "supervisor1", body(old))[0].status == "duplicate"
    assert prepared == [1, 1, 0]
    assert held(demo_db, old["id"]) == before  # the resends changed nothing of it


def test_the_same_revision_in_other_bytes_takes_the_full_path_and_is_still_a_duplicate(
    demo_db, forms, prepared
):
    r = record()
    push_bytes(demo_db, forms, "supervisor1", body(r))
    reordered = dict(reversed(list(r.items())))
    [receipt] = push_bytes(demo_db, forms, "supervisor1", body(reordered))
    assert receipt.status == "duplicate" and prepared == [1, 1]


def test_other_content_under_a_held_revision_is_still_refused(demo_db, forms):
    r = record()
    push_bytes(demo_db, forms, "supervisor1", body(r))
    [receipt] = push_bytes(
        demo_db, forms, "supervisor1", body({**r, "answers": observation_answers(topic="อื่น")})
    )
    assert receipt.code == "revision_reused"


def test_a_resend_by_someone_who_does_not_see_the_network_is_refused_as_before(demo_db, forms):
    r = record()
    push_bytes(demo_db, forms, "supervisor1", body(r))
    [receipt] = push_bytes(demo_db, forms, "supervisor2", body(r))  # supervisor2 supervises N03, not N01
    assert (receipt.status, receipt.code) == ("rejected", "school_out_of_scope")
    [receipt] = push_bytes(demo_db, forms, "director", body(r))
    assert receipt.code == "forbidden"


def test_a_conflict_sent_again_is_answered_conflict_again(demo_db, forms):
    r = record()
    push_bytes(demo_db, forms, "supervisor1", body(r))
    a = record(observation_answers(topic="ฉบับ ก"), rid=r["id"], base_rev=r["rev"])
    b = record(observation_answers(topic="ฉบับ ข"), rid=r["id"], base_rev=r["rev"])
    push_bytes(demo_db, forms, "supervisor1", body(a))
    assert push_bytes(demo_db, forms, "team1", body(b))[0].status == "conflict"
    [again] = push_bytes(demo_db, forms, "team1", body(b))
    assert again.status == "conflict" and again.current is not None and again.current.rev == a["rev"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 4), st.booleans()), min_size=1, max_size=12))
def test_resends_in_any_order_and_any_bytes_store_each_revision_once(demo_db, forms, sends):
    """A tablet sends revisions of five records, some again (the same bytes, or re-encoded): each revision
    is stored once, every later sending of it is a duplicate, and the database ends as if each was sent once."""
    demo_db.execute("DELETE FROM observation_scores")
    demo_db.execute("DELETE FROM observation_checklist")
    demo_db.execute("DELETE FROM revisions")
    demo_db.execute("DELETE FROM records")
    revisions = [record(observation_answers(topic=f"เรื่อง {i}")) for i in range(5)]
    seen: set[int] = set()
    for which, reencode in sends:
        r = revisions[which]
        sent = dict(reversed(list(r.items()))) if reencode else r
        [receipt] = push_bytes(demo_db, forms, "supervisor1", body(sent))
        assert receipt.status == ("duplicate" if which in seen else "stored")
        seen.add(which)
    rows = demo_db.execute("SELECT id, rev FROM records ORDER BY id").fetchall()
    assert rows == sorted((revisions[i]["id"], revisions[i]["rev"]) for i in seen)
    assert demo_db.execute("SELECT count(*) FROM revisions").fetchone()[0] == len(seen)
