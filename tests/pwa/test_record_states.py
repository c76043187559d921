"""The record states (pwa/static/js/record.js) against the shared vectors, run in Node; and every receipt
status the server can send (sync/wire.py) is in the vectors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, get_args

import pytest

from sync.wire import Status

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "forms" / "vectors" / "record_states.json"
DOC = json.loads(VECTORS.read_text("utf-8"))

RUN = """
const { next, receiptEvent, STATES } = await import(process.argv[1]);
const doc = JSON.parse(await (await import('node:fs/promises')).readFile(process.argv[2], 'utf-8'));
const failures = [];
const attempt = (state, event) => { try { return next(state, event); } catch { return null; } };
for (const c of doc.events) {
  const got = attempt(c.state, c.event);
  if (got !== c.next) failures.push({ ...c, got });
}
for (const c of doc.receipts) {
  const event = receiptEvent({ rev: c.rev }, c.receipt);
  const got = attempt(c.state, event);
  if (event !== c.event || got !== c.next) failures.push({ ...c, gotEvent: event, got });
}
console.log(JSON.stringify({ states: Object.keys(STATES), run: doc.events.length + doc.receipts.length, failures }));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_record_js_follows_every_vector() -> None:
    out = subprocess.run(
        ["node", "--input-type=module", "-e", RUN, str(ROOT / "pwa/static/js/record.js"), str(VECTORS)],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    result = json.loads(out.stdout)
    assert result == {
        "states": DOC["states"],
        "run": len(DOC["events"]) + len(DOC["receipts"]),
        "failures": [],
    }


def test_every_receipt_status_the_server_sends_is_in_the_vectors() -> None:
    statuses = {c["receipt"]["status"] for c in DOC["receipts"]}
    codes = {c["receipt"].get("code") for c in DOC["receipts"]}
    assert set(get_args(Status)) <= statuses
    assert "attachment_missing" in codes  # a rejected receipt the tablet answers by sending the photo again


def test_every_state_meets_every_receipt() -> None:
    seen: dict[str, set[Any]] = {}
    for c in DOC["receipts"]:
        seen.setdefault(c["state"], set()).add((c["receipt"]["status"], c["receipt"].get("code"), c["rev"]))
    assert set(seen) == set(DOC["states"])
    assert len({frozenset(v) for v in seen.values()}) == 1
