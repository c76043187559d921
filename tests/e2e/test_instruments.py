"""The instruments on the tablet (Chromium, th-TH, touch): the literacy check by grade band shows each
pupil's band of words and the class counts, and an observation element's rubric opens under its buttons.
Screenshots at 820×1180 and 1180×820 go to $NITHET_SHOTS when set (looked at by eye, not compared)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.tablet import check, sel, wait_until
from tests.e2e.test_four_tools import pick_school, read_grid

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("NITHET_SHOTS")


def shoot(page: Any, name: str, locator: Any) -> None:
    if not SHOTS:
        return
    for width, height in ((820, 1180), (1180, 820)):
        page.set_viewport_size({"width": width, "height": height})
        locator.scroll_into_view_if_needed()
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}x{height}.png"))


def test_literacy_by_grade_band_and_class_counts(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/forms/literacy/2")
    wait_until(page, "document.body.dataset.formReady === 'true'")
    pick_school(page)
    page.fill("#f-visit_date", "2026-06-11")
    check(page, "session", "morning")
    check(page, "class_grade", "p4")
    grades = ["p4", "p4", "p5", "p1", "p4"]
    for i, grade in enumerate(grades):
        p = f"pupils.{i}."
        page.fill(sel(f"f-{p}pupil_code"), f"C0{i + 1}")
        check(page, f"{p}sex", "m")
        check(page, f"{p}pupil_grade", grade)
        band = "p1" if grade == "p1" else "p46"
        other = "p46" if band == "p1" else "p1"
        assert page.locator(f'[data-field="{p}words_{band}"]').is_visible()
        assert not page.locator(f'[data-field="{p}words_{other}"]').is_visible()
        if i in (0, 3):  # the whole first row wrong: the early stop, no word read
            read_grid(page, f"{p}words_{band}", [0, 1, 2, 3, 4], mode="early")
        else:
            read_grid(page, f"{p}words_{band}", [], mode="time_up", last=24)
    feedback = page.locator("[data-feedback]")
    shoot(page, "literacy-feedback", feedback)
    counts = feedback.locator("table[data-counts=pupil_grade]")
    p4 = counts.locator("tr[data-value=p4]")
    assert p4.locator("td").first.inner_text() == "ป.4: 3"
    assert p4.locator("[data-flag=cannot_read]").inner_text() == "1"
    assert counts.locator("tr[data-value=p1] [data-flag=cannot_read]").inner_text() == "1"
    assert counts.locator("tr[data-value=p5] [data-flag=cannot_read]").inner_text() == "0"
    assert "อ่านไม่ออก" in counts.locator("thead").inner_text()


def test_the_rubric_opens_under_the_buttons(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/forms/observation/2")
    wait_until(page, "document.body.dataset.formReady === 'true'")
    rubric = page.locator("[data-rubric-for=feedback]")
    level = rubric.locator("li").nth(3)
    assert not level.is_visible()  # collapsed by default
    rubric.locator("summary").tap()
    assert level.is_visible() and "ข้อมูลย้อนกลับที่เจาะจง" in level.inner_text()
    assert rubric.locator("summary").bounding_box()["height"] >= 44
    assert page.locator("h1").inner_text() == "แบบบันทึกการสังเกตชั้นเรียน"
    shoot(page, "observation-rubric", rubric)
    check(page, "grade", "k")
    check(page, "learning_area", "early_years")
    assert page.locator('[data-field="early_activity"]').is_visible()
