"""One rule for free text (forms/text.py): the shared vectors, and properties over any text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.text import clean_all, clean_text

VECTORS = Path(__file__).resolve().parents[2] / "forms" / "vectors" / "text.json"
CASES = json.loads(VECTORS.read_text(encoding="utf-8"))["cases"]
ALLOWED_CONTROLS = {"\t", "\n"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_every_text_vector(case: dict[str, str]) -> None:
    assert clean_text(case["input"]) == case["expect"]


@given(st.text())
def test_cleaned_text_has_no_control_character_is_nfc_and_stays_clean(text: str) -> None:
    cleaned = clean_text(text)
    assert not any(unicodedata.category(c) in ("Cc", "Cs") and c not in ALLOWED_CONTROLS for c in cleaned)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned
    cleaned.encode("utf-8")  # storable, and writable to XLSX, CSV and PDF


@given(
    st.recursive(
        st.text() | st.integers() | st.none(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    )
)
def test_clean_all_reaches_every_string_and_keeps_the_shape(value: object) -> None:
    cleaned = clean_all(value)
    assert type(cleaned) is type(value)
    text = json.dumps(cleaned, ensure_ascii=False)
    assert "\\u0000" not in text and "\\u001b" not in text
