"""The tablet shell at 820×1180 and 1180×820, touch, th-TH: every visible control of each tablet screen is a
touch target of at least 44×44 px (measured in Chromium), the top bar is one row, and the open form's
record state and "saved ✓" sit in the bottom bar, never under the top bar."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.tablet import axe_problems, log_in_and_install, open_form, wait_until

pytestmark = pytest.mark.e2e

SCREENS = ("/", "/forms/observation/1", "/forms/reflection/1", "/forms/policy/1", "/forms/literacy/1")
MIN = 44

#: Every control a finger can reach: links, buttons, form controls, disclosure summaries. Skipped: what is not
#: drawn (no box, hidden), the skip link until focused, and visually hidden inputs whose label is the target;
#: a control inside its <label> is measured as the label, which is what the finger taps.
SMALL_TARGETS = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter((e) => {
    if (e.closest('.visually-hidden') || e.classList.contains('visually-hidden') || e.classList.contains('skip')) return false;
    // A control inside its label is tapped through the whole label.
    const box = (e.matches('input, select, textarea') && e.closest('label') || e).getBoundingClientRect();
    const style = getComputedStyle(e);
    if (!box.width || !box.height || style.visibility === 'hidden' || style.display === 'none') return false;
    return box.width < 44 || box.height < 44;
  })
  .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} "${(e.textContent || e.name || '').trim().slice(0, 30)}" `
    + `${Math.round(e.getBoundingClientRect().width)}×${Math.round(e.getBoundingClientRect().height)}`)"""


@pytest.mark.parametrize("size", [(820, 1180), (1180, 820)], ids=["portrait", "landscape"])
def test_every_control_is_a_44px_target_and_the_bars_stay_small(browser: Any, live_server: Any, size) -> None:
    width, height = size
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="th-TH", timezone_id="Asia/Bangkok",
        has_touch=True, service_workers="allow", bypass_csp=True,
    )  # fmt: skip
    try:
        page = context.new_page()
        log_in_and_install(page, live_server.url)
        small: dict[str, list[str]] = {}
        for screen in SCREENS:
            if screen == "/":
                page.goto(f"{live_server.url}/")
                wait_until(page, "!document.getElementById('home').dataset.drawing")
            else:
                open_form(page, live_server.url, form=screen.removeprefix("/forms/"))
            bar = page.locator(".topbar").bounding_box()
            assert bar and bar["height"] <= 64, (screen, bar)  # one row
            if found := page.evaluate(SMALL_TARGETS):
                small[screen] = found
            if found := axe_problems(page):
                small[f"{screen} (axe)"] = found
            page.click("#menu-toggle")  # the folded menu, opened: its links too
            assert page.locator("#main-menu").is_visible()
            if found := page.evaluate(SMALL_TARGETS):
                small[f"{screen} (menu open)"] = found
            page.click("#menu-toggle")
        assert small == {}
        # The open form: its state and "saved ✓" in the bottom bar, on screen after a change.
        open_form(page, live_server.url)
        page.fill("#f-topic", "การอ่าน")
        wait_until(page, "document.getElementById('save-state').textContent.includes('✓')")
        saved = page.locator("#save-state").bounding_box()
        bottom = page.locator(".bottombar").bounding_box()
        assert saved and bottom and bottom["y"] <= saved["y"] < height, (saved, bottom)
        nav = page.locator(".section-nav").bounding_box()
        assert nav and (bar["height"] + nav["height"] + bottom["height"]) <= height / 4, (bar, nav, bottom)
    finally:
        context.close()


ONLINE_SCREENS = (
    "/plans", "/plans/new", "/plans/v-{today}-morning", "/plans/v-{today}-morning/edit", "/observations",
    "/reports", "/account/password",
)  # fmt: skip


def test_axe_finds_nothing_serious_on_the_online_screens(browser: Any, live_server: Any) -> None:
    import datetime as dt
    from zoneinfo import ZoneInfo

    today = dt.datetime.now(ZoneInfo("Asia/Bangkok")).date().isoformat()
    context = browser.new_context(
        viewport={"width": 1180, "height": 820}, locale="th-TH", timezone_id="Asia/Bangkok", bypass_csp=True
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login")
        found = {"/login": axe_problems(page)}
        log_in_and_install(page, live_server.url, install=False)
        for screen in ONLINE_SCREENS:
            url = screen.format(today=today)
            response = page.goto(f"{live_server.url}{url}")
            assert response and response.status == 200, url
            found[url] = axe_problems(page)
        assert {k: v for k, v in found.items() if v} == {}
    finally:
        context.close()
