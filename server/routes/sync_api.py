"""The sync protocol over HTTP (docs/sync-protocol.md): thin handlers over sync/."""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.params import Parameter, QueryParameter

from core import clock
from core.actor import Actor
from core.problems import problem
from core.roles import OBSERVERS, SIGNED_IN
from server.access import who
from server.calendar import keep_since
from server.errors import ApiError
from server.i18n import _
from server.lifecycle import form_lookup
from server.reports import derived
from server.terms import load_terms
from sync.apply import apply_batch
from sync.depth import limit_batch
from sync.feed import Round
from sync.feed import pull as pull_changes
from sync.prepare import Prepared, prepare_all, sent_again
from sync.wire import PullResult, PushBatch, PushResult

log = logging.getLogger("nithet.sync")
#: A batch this small is prepared by the writer: a trip to the workers would cost more than it saves.
PREPARE_IN_WORKERS_FROM = 8


class Me(msgspec.Struct):
    id: int
    username: str
    display_name: str
    role: str
    network_ids: list[str]


@get("/api/me", sync_to_thread=False, **who(SIGNED_IN, api=True))
def me(request: Request[Actor, Any, Any]) -> Me:
    u = request.user
    return Me(u.id, u.username, u.display_name, u.role, sorted(u.network_ids))


@post("/api/sync/push", status_code=200, **who(OBSERVERS, api=True))
async def push(request: Request[Actor, Any, Any]) -> PushResult:
    """Push finalized records; one receipt per record, answered only after the transaction commits."""
    state = request.app.state
    body = await request.body()
    if len(body) > state.settings.max_body_bytes:
        raise ApiError("batch_too_large", f"at most {state.settings.max_body_bytes} bytes")
    try:
        batch = msgspec.json.decode(limit_batch(body), type=PushBatch)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError) as exc:
        raise ApiError("malformed_batch", str(exc)) from None
    if len(batch.records) > state.settings.max_batch_records:
        raise ApiError("batch_too_large", f"at most {state.settings.max_batch_records} records")
    now = dt.datetime.now(dt.UTC).isoformat()
    apply = partial(
        apply_batch,
        now=now,
        max_record_bytes=state.settings.max_record_bytes,
        derived=derived.write,
        attachments=state.settings.db_path.parent / "attachments",
    )
    prepared = await _prepared(state, batch)
    receipts = await state.db.write(
        apply, request.user, batch, partial(form_lookup, state), prepared=prepared
    )
    for receipt in receipts:
        if receipt.code:
            receipt.message = _(problem(receipt.code).title)
    return PushResult(receipts=receipts)


async def _prepared(state: Any, batch: PushBatch) -> list[Prepared | None] | None:
    """The batch's records decoded, validated and hashed by the ingest workers (sync/prepare.py), but for
    those the server already holds byte for byte (a resend: None, the writer answers them after a lookup);
    None leaves it all to the writer (no workers, a small batch, a worker died)."""
    if state.db.ingest is None or len(batch.records) < PREPARE_IN_WORKERS_FROM:
        return None
    raws = [bytes(raw) for raw in batch.records]
    again = await state.db.read(sent_again, raws)
    todo = [i for i in range(len(raws)) if i not in again]
    if len(todo) < PREPARE_IN_WORKERS_FROM:
        return None
    try:
        done: list[Prepared] = await state.db.ingest.map(
            prepare_all, [raws[i] for i in todo], state.settings.max_record_bytes
        )
    except (BrokenProcessPool, OSError) as exc:
        log.warning("the ingest workers failed; the writer prepares this batch", exc_info=exc)
        return None
    prepared: list[Prepared | None] = [None] * len(raws)
    for i, p in zip(todo, done, strict=True):
        prepared[i] = p
    return prepared


@get("/api/sync/pull", **who(SIGNED_IN, api=True))
async def pull(
    request: Request[Actor, Any, Any],
    cursor: int = Parameter(default=0, ge=0, le=2**62),
    since_scope: Annotated[str, QueryParameter(name="scope", max_length=64)] = "",
    round_top: Annotated[int | None, QueryParameter(name="round", ge=0, le=2**62)] = None,
    ref: int = Parameter(default=0, ge=0, le=2**62),
    before: int = Parameter(default=0, ge=0, le=2**62),
) -> PullResult:
    """Reference data and records changed since `cursor`; call again while `more` is true. `scope` is the
    token of the previous answer: when the user's scope changed, the answer starts again with `reset`.
    `round` (0 to start one, then as answered, with `ref` and `before`): reference data and plans first,
    then the records newest first, leaving out those the tablet would prune at once."""
    ordered = None if round_top is None else Round(round_top, ref, before)

    def read(db: Any, actor: Actor, cursor: int) -> PullResult:
        # The terms in the page's own read: one snapshot, one trip to a reader thread.
        since = keep_since(clock.today(), load_terms(db)) if ordered is not None else ""
        return pull_changes(db, actor, cursor, seen_scope=since_scope, ordered=ordered, keep_since=since)

    result: PullResult = await request.app.state.db.read(read, request.user, cursor)
    return result
