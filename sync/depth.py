"""A nesting-depth limit, checked on the raw bytes before anything is decoded.

A JSON value nested a thousand levels deep makes a recursive decoder fail for the whole body. Real records
are shallow (record → answers → repeat → item → answer → list: 6 levels), so a record nested deeper than
`MAX_DEPTH` is rejected alone, with its own receipt, and the rest of its batch is applied as usual.
"""

from __future__ import annotations

import re

import msgspec

#: Levels of objects and arrays inside one record, the record itself included.
MAX_DEPTH = 16
#: A push body holds its records two levels down: {"records": [record, …]}.
RECORD_LEVEL = 3
#: An escaped character, then a string without escapes: two simple patterns the regex engine runs at C
#: speed, where one pattern with an alternation inside the repeat stepped through the text char by char.
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_ONLY_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_ONE_KIND = bytes.maketrans(b"{}", b"[]")
_IDS = re.compile(rb'"(id|rev)"\s*:\s*"([0-9A-Za-z_.:-]{1,64})"')
#: What stands in a batch for a record nested too deeply (see `limit_batch`).
PLACEHOLDER_KEY = b'{"nested_too_deeply":true'


def depth_exceeds(data: bytes, limit: int) -> bool:
    """Whether `data` nests arrays and objects deeper than `limit` (or leaves that many unclosed).
    Runs at C speed: strings removed, brackets kept, innermost pairs peeled off one level at a time."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False  # nothing nests deeper than it has opening brackets (a real record: a handful)
    # A backslash outside a string (invalid JSON) hides one bracket at most, and the decoder stops there.
    brackets = _STRING.sub(b"", _ESCAPE.sub(b"", data)).translate(_ONE_KIND, _ONLY_BRACKETS)
    for _ in range(limit):
        peeled = brackets.replace(b"[]", b"")
        if peeled == brackets:
            break
        brackets = peeled
    if b"[]" in brackets:  # still nested deeper than `limit`
        return True
    return len(brackets) > limit  # brackets that never close: only a long run of them is refused here


def too_deep(raw: bytes) -> bool:
    """Whether one record (or its placeholder in a batch) is nested deeper than `MAX_DEPTH`."""
    return raw.startswith(PLACEHOLDER_KEY) or depth_exceeds(raw, MAX_DEPTH)


def limit_batch(body: bytes) -> bytes:
    """The push body with every record nested deeper than `MAX_DEPTH` replaced by a small placeholder
    that keeps the record's id and rev (best effort), so the batch decodes and that record gets its own
    `rejected` receipt. A shallow body (every real one) is returned as it is, after one fast check."""
    if not depth_exceeds(body, MAX_DEPTH + RECORD_LEVEL - 1):
        return body
    out, last, depth, start, deepest = [], 0, 0, 0, 0
    for token in _TOKEN.finditer(body):
        char = body[token.start()]
        if char == 0x22:  # a string
            continue
        if char in b"[{":
            depth += 1
            if depth == RECORD_LEVEL:
                start, deepest = token.start(), depth
            deepest = max(deepest, depth)
            continue
        if depth == RECORD_LEVEL and deepest - RECORD_LEVEL + 1 > MAX_DEPTH:
            out += [body[last:start], _placeholder(body[start : token.end()])]
            last = token.end()
        depth -= 1
    return b"".join([*out, body[last:]])


def _placeholder(record: bytes) -> bytes:
    ids: dict[str, str] = {}
    for match in _IDS.finditer(record, 0, 4096):
        ids.setdefault(match.group(1).decode(), match.group(2).decode())
    return PLACEHOLDER_KEY + b"," + msgspec.json.encode(ids)[1:] if ids else PLACEHOLDER_KEY + b"}"
