"""The notebook entry made at the school with no signal: four classrooms and the reflection meeting on the
recorder's tablet, printed to PDF by Chromium offline — at most two A4 pages, the right Thai text."""

from __future__ import annotations

import sqlite3
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests import report_data as rd
from tests.e2e.tablet import log_in, wait_ready, wait_until

pytestmark = pytest.mark.e2e


def put_records(page: Any, records: list[dict[str, Any]]) -> None:
    page.evaluate(
        """async (records) => {
            const store = await import('/static/js/store.js');
            for (const r of records) await store.putRecord(r);
        }""",
        records,
    )


def wait_reflection_tools(page: Any) -> None:
    """The service worker has cached what the reflection table needs offline, after the first load (it
    marks the end of that with /reflection-table-ready)."""
    deadline = time.monotonic() + 60
    while (
        page.evaluate("async () => (await caches.match('/reflection-table-ready')) !== undefined") is not True
    ):
        assert time.monotonic() < deadline, "the reflection table's files were not cached"
        time.sleep(0.2)


def local(form_id: str, answers: dict[str, Any]) -> dict[str, Any]:
    rd.assert_valid(form_id, answers)
    return {"id": str(uuid.uuid4()), "form_id": form_id, "form_version": rd.FORMS[form_id].version,
            "answers": answers, "state": "draft", "updated_at": "2025-06-17T12:00:00Z"}  # fmt: skip


def test_notebook_entry_prints_offline_on_the_tablet(live_server, tablet, tmp_path: Path):
    with sqlite3.connect(live_server.db_path) as db:
        school, school_name = db.execute(
            "SELECT code, name FROM schools WHERE network_id = 'N01' ORDER BY code"
        ).fetchone()
        teachers = db.execute(
            "SELECT id, name FROM teachers WHERE school_code = ? ORDER BY id", [school]
        ).fetchall()
    page = tablet.new_page()
    log_in(page, live_server.url, "supervisor1")
    wait_ready(page)
    date = "2025-06-17"
    observations = [
        local("observation", rd.observation(school, teachers[i % len(teachers)][0], date, [3, 4, 5, 2, 3, 4, 3, 3, 4],
              start=f"{8 + i:02d}:30", end=f"{9 + i:02d}:30", strengths=f"{rd.STRENGTH_TEXTS[i % 3]} ห้อง {i + 1}"))
        for i in range(4)
    ]  # fmt: skip
    reflection = local("reflection", rd.reflection(school, teachers[0][0], date, actions=3, support=2))
    reflection["answers"]["linked_observations"] = [o["id"] for o in observations]
    put_records(page, [*observations, reflection])
    wait_reflection_tools(page)

    tablet.set_offline(True)  # at the reflection table: no signal
    page.goto(f"{live_server.url}/notebook?reflection={reflection['id']}")
    wait_until(page, "document.body.dataset.ready === 'true'")
    for width, height in ((820, 1180), (1180, 820)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"notebook-{width}x{height}.png"), full_page=True)
    pdf = tmp_path / "notebook.pdf"
    pdf.write_bytes(page.pdf(prefer_css_page_size=True, print_background=True))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages <= 2, info
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True
        ).stdout.split()
    )
    assert school_name in text
    for _tid, name in teachers[:4]:
        assert name in text  # every classroom of the visit, and a signature line for its teacher
    assert "ข้อตกลงที่ ๓" in text and "ขอสื่อการอ่านเพิ่มเติม" in text  # one digit style: Thai by default
    assert "ผู้อำนวยการโรงเรียน" in text and "ลงชื่อ" in text
    assert "หลักฐานจากการสังเกต" not in text  # never a teacher's scores or their evidence
    assert "๐๘:๓๐" in text  # one digit style (the default: Thai digits)
