"""Driving the tablet app in Chromium like an observer would."""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

from tests.conftest import PASSWORD

FIELDS_TEXT = ("topic", "room", "strengths", "develop_text")


def log_in(page: Any, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def kill_renderers(browser: Any) -> None:
    """SIGKILL every renderer process of the browser: the tab dies with no unload handler, as when
    Android kills a backgrounded browser. What IndexedDB committed must survive."""
    info = browser.new_browser_cdp_session().send("SystemInfo.getProcessInfo")
    for process in info["processInfo"]:
        if process["type"] == "renderer":
            os.kill(process["id"], signal.SIGKILL)
    time.sleep(0.5)


def wait_ready(page: Any) -> None:
    """The service worker controls the page and the first sync has pulled the reference data."""
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30000)
    page.wait_for_function("document.getElementById('last-sync').textContent !== '–'", timeout=30000)


def open_form(page: Any, url: str, record_id: str | None = None) -> None:
    page.goto(f"{url}/forms/observation/1" + (f"?record={record_id}" if record_id else ""))
    page.wait_for_selector("body[data-form-ready=true]")


def fill(page: Any, answers: dict[str, Any]) -> None:
    """Fill answers the way a person does: pick, tap, type."""
    for name, value in answers.items():
        if name == "mean_score":
            continue
        target = page.locator(f"[name='{name}']").first
        tag = target.evaluate("e => e.tagName + ':' + (e.type || '')")
        if tag.startswith("SELECT"):
            page.select_option(f"select[name='{name}']", str(value))
        elif tag.endswith(":radio"):
            page.check(f"input[name='{name}'][value='{value}']")
        elif tag.endswith(":checkbox"):
            for v in value:
                page.check(f"input[name='{name}'][value='{v}']")
        else:
            target.fill(str(value))


def local_record(page: Any, record_id: str) -> dict[str, Any] | None:
    """The record as this tablet's IndexedDB holds it."""
    result: str = page.evaluate(
        """async (id) => {
            const store = await import('/static/js/store.js');
            return JSON.stringify(await store.getRecord(id) ?? null);
        }""",
        record_id,
    )
    return json.loads(result)  # type: ignore[no-any-return]


def record_id(page: Any) -> str:
    return str(page.evaluate("new URLSearchParams(location.search).get('record')"))


def wait_state(page: Any, rid: str, state: str, timeout: float = 20.0) -> dict[str, Any]:
    """Wait until this tablet's IndexedDB holds the record in `state`; returns the record."""
    deadline = time.monotonic() + timeout
    while True:
        record = local_record(page, rid)
        if record and record["state"] == state:
            return record
        if time.monotonic() > deadline:
            raise AssertionError(f"record {rid} is {record and record['state']}, not {state}: {record}")
        time.sleep(0.1)
