"""Free text on the way in: Unicode NFC on the server before validation and hashing; the limits on
record size and string lengths, one record at a time (the others of the batch are still stored)."""

from __future__ import annotations

import unicodedata

from tests.factories import observation_answers, record
from tests.sync.test_apply import push, stored_answers

#: "เก่ง" typed as e + combining acute etc. would be Latin; Thai has few canonical decompositions, so the
#: test mixes a Thai answer with Latin text typed in decomposed form (as some keyboards produce).
DECOMPOSED = "ครูใช้คำถาม Cafe\u0301 re\u0301sume\u0301"
COMPOSED = unicodedata.normalize("NFC", DECOMPOSED)


def test_free_text_is_stored_in_nfc_and_the_hash_is_of_the_normalized_text(demo_db, forms):
    assert DECOMPOSED != COMPOSED
    sent = record(observation_answers(strengths=DECOMPOSED))
    [receipt] = push(demo_db, forms, "supervisor1", sent)
    assert receipt.status == "stored"
    assert stored_answers(demo_db, sent["id"])["strengths"] == COMPOSED
    # The same revision sent again in NFC (the tablet normalizes too) is the same content: a duplicate.
    again = {**sent, "answers": {**sent["answers"], "strengths": COMPOSED}}
    assert push(demo_db, forms, "supervisor1", again)[0].status == "duplicate"


def test_an_oversized_record_and_over_long_strings_are_rejected_alone(demo_db, forms):
    huge = record(observation_answers(strengths="ก" * 300_000))
    long_form_id = record(form_id="x" * 201)
    long_rev = record(rev="r" * 65)
    bad_id = record(rid="not-a-uuid")
    good = record()
    receipts = push(demo_db, forms, "supervisor1", huge, long_form_id, long_rev, bad_id, good)
    assert [(r.status, r.code) for r in receipts] == [
        ("rejected", "record_too_large"),
        ("rejected", "malformed_record"),
        ("rejected", "malformed_record"),
        ("rejected", "malformed_record"),
        ("stored", None),
    ]
    assert receipts[0].id == huge["id"]  # the tablet can still tell which record it was


def test_an_unexpected_error_in_one_record_undoes_its_writes_and_rejects_it_alone(demo_db, forms):
    """A fault injected with a real SQLite trigger: the report row of one record fails to insert, after its record and revision rows."""
    poison, good = record(), record()
    demo_db.execute(
        "CREATE TRIGGER poison BEFORE INSERT ON observation_scores WHEN NEW.record_id = ? "
        "BEGIN SELECT RAISE(ABORT, 'injected fault'); END".replace("?", f"'{poison['id']}'")
    )
    receipts = push(demo_db, forms, "supervisor1", poison, good)
    assert [(r.status, r.code) for r in receipts] == [("rejected", "record_failed"), ("stored", None)]
    assert (receipts[0].id, receipts[0].rev) == (poison["id"], poison["rev"])
    # The record and its revision were written before the fault: both undone, nothing half-stored.
    for table in ("records", "revisions"):
        column = "id" if table == "records" else "record_id"
        assert (
            demo_db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", [poison["id"]]).fetchone()[0]
            == 0
        )
    assert stored_answers(demo_db, good["id"]) == good["answers"]
