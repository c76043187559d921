"""The form lifecycle over real HTTP, as an admin and the tablets see it: a new upload is a draft only admins
open; published to chosen networks; closing stops new records but still takes the ones started; closed
takes none."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.conftest import LiveServer
from tests.factories import SCHOOL_N01, batch, record
from tests.forms.xlsforms import xlsform

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORM = xlsform([["type", "name", "label"], ["select_one s", "school", "School"], ["text", "note_text", "Note"]],
               [["list_name", "name", "label"], ["s", "x", "x"]])  # fmt: skip


def upload(admin: Any, data: bytes = FORM, version: int = 1) -> str:
    r = admin.post("/admin/forms/check", files={"definition": ("Library Check.xlsx", data, XLSX)},
                   headers={"hx-request": "true"})  # fmt: skip
    definition = html.unescape(re.search(r'name="definition" value="([^"]*)"', r.text)[1])  # type: ignore[index]
    r = admin.post("/admin/forms/publish", data={"definition": definition})
    assert f'id="published" role="status">บันทึกแล้ว: library_check v{version}' in r.text
    return str(r.text)


def move(admin: Any, state: str, networks: tuple[str, ...] = (), roles: tuple[str, ...] = ()) -> str:
    data = {"state": state, "networks": list(networks), "roles": list(roles)}
    r = admin.post("/admin/forms/library_check/state", data=data)
    assert r.status_code == 200
    page = re.search(r'id="state-library_check".*?</form>', r.text, re.S)
    assert page is not None
    return page[0]


def offered(client: Any) -> bool:
    return "/forms/library_check/1" in client.get("/").text


def push(client: Any) -> dict[str, Any]:
    answers = {"school": SCHOOL_N01, "note_text": "ok"}
    r = client.post("/api/sync/push", json=batch(record(answers, form_id="library_check")))
    return dict(r.json()["receipts"][0])


def test_a_form_goes_from_draft_to_closed(live_server: LiveServer) -> None:
    admin, supervisor, other = (live_server.client(u) for u in ("admin", "supervisor1", "supervisor2"))
    upload(admin)
    # Draft: admins try it; no tablet is offered it, opens it or precaches it.
    assert not offered(supervisor) and not offered(admin)
    assert supervisor.get("/forms/library_check/1").status_code == 404
    assert admin.get("/forms/library_check/1").status_code == 200
    assert "/forms/library_check/1" not in supervisor.get("/sw.js").text
    assert push(supervisor)["code"] == "form_closed"
    assert 'data-state="draft"' in admin.get("/admin/forms").text

    # Published to network N03 only: supervisor2 (N03, N04) is offered it, supervisor1 (N01, N02) is not.
    box = move(admin, "published", networks=("N03",))
    assert 'data-state="published"' in box and 'value="N03" checked' in box
    assert offered(other) and not offered(supervisor)
    assert "/forms/library_check/1" in supervisor.get("/sw.js").text  # precached: drafts of it stay fillable

    # Published to a role only.
    move(admin, "published", roles=("team_member",))
    assert not offered(other) and offered(live_server.client("team1"))

    move(admin, "published")
    assert offered(supervisor) and push(supervisor)["status"] == "stored"

    # Closing: not offered, but a record started before still syncs.
    move(admin, "closing")
    assert not offered(supervisor) and push(supervisor)["status"] == "stored"

    # Closed: no more records, with the reason in Thai.
    move(admin, "closed")
    receipt = push(supervisor)
    assert (receipt["status"], receipt["code"]) == ("rejected", "form_closed")
    assert receipt["message"] == "แบบฟอร์มนี้ปิดแล้ว: ไม่รับบันทึกอีก"

    # A draft is never returned to; an unknown network is refused; nothing changes.
    r = admin.post("/admin/forms/library_check/state", data={"state": "draft"})
    assert "แบบฟอร์มนี้เปลี่ยนไปเป็นสถานะนั้นไม่ได้" in r.text
    r = admin.post("/admin/forms/library_check/state", data={"state": "closed", "networks": ["N99"]})
    assert "เลือกเครือข่ายและบทบาทจากรายการ" in r.text
    assert 'data-state="closed"' in admin.get("/admin/forms").text
    assert supervisor.post("/admin/forms/library_check/state", data={"state": "published"}).status_code == 403


def test_a_new_version_keeps_the_form_state(live_server: LiveServer) -> None:
    admin, supervisor = live_server.client("admin"), live_server.client("supervisor1")
    assert 'id="draft-note"' in upload(admin)
    move(admin, "published")
    assert offered(supervisor)
    v2 = xlsform([["type", "name", "label"], ["select_one s", "school", "School"], ["text", "note_text", "Note 2"]],
                 [["list_name", "name", "label"], ["s", "x", "x"]], [["form_id", "version"], ["library_check", "2"]])  # fmt: skip
    assert 'id="draft-note"' not in upload(admin, v2, version=2)
    assert "/forms/library_check/2" in supervisor.get("/").text
    # The built-in tools have no state row: published to everyone.
    assert "/forms/observation/" in live_server.client("supervisor1").get("/").text
