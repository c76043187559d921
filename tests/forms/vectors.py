"""The shared validation vectors (forms/vectors/validation.json), shaped as forms."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "forms" / "vectors" / "validation.json"


def cases() -> list[dict[str, Any]]:
    return list(json.loads(VECTORS.read_text("utf-8"))["cases"])


def form_of(case: dict[str, Any]) -> dict[str, Any]:
    """A case's fields wrapped in a one-section form (the same wrapping the browser runner does)."""
    label = {"th": "t", "en": "t"}
    form: dict[str, Any] = {
        "id": "t",
        "version": 1,
        "title": label,
        "sections": [{"name": "s", "label": label, "fields": case["fields"]}],
    }
    for key in ("choices", "bands", "derived"):
        if key in case:
            form[key] = case[key]
    return form
