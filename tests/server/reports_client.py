"""Helpers of the reports' tests over HTTP: push a record as a tablet would, read a PDF's text and ink."""

from __future__ import annotations

import subprocess
from typing import Any

from tests import report_data as rd
from tests.factories import batch, record


def push(
    client: Any, form_id: str, answers: dict[str, Any], device: str, pending: int = 0, version: int = 1
) -> None:
    rd.assert_valid(form_id, answers, version if form_id == "literacy" else None)
    body = batch(record(answers, form_id=form_id, form_version=version), device_id=device)
    body["pending"] = pending
    r = client.post("/api/sync/push", json=body)
    assert r.status_code == 200 and r.json()["receipts"][0]["status"] == "stored", r.text


def pdf_text(body: bytes, tmp_path: Any) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(body)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return " ".join(out.split())


def non_white_share(body: bytes, tmp_path: Any) -> float:
    """Render page 1 at 30 dpi as a greyscale PGM and count the pixels that are not white."""
    path = tmp_path / "page.pdf"
    path.write_bytes(body)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-gray", str(path), str(tmp_path / "p")], check=True
    )
    pgm = next(tmp_path.glob("p*.pgm")).read_bytes()
    # P5\n<w> <h>\n255\n<pixels>
    parts = pgm.split(b"\n", 3)
    pixels = parts[3]
    return sum(1 for b in pixels if b < 200) / len(pixels)
