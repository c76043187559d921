"""The app shell as a tablet installs it (ADR 0017): the newest form versions and the message catalogue in the
first install, the older versions right after. Offline, the observation form still speaks Thai through the
catalogue file (its t() lookups), and a record of an older version on the tablet still opens."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from forms.loader import builtin_forms
from server.i18n import translations
from tests.e2e.tablet import log_in_and_install, wait_form_ready, wait_until

pytestmark = pytest.mark.e2e

NEWEST = max(f.version for f in builtin_forms() if f.id == "observation")
THAI = translations("th").gettext


def test_offline_the_form_speaks_thai_and_an_older_version_record_opens(
    live_server: Any, tablet: Any
) -> None:
    page = tablet.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in_and_install(page, live_server.url)  # the install and what comes right after it
    paths = {url.split("://", 1)[1].split("/", 1)[1] for url in page.evaluate(
        "async () => (await (await caches.open((await caches.keys())[0])).keys()).map((r) => r.url)"
    )}  # fmt: skip
    assert {f"forms/observation/{NEWEST}", f"forms/observation/{NEWEST - 1}"} <= paths
    assert [p for p in paths if p.startswith("static/i18n/th.")], paths

    # A record of the older version arrives on the tablet (as a pull or a QR hand-over puts it there).
    old = {"id": str(uuid.uuid4()), "form_id": "observation", "form_version": NEWEST - 1, "state": "draft",
           "answers": {"topic": "การอ่านจับใจความ"}, "updated_at": "2025-06-17T12:00:00Z"}  # fmt: skip
    page.evaluate("async (r) => (await import('/static/js/store.js')).putRecord(r)", old)

    tablet.set_offline(True)
    page.goto(f"{live_server.url}/forms/observation/{NEWEST}")
    wait_form_ready(page)
    assert page.evaluate("import('/static/js/i18n.js').then((m) => m.t('Waiting to sync'))") == THAI(
        "Waiting to sync"
    )
    page.fill("#f-topic", "เศษส่วน")
    saved = f"{THAI('Saved on this tablet')} ✓"
    assert saved != "Saved on this tablet ✓"
    wait_until(page, f"document.getElementById('save-state').textContent === {saved!r}")

    page.goto(f"{live_server.url}/forms/observation/{NEWEST - 1}?record={old['id']}")
    wait_form_ready(page)
    assert page.input_value("#f-topic") == "การอ่านจับใจความ"
    assert page.locator("h1").get_attribute("data-version") == str(NEWEST - 1)
    assert errors == []
