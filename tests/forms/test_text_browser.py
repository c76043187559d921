"""text.js in Chromium against the shared text vectors: the tablet cleans text as the server does."""

from __future__ import annotations

from typing import Any

import pytest

from tests.forms.test_text import CASES

pytestmark = pytest.mark.e2e

RUN = """
async () => {
  const { cleanText } = await import('/pwa/static/js/text.js');
  const { cases } = await (await fetch('/forms/vectors/text.json', { cache: 'no-store' })).json();
  return { run: cases.length, failures: cases.filter((c) => cleanText(c.input) !== c.expect)
    .map((c) => ({ name: c.name, got: cleanText(c.input) })) };
}
"""


def test_js_cleans_text_as_every_vector_says(static_page: Any) -> None:
    result = static_page.evaluate(RUN)
    assert result == {"run": len(CASES), "failures": []}
