"""The QR hand-over at the reflection table, offline, between two tablets: the observer's tablet shows the
summary of its observation as a QR code; the recorder's tablet reads it with its camera (Chromium's fake
camera fed by a video file made from the observer's screen) and the notebook entry links that classroom."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from tests import report_data as rd
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.tablet import log_in, wait_ready, wait_until
from tests.e2e.test_notebook_offline import local, put_records, wait_reflection_tools

pytestmark = pytest.mark.e2e


def y4m(png: bytes, path: Path, frames: int = 10) -> None:
    """A still video (YUV 4:2:0) of the screenshot on white, as Chromium's fake camera reads it."""
    shot = Image.open(io.BytesIO(png)).convert("RGB")
    frame = Image.new("RGB", (640, 640), "white")
    shot.thumbnail((600, 600))
    frame.paste(shot, ((640 - shot.width) // 2, (640 - shot.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (320, 320)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as f:
        f.write(b"YUV4MPEG2 W640 H640 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(frames):
            f.write(b"FRAME\n" + planes)


def test_a_teammates_observation_is_linked_by_qr_code_offline(live_server, browser, tablet, tmp_path: Path):
    with sqlite3.connect(live_server.db_path) as db:
        school = db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code").fetchone()[0]
        teachers = db.execute(
            "SELECT id, name FROM teachers WHERE school_code = ? ORDER BY id", [school]
        ).fetchall()
    date = "2025-06-17"

    # The observer (a network team member) observed room 2 on their own tablet.
    observer = tablet.new_page()
    log_in(observer, live_server.url, "team1")
    wait_ready(observer)
    theirs = local("observation", rd.observation(school, teachers[1][0], date, [4] * 9, start="10:30", end="11:30",
                                                 strengths="ครูใช้เกมคณิตศาสตร์ให้นักเรียนคิดเลขเร็ว"))  # fmt: skip
    put_records(observer, [theirs])
    wait_reflection_tools(observer)
    tablet.set_offline(True)
    observer.goto(f"{live_server.url}/handover?record={theirs['id']}")
    wait_until(observer, "document.body.dataset.ready === 'true'")
    video = tmp_path / "observer-screen.y4m"
    y4m(observer.locator("#handover-qr").screenshot(), video)

    # The recorder's tablet: a camera that sees the observer's screen, no network.
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"],
    )  # fmt: skip
    try:
        context = camera.new_context(viewport={"width": 820, "height": 1180}, locale="th-TH",
                                     timezone_id="Asia/Bangkok", has_touch=True, bypass_csp=True)  # fmt: skip
        context.grant_permissions(["camera"], origin=live_server.url)
        recorder = context.new_page()
        log_in(recorder, live_server.url, "supervisor1")
        wait_ready(recorder)
        mine = local(
            "observation", rd.observation(school, teachers[0][0], date, [3] * 9, start="08:30", end="09:30")
        )
        reflection = local("reflection", rd.reflection(school, teachers[0][0], date))
        reflection["answers"]["linked_observations"] = [mine["id"]]
        put_records(recorder, [mine, reflection])
        wait_reflection_tools(recorder)
        context.set_offline(True)
        recorder.goto(f"{live_server.url}/notebook?reflection={reflection['id']}")
        wait_until(recorder, "document.body.dataset.ready === 'true'")
        assert teachers[1][1] not in recorder.locator("#nb-classes").inner_text()
        recorder.click("#notebook-scan")
        wait_until(recorder, "document.getElementById('scan-done').dataset.linked", timeout=30)
        assert recorder.evaluate("document.getElementById('scan-done').dataset.linked") == theirs["id"]
        wait_until(recorder, f"document.getElementById('nb-classes').innerText.includes({teachers[1][1]!r})")
        assert "ครูใช้เกมคณิตศาสตร์" in recorder.locator("#nb-strengths").inner_text()
        stored = recorder.evaluate(
            """async (id) => (await (await import('/static/js/store.js')).getRecord(id)).answers.linked_observations""",
            reflection["id"],
        )
        assert stored == [
            mine["id"],
            theirs["id"],
        ]  # a link by id: the record itself syncs from its own tablet
        held = recorder.evaluate(
            "async (id) => !!(await (await import('/static/js/store.js')).getRecord(id))", theirs["id"]
        )
        assert not held  # never a second copy of the teammate's record
        recorder.screenshot(path=str(tmp_path / "recorder-820x1180.png"), full_page=True)
    finally:
        camera.close()
