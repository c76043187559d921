"""Preparing a pushed batch (sync/prepare.py), as the ingest workers do: a replay of a stored revision is not
validated again, and the writer still validates one that the preparation took for a replay wrongly."""

from __future__ import annotations

import json

import msgspec

from server.reports import derived
from sync.apply import apply_batch
from sync.prepare import against, prepare_all
from sync.wire import PushBatch, RecordPush
from tests.conftest import persona
from tests.factories import batch, observation_answers, record
from tests.sync.test_apply import push


def test_a_replay_is_prepared_without_validating_it_again(demo_db, forms):
    stored, new = record(), record()
    push(demo_db, forms, "supervisor1", stored)
    raws = [json.dumps(r).encode() for r in (stored, new)]
    replay, fresh = prepare_all(demo_db, raws, 256 * 1024)
    assert replay.digest and not replay.validated
    assert fresh.validated and fresh.problems == []
    invalid = record(observation_answers(present=30))
    [checked] = prepare_all(demo_db, [json.dumps(invalid).encode()], 256 * 1024)
    assert checked.validated and [p.field for p in checked.problems] == ["present"]


def test_the_writer_validates_what_was_wrongly_taken_for_a_replay(demo_db, forms):
    invalid = record(observation_answers(present=30))
    decoded = msgspec.json.decode(json.dumps(invalid), type=RecordPush)
    form = forms("observation", invalid["form_version"])
    digest = against(decoded, form).digest
    taken_for_replay = against(decoded, form, held=digest)  # as if the worker had read it as stored
    assert not taken_for_replay.validated
    wire = msgspec.json.decode(json.dumps(batch(invalid)).encode(), type=PushBatch)
    with demo_db.atomic():
        [receipt] = apply_batch(
            demo_db,
            persona(demo_db, "supervisor1"),
            wire,
            forms,
            now="2026-11-20T03:00:00+00:00",
            max_record_bytes=256 * 1024,
            derived=derived.write,
            prepared=[taken_for_replay],
        )
    assert (receipt.status, receipt.code) == ("rejected", "invalid_answers")
