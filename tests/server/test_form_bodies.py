"""The HTML form posts: typed bodies in the OpenAPI document (server/form_bodies.py), the one text rule on
every text field they carry, and schemathesis over them. On a server of this module's own: the fuzzer
publishes policy lists, sets terms and the office's frame with whatever it generates."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import httpx
import msgspec
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from forms.text import clean_text
from server.form_bodies import MemoForm, PlanForm, TripDaysForm
from tests.conftest import LiveServer
from tests.server.test_fuzz import signed_in

#: Every form post that takes a body, and who may send it.
FORMS = {
    ("POST", "/plans"): "admin",
    ("POST", "/plans/{visit_id}"): "admin",
    ("POST", "/plans/{visit_id}/cancel"): "admin",
    ("POST", "/admin/terms"): "admin",
    ("POST", "/admin/coordinates"): "admin",
    ("POST", "/admin/office"): "admin",
    ("POST", "/admin/imports"): "admin",
    ("POST", "/admin/policies"): "admin",
    ("POST", "/admin/users/{username}/edit"): "admin",
    ("POST", "/admin/forms/{form_id}/state"): "admin",
    ("POST", "/admin/forms/check"): "admin",
    ("POST", "/admin/forms/publish"): "admin",
    ("POST", "/account/password"): "secretary1",
    ("POST", "/reports/mine/{kind}"): "supervisor1",
    ("POST", "/reports/network/{network_id}/travel"): "secretary1",
    ("POST", "/submissions/network/{network_id}"): "secretary1",
    ("POST", "/submissions/{submission_id}/decide"): "director",
    ("POST", "/submissions/{submission_id}/note"): "deputy1",
}
#: The characters a paste from another program brings (NUL, vertical tab, escape).
CONTROLS = "\x00\x0b\x1b"
_STORED_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f]|\\u00(0[0-8b-f]|1[0-9a-f]|7f|[89][0-9a-f])", re.I
)


def _schema(server: LiveServer) -> dict[str, Any]:
    return httpx.get(f"{server.url}/schema/openapi.json").json()  # type: ignore[no-any-return]


def _texts(field: dict[str, Any]) -> list[dict[str, Any]]:
    """The text schemas of a field: itself, or each of its forms (a repeated field: one value or a list)."""
    if field.get("type") == "string" and field.get("format") != "binary":
        return [field]
    if field.get("type") == "array":
        return _texts(field["items"])
    return [t for form in field.get("oneOf", []) for t in _texts(form)]


def test_every_form_post_is_documented_with_its_body_and_limits(shared_server: LiveServer) -> None:
    doc = _schema(shared_server)
    schemas = doc["components"]["schemas"]
    documented = {
        ("POST", path): op
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if method == "post" and "forms" in op.get("tags", [])
    }
    assert set(documented) == set(FORMS)
    for key, op in documented.items():
        [(media, body)] = op["requestBody"]["content"].items()
        assert media in ("application/x-www-form-urlencoded", "multipart/form-data"), key
        fields = schemas[body["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]
        texts = [t for f in fields.values() for t in _texts(f)]
        assert (texts or key == ("POST", "/admin/forms/check")) and all("maxLength" in f for f in texts), key
        forms = [f for field in fields.values() for f in [field, *field.get("oneOf", [])]]
        assert all("maxItems" in f for f in forms if f.get("type") == "array"), key
        assert {"303", "422"} <= set(op["responses"]), key
    office = documented[("POST", "/admin/office")]["requestBody"]["content"]["multipart/form-data"]
    emblem = schemas[office["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]["emblem"]
    assert any(s.get("format") == "binary" for s in emblem["oneOf"])


@pytest.mark.parametrize("key", sorted(set(FORMS) - {("POST", "/admin/forms/check")}))  # a file only
def test_over_long_text_is_a_clear_error_naming_the_field(shared_server: LiveServer, key: Any) -> None:
    doc = _schema(shared_server)
    path = key[1].format(visit_id="none", username="admin", form_id="x", kind="weekly", network_id="N01",
                         submission_id=1)  # fmt: skip
    op = doc["paths"][key[1]]["post"]
    [(media, body)] = op["requestBody"]["content"].items()
    fields = doc["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]
    name, field = next((n, t) for n, f in fields.items() for t in _texts(f) if "maxLength" in t)
    value = {name: "ก" * (field["maxLength"] + 1)}
    with shared_server.client(FORMS[key]) as client:
        if media == "multipart/form-data":
            r = client.post(path, data=value, files={"unused": ("", b"")})
        else:
            r = client.post(path, data=value)
    answer = r.json()
    if r.status_code == 413:  # a whole definition over 2 MB: over the request's own size limit first
        assert (key[1], answer["code"]) == ("/admin/forms/publish", "batch_too_large")
        return
    assert r.status_code == 400, r.text
    assert answer["code"] == "invalid_request"
    assert [e["key"] for e in answer["errors"]] == [name]


def _stored_controls(server: LiveServer) -> list[tuple[str, str, str]]:
    """Every text value in the database that holds a control character (raw, or escaped in JSON)."""
    db = sqlite3.connect(server.db_path)
    found = []
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        columns = [c[1] for c in db.execute(f"PRAGMA table_info([{table}])")]
        for row in db.execute(f"SELECT * FROM [{table}]"):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and _STORED_CONTROL.search(value):
                    found.append((table, column, value[:80]))
    db.close()
    return found


def test_control_characters_in_every_form_kind_are_never_stored(shared_server: LiveServer) -> None:
    """NUL, vertical tab and escape pasted into the text of each kind of form: the form is saved (or
    refused for its own reasons), never a 500, and no control character reaches the database."""
    dirty = f"ข้อความ{CONTROLS}ทดสอบ"
    admin, secretary = shared_server.client("admin"), shared_server.client("secretary1")
    sup, director = shared_server.client("supervisor1"), shared_server.client("director")
    answers = {
        "office": admin.post("/admin/office", data={"name": f"สพป.{CONTROLS}ทดสอบ", "address": dirty,
                                                    "digits": "thai"}, files={"emblem": ("", b"")}),
        "terms": admin.post("/admin/terms", data={"academic_year": f"2568{CONTROLS}", "semester": "1",
                                                  "start": "2025-05-16", "end": "2025-10-10"}),
        "user": admin.post("/admin/users/team1/edit", data={"display_name": dirty, "role": "team_member",
                                                            "networks": f"N01{CONTROLS}"}),
        "policies": admin.post("/admin/policies", data={"list_id": "2569", "label": dirty, "code_0": "P01",
                                                        "name_0": dirty, "indicator_0": dirty,
                                                        "kind_0": "percent", "evidence_0": dirty}),
        "plan": admin.post("/plans", data={"network": "N01", "date": "2025-06-20", "session": "morning",
                                           "school_code": f"{CONTROLS}x", "a_room": dirty}),
        "own report": sup.post("/reports/mine/weekly", data={"body": dirty}),
        "memo": secretary.post("/submissions/network/N01?period=2568-1",
                               data={"agency": dirty, "date": "2025-11-05", "subject": dirty, "to": dirty,
                                     "body": dirty, "signer": dirty, "position": dirty}),
        "password": secretary.post("/account/password", data={"old": dirty, "new": dirty, "confirm": dirty}),
    }  # fmt: skip
    db = sqlite3.connect(shared_server.db_path)
    [sid] = db.execute("SELECT max(id) FROM submissions").fetchone()
    db.close()
    answers["decision"] = director.post(
        f"/submissions/{sid}/decide", data={"action": "acknowledge", "comment": dirty}
    )
    answers["note"] = shared_server.client("deputy1").post(
        f"/submissions/{sid}/note", data={"comment": dirty}
    )
    assert {k: r.status_code for k, r in answers.items() if r.status_code >= 500} == {}
    saved = {k for k, r in answers.items() if r.status_code == 303}
    assert saved >= {"office", "terms", "user", "own report", "memo", "decision", "note"}, answers
    assert _stored_controls(shared_server) == []
    db = sqlite3.connect(shared_server.db_path)
    assert db.execute("SELECT display_name FROM users WHERE username = 'team1'").fetchone() == (
        "ข้อความทดสอบ",
    )
    assert db.execute("SELECT name FROM office").fetchone() == ("สพป.ทดสอบ",)
    db.close()


@given(st.text(max_size=60))
def test_form_text_follows_the_one_text_rule(text: str) -> None:
    memo = msgspec.convert({"body": text, "subject": text}, MemoForm)
    assert memo.body == memo.subject == clean_text(text)
    plan = msgspec.convert({"team": text[:100], "a_room": [text[:100], "ห้อง 1"]}, PlanForm)
    assert plan.team == [clean_text(text[:100])]
    assert plan.a_room == [clean_text(text[:100]), "ห้อง 1"]
    days = msgspec.convert({"date": ["2025-07-15", "2025-07-22"], "departure": ["07:30", ""],
                            "return": ["", "16:30"], "purpose": [text, "นิเทศ"]}, TripDaysForm)  # fmt: skip
    assert days.rows() == [
        {"date": "2025-07-15", "departure": "07:30", "return": "", "purpose": clean_text(text)},
        {"date": "2025-07-22", "departure": "", "return": "16:30", "purpose": "นิเทศ"},
    ]


def test_schemathesis_finds_no_server_error_in_the_form_posts(shared_server: LiveServer) -> None:
    """Stateless: each form post with generated bodies, signed in as a user who may send it (CSRF header
    set). Only "no 5xx" is checked: a form post answers an HTML page, a redirect or a problem."""
    schema = schemathesis.openapi.from_url(f"{shared_server.url}/schema/openapi.json")
    failures: dict[str, str] = {}
    clients: dict[str, Any] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        key = (operation.method.upper(), operation.path)
        if key not in FORMS:
            continue

        try:
            _no_server_error(operation, clients.setdefault(FORMS[key], signed_in(shared_server, FORMS[key])))
        except BaseException as exc:  # every operation's failure is collected, then reported at once
            failures[" ".join(key)] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())
    assert _stored_controls(shared_server) == []


def _no_server_error(operation: Any, session: Any) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case: Any) -> None:
        case.call_and_validate(session=session, checks=[not_a_server_error])

    run()


def test_a_plan_with_an_unreadable_date_comes_back_as_typed(shared_server: LiveServer) -> None:
    """Found by the fuzzer: the refused form showed the date in BE and failed on one it could not read."""
    with shared_server.client("admin") as admin:
        refused = admin.post("/plans", data={"network": "N01", "date": "2025-13-45", "session": "morning"})
        assert refused.status_code == 422
        assert 'value="2025-13-45"' in refused.text
        assert '<span class="be-date">' not in refused.text
        shown = admin.get("/plans/new", params={"network": "N01", "date": "2025-06-20"})
        assert '<span class="be-date">20 มิถุนายน 2568</span>' in shown.text
