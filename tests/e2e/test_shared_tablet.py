"""One tablet, one browser profile, three people in turn (docs/adr/0005-shared-tablet.md): A logs in,
fills an observation offline and logs out offline; B logs in; C logs in; A returns. Nobody sees or sends
another's data, A's record is stored with A as its author, and C gets C's own networks. Then a change of a
user's networks reaches a tablet that already synced, at its next pull."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.tablet import (
    fill,
    finalize_ok,
    log_in,
    open_form,
    record_id,
    wait_ready,
    wait_record,
    wait_until,
)
from tests.factories import observation_answers

pytestmark = pytest.mark.e2e

A_NAME = "ศน.วิภาวรรณ สาธิต"  # supervisor1 (N01, N02)


def local(page: Any, what: str) -> Any:
    """Read this account's IndexedDB on the tablet: `records` or a reference kind (`schools`)."""
    script = """async (what) => {
        const store = await import('/static/js/store.js');
        const rows = what === 'records' ? await store.allRecords() : await store.getReference(what);
        return JSON.stringify(rows);
    }"""
    return json.loads(page.evaluate(script, what))


def server_record(server: LiveServer, rid: str) -> tuple[Any, ...] | None:
    with sqlite3.connect(server.db_path) as db:
        return db.execute(  # type: ignore[no-any-return]
            "SELECT u.username, (SELECT group_concat(DISTINCT v.author_id) FROM revisions v WHERE v.record_id = r.id) "
            "FROM records r JOIN users u ON u.id = r.author_id WHERE r.id = ?",
            [rid],
        ).fetchone()


def user_id(server: LiveServer, username: str) -> int:
    with sqlite3.connect(server.db_path) as db:
        return int(db.execute("SELECT id FROM users WHERE username = ?", [username]).fetchone()[0])


def log_out(page: Any) -> None:
    """As the person does: below desktop widths the top bar's menu is folded into one button (issue 16),
    so open it first, then tap Log out."""
    toggle = page.locator("#menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        assert page.locator("#main-menu").is_visible()
    page.click("form[action='/logout'] button")


def shell_cached(page: Any) -> bool:
    return bool(page.evaluate("async () => Boolean(await caches.match('/'))"))


def screenshots(page: Any, folder: Path, name: str) -> None:
    """The screen as a person holds the tablet: portrait and landscape."""
    for width, height in ((820, 1180), (1180, 820)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(folder / f"{name}-{width}x{height}.png"))


def test_three_people_share_one_tablet(live_server: LiveServer, tablet: Any, tmp_path: Path) -> None:
    url = live_server.url
    page = tablet.new_page()

    # A fills an observation without signal, then logs out, still offline.
    log_in(page, url, "supervisor1")
    wait_ready(page)
    tablet.set_offline(True)
    open_form(page, url)
    rid = record_id(page)
    fill(page, observation_answers())
    finalize_ok(page)
    wait_record(page, rid, "pending")
    page.goto(f"{url}/")
    wait_until(page, "document.getElementById('unsynced-count').textContent === '1'")
    log_out(page)
    wait_until(page, "document.querySelector('main h1')?.textContent === 'ออกจากระบบแล้ว'")
    assert A_NAME not in page.inner_text("body")
    screenshots(page, tmp_path, "logged-out-offline")
    assert not shell_cached(page)  # the signed-in pages are gone from the cache
    assert "nithet_user=" not in page.evaluate("document.cookie")

    # B logs in (back online): A's record is neither shown nor sent; B is told whose unsent work stays.
    tablet.set_offline(False)
    log_in(page, url, "team1")
    wait_ready(page)
    assert local(page, "records") == []
    notice = page.locator("#others-unsent")
    assert notice.is_visible() and "supervisor1" in notice.inner_text() and "1" in notice.inner_text()
    assert A_NAME not in page.inner_text("header")
    assert server_record(live_server, rid) is None
    screenshots(page, tmp_path, "others-unsent")
    log_out(page)
    page.wait_for_url(f"{url}/login")
    page.go_back()  # Back after logging out shows no one's page: the login page again
    page.wait_for_url(re.compile(r".*/login(\?.*)?$"))
    assert "#others-unsent" not in page.content() and "ผอ.ประเสริฐ" not in page.inner_text("body")

    # C (other networks) logs in: C's own networks arrive, nothing of A's or B's.
    log_in(page, url, "supervisor2")
    wait_ready(page)
    schools = local(page, "schools")
    assert schools and {s["network_id"] for s in schools} == {"N03", "N04"}
    assert local(page, "records") == []
    assert server_record(live_server, rid) is None
    log_out(page)
    page.wait_for_url(f"{url}/login")

    # A returns: the record is sent under A's own session, with A as its author.
    log_in(page, url, "supervisor1")
    wait_ready(page)
    wait_record(page, rid, "synced")
    me = str(user_id(live_server, "supervisor1"))
    assert server_record(live_server, rid) == ("supervisor1", me)
    wait_until(page, "document.getElementById('others-unsent').hidden")


def test_a_network_change_reaches_a_synced_tablet(live_server: LiveServer, tablet: Any) -> None:
    url = live_server.url
    page = tablet.new_page()
    log_in(page, url, "supervisor2")
    wait_ready(page)
    assert {s["network_id"] for s in local(page, "schools")} == {"N03", "N04"}

    # The admin moves supervisor2 from N03 and N04 to N05 (the account's edit, as on the admin page).
    with sqlite3.connect(live_server.db_path) as db:
        uid = db.execute("SELECT id FROM users WHERE username = 'supervisor2'").fetchone()[0]
        db.execute("DELETE FROM user_networks WHERE user_id = ?", [uid])
        db.execute("INSERT INTO user_networks (user_id, network_id) VALUES (?, 'N05')", [uid])

    page.click("#sync-now")
    wait_until(page, "document.getElementById('status-banner').textContent.includes('ซิงก์')")
    wait_until(
        page,
        """async () => {
            const store = await import('/static/js/store.js');
            const nets = new Set((await store.getReference('schools')).map((s) => s.network_id));
            return nets.size === 1 && nets.has('N05');
        }""",
        arg=None,
    )
    networks = {n["id"] for n in local(page, "networks")}
    assert networks == {"N05"}
