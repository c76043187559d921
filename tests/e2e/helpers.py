"""Helpers for driving the tablet in Chromium: log in, wait for the app to install, make test images."""

from __future__ import annotations

import struct
import time
import zlib
from typing import Any

from tests.conftest import PASSWORD


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


def sel(element_id: str) -> str:
    """A selector for an id with dots in it (`f-pupils.0.sex`)."""
    return f'[id="{element_id}"]'


def wait_until(page: Any, expression: str, timeout: float = 20.0) -> None:
    """Poll a JS expression until it is truthy. (wait_for_function evaluates strings in the page, which the
    app's Content-Security-Policy forbids; page.evaluate goes through DevTools and is not blocked.)"""
    deadline = time.monotonic() + timeout
    while True:
        if page.evaluate(expression):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        time.sleep(0.05)


def log_in_and_install(page: Any, url: str, username: str = "supervisor1", *, install: bool = True) -> None:
    page.goto(f"{url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    if not install:
        return
    wait_until(page, "navigator.serviceWorker.controller !== null", 60)
    # The first sync pulls the reference data (schools, teachers) into IndexedDB.
    wait_until(page, "document.getElementById('last-sync').textContent.trim() !== '–'", 60)


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


def wait_state(page: Any, state: str) -> None:
    wait_until(page, f"document.getElementById('record-state').dataset.state === '{state}'")
