"""validate.js and derive.js in Chromium against the shared vectors: tablet and server agree."""

from __future__ import annotations

from typing import Any

import pytest

from tests.forms.vectors import cases

pytestmark = pytest.mark.e2e

RUN = """
async () => {
  const { validate } = await import('/pwa/static/js/validate.js');
  const { derive, bandOf } = await import('/pwa/static/js/derive.js');
  const { cases } = await (await fetch('/forms/vectors/validation.json', { cache: 'no-store' })).json();
  const label = { th: 't', en: 't' };
  const close = (a, b) => (typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) < 1e-9 : a === b);
  const failures = [];
  for (const c of cases) {
    const form = { id: 't', version: 1, title: label, sections: [{ name: 's', label, fields: c.fields }] };
    for (const k of ['choices', 'bands', 'derived']) if (c[k]) form[k] = c[k];
    const got = validate(form, c.answers).map((p) => [p.field, p.code]);
    if (JSON.stringify(got) !== JSON.stringify(c.expect)) {
      failures.push({ name: c.name, got, want: c.expect });
    }
    if (c.derive) {
      const values = derive(form, c.answers);
      for (const [name, want] of Object.entries(c.derive)) {
        const v = values[name];
        const ok = Array.isArray(want)
          ? Array.isArray(v) && v.length === want.length && v.every((x, i) => close(x, want[i]))
          : want === null ? v === null : close(v, want);
        if (!ok) failures.push({ name: c.name, derived: name, got: v ?? null, want });
      }
      for (const [name, want] of Object.entries(c.derive_bands || {})) {
        const band = bandOf(form, form.derived.find((d) => d.name === name), values[name]);
        if (!band || band.th !== want) failures.push({ name: c.name, band: name, got: band, want });
      }
    }
  }
  return { run: cases.length, failures };
}
"""


def test_js_passes_every_validation_vector(static_page: Any) -> None:
    result = static_page.evaluate(RUN)
    assert result["failures"] == []
    assert result["run"] == len(cases())
