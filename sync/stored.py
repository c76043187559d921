"""How a record's answers are stored: as JSON, with their long free texts compressed beside it.

Most of an observation's answers is free Thai text (the evidence for each element, the strengths, what to
develop), which zlib takes to about a fifth. The reports query the rest with `json_extract` (the visit date,
the session, the scores), so the answers stay JSON: every string of `LONG` characters or more is replaced
by null and kept, with its place, in `texts` (zlib of a JSON list of [path, text]). `unpack` puts each back
in its place, so the answers read back exactly as they were stored, the same keys in the same order.

A row whose `texts` is NULL (no long text, or stored before m025) is its JSON alone. Every reader of
`answers` from the database goes through `unpack`; nothing in SQL reads a free text."""

from __future__ import annotations

import zlib
from typing import Any, NamedTuple

import msgspec

#: A record's visit date as SQL: a short answer, so it stays plain JSON in `records.answers`. The expression
#: SQLite's report indexes are built on (m005_report_indexes): keep it exactly so.
VISIT_DATE = "json_extract(answers, '$.visit_date')"
#: A string this long (in characters) or longer is packed: codes, ids, choices and times are far shorter,
#: and one Thai sentence of this length already takes fewer bytes packed than as JSON.
LONG = 40

Path = list[str | int]
_TEXTS = msgspec.json.Decoder(list[tuple[Path, str]])


class Stored(NamedTuple):
    """The columns a record's answers are stored in (`records` and `revisions`)."""

    answers: str
    texts: bytes | None
    #: Bytes of the answers' JSON as a whole (the pull's estimate of a page's size).
    size: int


def pack(answers: dict[str, Any]) -> Stored:
    full = msgspec.json.encode(answers)
    long: list[tuple[Path, str]] = []
    slim = _lift(answers, [], long)
    if not long:
        return Stored(full.decode(), None, len(full))
    return Stored(msgspec.json.encode(slim).decode(), zlib.compress(msgspec.json.encode(long)), len(full))


def unpack(answers: str | bytes, texts: bytes | None) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.json.decode(answers)
    if texts:
        for path, text in _TEXTS.decode(zlib.decompress(texts)):
            *parents, last = path
            node: Any = data
            for step in parents:
                node = node[step]
            node[last] = text
    return data


def _lift(value: Any, path: Path, out: list[tuple[Path, str]]) -> Any:
    """`value` with its long strings replaced by None (a copy: the record's answers are used after)."""
    if isinstance(value, str):
        if len(value) < LONG:
            return value
        out.append((path, value))
        return None
    if isinstance(value, dict):
        return {k: _lift(v, [*path, k], out) for k, v in value.items()}
    if isinstance(value, list):
        return [_lift(v, [*path, i], out) for i, v in enumerate(value)]
    return value
