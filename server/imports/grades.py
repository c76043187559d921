"""Grades and learning areas as people write them in a file (`อนุบาล, ป.1-ป.6`, `p1;p2`, `1-3`, the
learning areas' Thai names or codes), read into the codes of `server/vocabulary.py`."""

from __future__ import annotations

import re

from server.imports.columns import header_key
from server.vocabulary import GRADE_LABELS, LEARNING_AREAS

_GRADE_WORDS = {"อนุบาล": "k", "k": "k", "kg": "k", "kindergarten": "k", "อ1": "k", "อ2": "k", "อ3": "k"}


def _grade(token: str) -> str | None:
    t = re.sub(r"[\s.]+", "", token.lower())
    if t in _GRADE_WORDS:
        return _GRADE_WORDS[t]
    m = re.fullmatch(r"(?:ป|p|ประถมศึกษาปีที่|ประถม|grade)?([1-6])", t)
    return f"p{m.group(1)}" if m else None


def parse_grades(text: str) -> tuple[list[str], list[str]]:
    """`อนุบาล, ป.1-ป.6` → ['k', 'p1', …, 'p6']; also `p1;p2`, `1-3`. Returns (grades, bad tokens)."""
    order = list(GRADE_LABELS)
    grades, bad = set(), []
    text = re.sub(r"\s*[-–—]\s*", "-", text)
    text = re.sub(r"(ประถมศึกษาปีที่|ประถม|ป\.|grade|p)\s+(?=\d)", r"\1", text, flags=re.IGNORECASE)
    for token in filter(None, re.split(r"[,;/|、\s]+", text)):
        ends = token.split("-")
        parsed = [_grade(e) for e in ends]
        if len(ends) > 2 or None in parsed:
            bad.append(token)
        elif len(parsed) == 2:
            lo, hi = sorted(order.index(g) for g in parsed if g)
            grades.update(order[lo : hi + 1])
        else:
            grades.add(parsed[0])  # type: ignore[arg-type]
    return [g for g in order if g in grades], bad


def parse_areas(text: str) -> tuple[list[str], list[str]]:
    by_name = {header_key(v): k for k, v in LEARNING_AREAS.items()} | {k: k for k in LEARNING_AREAS}
    areas, bad = set(), []
    for token in filter(None, (t.strip() for t in re.split(r"[,;|\n]+", text))):
        key = by_name.get(header_key(token))
        if key is None:
            bad.append(token)
        else:
            areas.add(key)
    return [a for a in LEARNING_AREAS if a in areas], bad
