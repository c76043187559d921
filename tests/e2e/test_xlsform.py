"""An XLSForm written with openpyxl: checked and published by an admin (htmx page), filled offline on a
tablet, synced; and a broken workbook that is reported by row and column and never published."""

from __future__ import annotations

import io
import sqlite3
from typing import Any

import openpyxl
import pytest

from sync.stored import unpack
from tests.conftest import LiveServer
from tests.e2e.tablet import check, finalize_ok, log_in_and_install, sel, wait_state, wait_until

pytestmark = pytest.mark.e2e


def workbook(extra_rows: list[list[str]] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(
        [
            "type",
            "name",
            "label::Thai (th)",
            "label::English (en)",
            "relevant",
            "required",
            "constraint",
            "calculation",
        ]
    )
    rows = [
        ["select_one schools", "school", "โรงเรียน", "School", "", "yes", "", ""],
        ["begin_group", "library", "ห้องสมุด", "Library", "", "", "", ""],
        ["select_one yn", "has_library", "มีห้องสมุดหรือไม่", "Is there a library?", "", "yes", "", ""],
        ["integer", "books", "จำนวนหนังสือ", "Number of books", "${has_library} = 'yes'", "yes", ". >= 0", ""],
        ["end_group", "", "", "", "", "", "", ""],
        ["begin_repeat", "rooms", "ห้องเรียน", "Classroom", "", "", "", ""],
        ["text", "room_name", "ชื่อห้อง", "Room", "", "yes", "", ""],
        ["select_multiple corner", "corners", "มุมการเรียนรู้", "Learning corners", "", "", "", ""],
        [
            "text",
            "corner_note",
            "หมายเหตุมุมอ่าน",
            "Reading-corner note",
            "selected(${corners}, 'reading')",
            "yes",
            "",
            "",
        ],
        ["end_repeat", "", "", "", "", "", "", ""],
        ["calculate", "room_count", "", "", "", "", "", "count(${room_name})"],
        *(extra_rows or []),
    ]
    for row in rows:
        ws.append(row)
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label::Thai (th)", "label::English (en)"])
    for row in (["schools", "x", "x", "x"], ["yn", "yes", "มี", "Yes"], ["yn", "no", "ไม่มี", "No"],
                ["corner", "reading", "มุมอ่าน", "Reading"], ["corner", "math", "มุมคณิต", "Maths"]):  # fmt: skip
        choices.append(row)
    settings = wb.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["สำรวจแหล่งเรียนรู้", "learning_spaces", "1"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_broken_workbook_is_reported_and_not_published(live_server: LiveServer) -> None:
    admin = live_server.client("admin")
    bad = workbook([["geopoint", "where", "ที่ตั้ง", "Location", "", "", "", ""],
                    ["integer", "n", "n", "n", "", "", "", "pulldata('x', 'y')"]])  # fmt: skip
    files = {
        "definition": (
            "spaces.xlsx",
            bad,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    }
    r = admin.post("/admin/forms/check", files=files, headers={"hx-request": "true"})
    assert r.status_code == 200
    assert "geopoint" in r.text and "pulldata" in r.text and 'id="publish"' not in r.text
    assert "<td>13</td>" in r.text and "<td>14</td>" in r.text  # the rows of the two bad lines
    # Thai first on a Thai page, the English beside it.
    assert (
        "ไม่รองรับชนิดคำถาม &#39;geopoint&#39; <span" in r.text
        and "(type &#39;geopoint&#39; is not supported)" in r.text
    )
    # Publishing a definition the browser made up is checked again on the server.
    r = admin.post("/admin/forms/publish", data={"definition": '{"id": "x", "version": 1}'})
    assert 'id="published"' not in r.text
    db = sqlite3.connect(live_server.db_path)
    assert db.execute("SELECT count(*) FROM form_versions WHERE form_id NOT IN "
                      "('observation', 'reflection', 'policy', 'literacy')").fetchone()[0] == 0  # fmt: skip
    # A supervisor cannot use the admin page.
    assert live_server.client("supervisor1").get("/admin/forms").status_code == 403


def test_xlsform_published_filled_offline_and_synced(browser: Any, live_server: LiveServer) -> None:
    url = live_server.url
    admin_ctx = browser.new_context()
    try:
        admin = admin_ctx.new_page()
        seen: list[str] = []
        admin.on("response", lambda r: seen.append(f"{r.request.method} {r.url} {r.status}"))
        admin.on("console", lambda m: seen.append(f"console {m.text}"))
        log_in_and_install(admin, url, "admin", install=False)
        admin.goto(f"{url}/admin/forms")
        xlsx = "application/octet-stream"
        admin.set_input_files("#definition-file", {"name": "spaces.xlsx", "mimeType": xlsx,
                                                   "buffer": workbook()})  # fmt: skip
        admin.click("#check-definition")
        try:
            admin.locator("#publish").wait_for(timeout=10000)
        except Exception:
            raise AssertionError(admin.inner_html("#report") + admin.url + str(seen[-8:])) from None
        admin.click("#publish")
        admin.locator("#published").wait_for()
        admin.locator("#draft-note").wait_for()  # a new form is a draft until the admin publishes it
        admin.goto(f"{url}/admin/forms")
        admin.locator("#state-learning_spaces input[name=state][value=published]").dispatch_event("click")
        admin.click('[data-save-state="learning_spaces"]')
        admin.locator('#state-learning_spaces[data-state="published"]').wait_for()
    finally:
        admin_ctx.close()

    tablet = browser.new_context(viewport={"width": 800, "height": 1280}, locale="th-TH", has_touch=True)
    try:
        page = tablet.new_page()
        log_in_and_install(page, url)
        tablet.set_offline(True)
        page.goto(f"{url}/forms/learning_spaces/1")
        wait_until(page, "document.body.dataset.formReady === 'true'")
        page.select_option("#f-school", index=1)
        check(page, "has_library", "no")
        assert not page.is_visible("#f-books")  # relevance
        check(page, "has_library", "yes")
        page.fill("#f-books", "350")
        page.click("[data-add-item=rooms]")
        page.click("[data-add-item=rooms]")
        page.fill(sel("f-rooms.0.room_name"), "ป.1")
        page.fill(sel("f-rooms.1.room_name"), "ป.2")
        check(page, "rooms.1.corners", "reading")
        page.click("#finalize")
        assert page.is_visible(sel("err-rooms.1.corner_note"))  # relevance inside the item, then required
        page.fill(sel("f-rooms.1.corner_note"), "มีหนังสือนิทาน")
        assert page.inner_text("#f-room_count") == "2"
        finalize_ok(page)
        tablet.set_offline(False)
        page.click("#sync-now")
        wait_state(page, "synced")
    finally:
        tablet.close()
    db = sqlite3.connect(live_server.db_path)
    rows = db.execute("SELECT answers, texts FROM records WHERE form_id = 'learning_spaces'").fetchall()
    assert len(rows) == 1
    answers = unpack(*rows[0])
    assert answers["books"] == 350 and answers["room_count"] == 2
    assert answers["rooms"][1] == {"room_name": "ป.2", "corners": ["reading"], "corner_note": "มีหนังสือนิทาน"}
