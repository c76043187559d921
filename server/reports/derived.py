"""The rows derived from a record's new current revision, written with it on the one write path (the hook
`sync/apply.py` calls in the record's own savepoint; ADR 0013): the reports' narrow tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlite_utils

from server.reports import checklist, scores


def write(
    db: sqlite_utils.Database,
    record_id: str,
    form_id: str,
    network_id: str,
    school_code: str,
    answers: Mapping[str, Any],
    *,
    new: bool,
) -> None:
    """`observation_scores` (the practice scores) and `observation_checklist` (Active Learning, multigrade)."""
    scores.write(db, record_id, form_id, network_id, school_code, answers, new=new)
    checklist.write(db, record_id, form_id, network_id, answers, new=new)
