"""Driving the tablet app in Chromium like an observer would: log in, wait for the app to install, fill
forms, read this tablet's IndexedDB, kill the tab, make test images.

Waiting: `wait_until` polls from Python. (`page.wait_for_function` evaluates strings in the page, which the
app's Content-Security-Policy forbids without `bypass_csp`, and an async predicate returns a Promise, which
is truthy at once; `page.evaluate` goes through DevTools and awaits it.)
"""

from __future__ import annotations

import json
import os
import signal
import struct
import time
import zlib
from pathlib import Path
from typing import Any

from tests.conftest import PASSWORD

# -- waiting -------------------------------------------------------------------------------------------------


def wait_until(page: Any, expression: str, timeout: float = 20.0, arg: Any = None) -> Any:
    """Poll a JS expression (or an async function of `arg`) until its value is truthy; returns it. A page
    navigating meanwhile (a form posted, an htmx redirect) is waited out, not an error."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = page.evaluate(expression, arg) if arg is not None else page.evaluate(expression)
        except Exception as exc:  # playwright's Error: the page navigated under the evaluation
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def wait_ready(page: Any, timeout: float = 60.0) -> None:
    """The service worker controls the page, has cached what comes after the install (the forms' older
    versions, the reflection table's files: /reflection-table-ready marks the end), and the first sync has
    pulled the reference data."""
    wait_until(page, "navigator.serviceWorker.controller !== null", timeout)
    wait_until(page, "caches.match('/reflection-table-ready').then((hit) => hit !== undefined)", timeout)
    wait_until(page, "document.getElementById('last-sync').textContent.trim() !== '–'", timeout)


def wait_state(page: Any, state: str) -> None:
    """The open form page shows its record in `state` (draft, pending, synced, conflict, rejected)."""
    wait_until(page, f"document.getElementById('record-state').dataset.state === '{state}'")


def wait_record(page: Any, rid: str, state: str, timeout: float = 20.0) -> dict[str, Any]:
    """Wait until this tablet's IndexedDB holds the record in `state`; returns the record."""
    deadline = time.monotonic() + timeout
    while True:
        record = local_record(page, rid)
        if record and record["state"] == state:
            return record
        if time.monotonic() > deadline:
            raise AssertionError(f"record {rid} is {record and record['state']}, not {state}: {record}")
        time.sleep(0.1)


# -- logging in, the tab dying -----------------------------------------------------------------------------


def log_in(page: Any, url: str, username: str = "supervisor1") -> None:
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def log_in_and_install(page: Any, url: str, username: str = "supervisor1", *, install: bool = True) -> None:
    """Log in; with `install`, wait for the service worker and the first pull (schools, teachers, visits)."""
    log_in(page, url, username)
    if install:
        wait_ready(page)


def kill_renderers(browser: Any) -> None:
    """SIGKILL every renderer process of the browser: the tab dies with no unload handler, as when
    Android kills a backgrounded browser. What IndexedDB committed must survive."""
    info = browser.new_browser_cdp_session().send("SystemInfo.getProcessInfo")
    for process in info["processInfo"]:
        if process["type"] == "renderer":
            os.kill(process["id"], signal.SIGKILL)
    time.sleep(0.5)


# -- forms ---------------------------------------------------------------------------------------------------


def sel(element_id: str) -> str:
    """A selector for an id with dots in it (`f-pupils.0.sex`)."""
    return f'[id="{element_id}"]'


def open_form(page: Any, url: str, record_id: str | None = None, form: str = "observation/1") -> None:
    page.goto(f"{url}/forms/{form}" + (f"?record={record_id}" if record_id else ""))
    wait_form_ready(page)


def wait_form_ready(page: Any) -> None:
    wait_until(page, "document.body.dataset.formReady === 'true'")


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


def check(page: Any, name: str, value: str) -> None:
    """Tick a chip (radio or checkbox). A click event on the input itself: the chip's input is
    transparent over its label, and a sticky bar may cover it at the viewport's edge."""
    box = page.locator(f'input[name="{name}"][value="{value}"]')
    box.scroll_into_view_if_needed()
    if not box.is_checked():
        box.dispatch_event("click")
    assert box.is_checked(), (name, value)


def tick(locator: Any, on: bool = True) -> None:
    if locator.is_checked() != on:
        locator.dispatch_event("click")


# -- this tablet's IndexedDB -----------------------------------------------------------------------------------


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


# -- test images -------------------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A real PNG (a colour gradient), made without an imaging library."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        shade = y * 255 // max(1, height - 1)
        line = bytearray(3 * width)
        line[0::3] = bytes(x * 255 // max(1, width - 1) for x in range(width))
        line[1::3] = bytes([shade]) * width
        line[2::3] = bytes([128]) * width
        rows.extend(line)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


def finalize_ok(page: Any) -> None:
    """Finalize the open form; on failure, say which answers the page marks wrong."""
    page.click("#finalize")
    try:
        wait_state(page, "pending")
    except AssertionError:
        shown = page.evaluate(
            "[...document.querySelectorAll('.error:not([hidden])')].map(e => e.id + ': ' + e.textContent)"
        )
        summary = page.inner_text("#error-summary")
        raise AssertionError(f"not finalized; errors shown: {shown} {summary}") from None


# -- accessibility -------------------------------------------------------------------------------------------

AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as shown (vendored; scripts/vendor.py)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {
            resultTypes: ['violations'],
            rules: { 'label-content-name-mismatch': { enabled: true } },  // experimental in axe: asked for
          })).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)"""
    )
    return list(found)
