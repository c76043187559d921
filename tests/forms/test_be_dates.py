"""Buddhist Era dates typed on a tablet or the plan form: server/thaidate.py and pwa/static/js/thaidate.js read
every case of the shared vectors (forms/vectors/be_dates.json) the same way."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.thaidate import format_date, parse_date

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "forms" / "vectors" / "be_dates.json").read_text())


@pytest.mark.parametrize("case", VECTORS["parse"], ids=lambda c: c["text"] or "empty")
def test_python_reads_every_vector(case: dict[str, Any]) -> None:
    assert parse_date(case["text"]) == case["iso"]


@pytest.mark.parametrize("case", VECTORS["format"], ids=lambda c: c["iso"])
def test_python_writes_every_vector(case: dict[str, Any]) -> None:
    assert format_date(case["iso"], "numeric") == case["numeric"]


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2299, 12, 31)))
def test_a_written_date_reads_back(day: dt.date) -> None:
    # BE years from 2443 on: never read as CE (which a year under 2400 is).
    assert parse_date(format_date(day, "numeric")) == day.isoformat()


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_none_never_an_error(text: str) -> None:
    assert parse_date(text) is None or len(parse_date(text) or "") == 10


RUN = """async () => {
  const { parseDate, numericBe } = await import('/pwa/static/js/thaidate.js');
  const v = await (await fetch('/forms/vectors/be_dates.json', { cache: 'no-store' })).json();
  return [
    ...v.parse.filter((c) => parseDate(c.text) !== c.iso).map((c) => [c.text, parseDate(c.text), c.iso]),
    ...v.format.filter((c) => numericBe(c.iso) !== c.numeric).map((c) => [c.iso, numericBe(c.iso), c.numeric]),
  ];
}"""


@pytest.mark.e2e
def test_the_tablet_reads_every_vector_the_same(static_page: Any) -> None:
    assert static_page.evaluate(RUN) == []
