"""The QR hand-over at the reflection table, offline, between two tablets: the observer's tablet shows the
summary of its observation as a QR code; the recorder's tablet reads it with its camera (Chromium's fake
camera fed by a video file made from the observer's screen) and the notebook entry links that classroom."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests import report_data as rd
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.tablet import log_in, open_form, wait_ready, wait_until
from tests.e2e.test_notebook_offline import local, put_records, wait_reflection_tools

pytestmark = pytest.mark.e2e


def y4m(pngs: list[bytes], path: Path, frames: int = 10) -> None:
    """A video (YUV 4:2:0) showing each screenshot on white for `frames` frames in turn, as Chromium's fake
    camera reads it (and plays again from the start)."""
    with path.open("wb") as f:
        f.write(b"YUV4MPEG2 W640 H640 F10:1 Ip A1:1 C420jpeg\n")
        for png in pngs:
            shot = Image.open(io.BytesIO(png)).convert("RGB")
            frame = Image.new("RGB", (640, 640), "white")
            shot.thumbnail((600, 600))
            frame.paste(shot, ((640 - shot.width) // 2, (640 - shot.height) // 2))
            y, cb, cr = frame.convert("YCbCr").split()
            half = (320, 320)
            planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
            for _ in range(frames):
                f.write(b"FRAME\n" + planes)


def first_school(live_server: Any) -> tuple[str, list[tuple[str, str]]]:
    """N01's first school and its teachers (id, name)."""
    with sqlite3.connect(live_server.db_path) as db:
        school = db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code").fetchone()[0]
        teachers = db.execute(
            "SELECT id, name FROM teachers WHERE school_code = ? ORDER BY id", [school]
        ).fetchall()
    return school, teachers


def screen_codes(observer: Any) -> list[bytes]:
    """Each code of the hand-over as the observer's screen shows it, in order; the next button moves on."""
    count = int(observer.evaluate("document.getElementById('handover-qr').dataset.count"))
    codes: dict[int, bytes] = {}
    while len(codes) < count:
        index = int(observer.evaluate("document.getElementById('handover-qr').dataset.index"))
        shot = observer.locator("#handover-qr").screenshot()
        if int(observer.evaluate("document.getElementById('handover-qr').dataset.index")) == index:
            codes.setdefault(index, shot)  # not moved on by itself meanwhile
        if count > 1:
            observer.click("#handover-next")
    return [codes[i] for i in range(1, count + 1)]


@contextlib.contextmanager
def camera_tablet(browser: Any, live_server: Any, video: Path) -> Iterator[Any]:
    """The recorder's tablet: a browser whose camera sees `video`, signed in as supervisor1."""
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
        yield recorder
    finally:
        camera.close()


def test_a_teammates_observation_is_linked_by_qr_code_offline(live_server, browser, tablet, tmp_path: Path):
    school, teachers = first_school(live_server)
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
    # From the observation itself, offline: the link opens its hand-over.
    open_form(observer, live_server.url, theirs["id"], form=f"observation/{theirs['form_version']}")
    observer.get_by_role("link", name="แสดงคิวอาร์โค้ดให้ผู้บันทึกของทีม").click()
    observer.wait_for_url(f"**/handover?record={theirs['id']}")
    wait_until(observer, "document.body.dataset.ready === 'true'")
    video = tmp_path / "observer-screen.y4m"
    y4m(screen_codes(observer), video)

    # The recorder's tablet: a camera that sees the observer's screen, no network.
    with camera_tablet(browser, live_server, video) as recorder:
        mine = local(
            "observation", rd.observation(school, teachers[0][0], date, [3] * 9, start="08:30", end="09:30")
        )
        reflection = local("reflection", rd.reflection(school, teachers[0][0], date))
        reflection["answers"]["linked_observations"] = [mine["id"]]
        put_records(recorder, [mine, reflection])
        wait_reflection_tools(recorder)
        recorder.context.set_offline(True)
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


def test_a_visit_too_big_for_one_code_is_handed_over_as_a_sequence(
    live_server, browser, tablet, tmp_path: Path
):
    """The observer's two classrooms do not fit one code: their tablet shows a sequence in turn ("2/4", a
    next button); the recorder's camera sees the codes out of order, one of them twice and a QR code that
    is not ours in between, tells that one apart, counts the parts and links both classrooms when all are in."""
    school, teachers = first_school(live_server)
    date = "2025-06-17"
    long_text = "นักเรียนทำงานกลุ่มอย่างตั้งใจ ครูใช้คำถามกระตุ้นการคิดและให้ผลป้อนกลับทันที ผู้ไปนิเทศเห็นความก้าวหน้า "
    observer = tablet.new_page()
    log_in(observer, live_server.url, "team1")
    wait_ready(observer)
    answers = [
        rd.observation(school, teachers[i][0], date, [4] * 9, start=f"{9 + i}:30", end=f"{10 + i}:30",
                       strengths=f"ห้อง {i + 1} " + long_text * 2, develop=long_text)
        for i in (1, 2)
    ]  # fmt: skip
    theirs = [local("observation", a) for a in answers]
    put_records(observer, theirs)
    wait_reflection_tools(observer)
    tablet.set_offline(True)
    observer.goto(f"{live_server.url}/handover?record={theirs[0]['id']}")  # the other room comes with it
    wait_until(observer, "document.body.dataset.ready === 'true'")
    count = int(observer.evaluate("document.getElementById('handover-qr').dataset.count"))
    assert count >= 3
    assert observer.locator("#handover-count").inner_text() == f"1/{count}"
    for size in ((820, 1180), (1180, 820)):
        observer.set_viewport_size({"width": size[0], "height": size[1]})
        observer.screenshot(path=str(tmp_path / f"handover-{size[0]}x{size[1]}.png"), full_page=True)
    observer.set_viewport_size({"width": 820, "height": 1180})
    box = observer.locator("#handover-next").bounding_box()
    assert box and box["height"] >= 44
    codes = dict(enumerate(screen_codes(observer), start=1))
    observer.evaluate(
        """async () => {
            const canvas = document.createElement('canvas');
            canvas.id = 'foreign';
            document.body.prepend(canvas);
            (await import('/static/js/handover.js')).drawQr(canvas, 'https://example.com/not-a-hand-over');
        }"""
    )
    foreign = observer.locator("#foreign").screenshot()
    order = [codes[count], codes[1], foreign, codes[1], *(codes[i] for i in range(2, count))]
    video = tmp_path / "observer-sequence.y4m"
    y4m(order, video, frames=6)

    with camera_tablet(browser, live_server, video) as recorder:
        reflection = local("reflection", rd.reflection(school, teachers[0][0], date))
        put_records(recorder, [reflection])
        wait_reflection_tools(recorder)
        recorder.context.set_offline(True)
        recorder.goto(f"{live_server.url}/notebook?reflection={reflection['id']}")
        wait_until(recorder, "document.body.dataset.ready === 'true'")
        recorder.click("#notebook-scan")
        wait_until(recorder, "!document.getElementById('scan-progress').hidden", timeout=30)
        wait_until(recorder, "document.getElementById('scan-done').dataset.linked", timeout=60)
        linked = recorder.evaluate("document.getElementById('scan-done').dataset.linked").split()
        assert sorted(linked) == sorted(r["id"] for r in theirs)
        assert recorder.locator("#scan-problem").is_visible()  # the foreign code was told apart
        assert "ไม่ใช่รหัสส่งต่อ" in recorder.locator("#scan-problem").inner_text()
        assert recorder.locator("#scan-progress").inner_text().startswith("อ่านรหัสแล้ว ")
        for i in (1, 2):
            wait_until(
                recorder, f"document.getElementById('nb-classes').innerText.includes({teachers[i][1]!r})"
            )
        stored = recorder.evaluate(
            """async (id) => (await (await import('/static/js/store.js')).getRecord(id)).answers.linked_observations""",
            reflection["id"],
        )
        assert sorted(stored) == sorted(r["id"] for r in theirs)
        for size in ((820, 1180), (1180, 820)):
            recorder.set_viewport_size({"width": size[0], "height": size[1]})
            recorder.screenshot(path=str(tmp_path / f"recorder-{size[0]}x{size[1]}.png"), full_page=True)
