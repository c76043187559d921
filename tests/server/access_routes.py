"""One entry per route of the app: who gets which answer (tests/server/test_access_matrix.py checks them)."""

from __future__ import annotations

from core.roles import SIGNED_IN
from server.access import PUBLIC
from tests.factories import SCHOOL_N01
from tests.server.access_matrix import (
    ADMINS,
    AREA,
    IMPORTERS,
    NETWORK_READERS,
    OBSERVERS,
    OWN_REPORTERS,
    PLANNERS,
    REPORTERS,
    SUBMITTERS,
    Entry,
    expect,
    is_problem,
    plan_body,
    push_body,
    push_receipt,
)

MATRIX: list[Entry] = [
    # Accounts
    Entry("GET", "/login", lambda fx: "/login", expect(200, PUBLIC)),
    Entry(
        "POST",
        "/login",
        lambda fx: "/login",
        expect(401, PUBLIC),
        send=lambda p, fx: {"data": {"username": "nobody-matrix", "password": "wrong"}},
    ),
    Entry("POST", "/logout", lambda fx: "/logout", expect(303, SIGNED_IN), fresh=True),
    Entry("GET", "/account/password", lambda fx: "/account/password", expect(200, SIGNED_IN)),
    Entry(
        "POST",
        "/account/password",
        lambda fx: "/account/password",
        expect(401, SIGNED_IN),  # a wrong old password: refused, nothing changed
        send=lambda p, fx: {"data": {"old": "wrong", "new": "x" * 12, "confirm": "x" * 12}},
    ),
    Entry("GET", "/lang/{code:str}", lambda fx: "/lang/en", expect(302, PUBLIC)),
    # The tablet app
    Entry("GET", "/", lambda fx: "/", expect(200, SIGNED_IN)),
    Entry("GET", "/notebook", lambda fx: "/notebook", expect(200, SIGNED_IN)),
    Entry("GET", "/handover", lambda fx: "/handover", expect(200, SIGNED_IN)),
    Entry(
        "GET", "/forms/{form_id:str}/{version:int}", lambda fx: "/forms/observation/1", expect(200, SIGNED_IN)
    ),
    Entry(
        "GET",
        "/forms/{form_id:str}/{version:int}/print",
        lambda fx: "/forms/observation/2/print",
        expect(200, SIGNED_IN),
    ),
    Entry("GET", "/sw.js", lambda fx: "/sw.js", expect(200, PUBLIC)),
    Entry("GET", "/manifest.webmanifest", lambda fx: "/manifest.webmanifest", expect(200, PUBLIC)),
    Entry("GET", "/healthz", lambda fx: "/healthz", expect(200, PUBLIC)),
    # Sync protocol
    Entry("GET", "/api/me", lambda fx: "/api/me", expect(200, SIGNED_IN)),
    Entry(
        "POST",
        "/api/sync/push",
        lambda fx: "/api/sync/push",
        expect(200, OBSERVERS),
        send=push_body,
        check=push_receipt,
    ),
    Entry("GET", "/api/sync/pull", lambda fx: "/api/sync/pull", expect(200, SIGNED_IN)),
    Entry(
        "PUT",
        "/api/attachments/{sha256:str}",
        lambda fx: f"/api/attachments/{fx.photo_sha}",
        expect(200, OBSERVERS),
        send=lambda p, fx: {"content": fx.photo, "headers": {"content-type": "image/jpeg"}},
    ),
    Entry(
        "GET",
        "/api/attachments/{sha256:str}",
        lambda fx: f"/api/attachments/{fx.photo_sha}",
        # A photo no record uses yet: only its uploader (supervisor1) and the area roles may read it.
        expect(200, SIGNED_IN, supervisor2=404, team1=404, secretary1=404, deputy1=404),
    ),
    # Compiling results
    Entry("GET", "/observations", lambda fx: "/observations", expect(200, SIGNED_IN)),
    Entry(
        "GET",
        "/records/{record_id:str}",
        lambda fx: f"/records/{fx.record_id}",
        expect(200, SIGNED_IN, supervisor2=404),
        check=is_problem("not_found"),
    ),
    # Administration
    Entry("GET", "/admin/forms", lambda fx: "/admin/forms", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/forms/check",
        lambda fx: "/admin/forms/check",
        expect(200, ADMINS),
        send=lambda p, fx: {"files": {"other": ("a.txt", b"x", "text/plain")}},
    ),
    Entry(
        "POST",
        "/admin/forms/publish",
        lambda fx: "/admin/forms/publish",
        expect(200, ADMINS),
        send=lambda p, fx: {"data": {"definition": "not toml ["}},
    ),
    Entry(
        "POST",
        "/admin/forms/{form_id:str}/state",
        lambda fx: "/admin/forms/no_such_form/state",
        expect(200, ADMINS),
        send=lambda p, fx: {"data": {"state": "closed"}},
    ),
    Entry("GET", "/admin/policies", lambda fx: "/admin/policies", expect(200, AREA)),
    Entry(
        "POST",
        "/admin/policies",
        lambda fx: "/admin/policies",
        expect(200, AREA),
        send=lambda p, fx: {"data": {"list_id": "not a year"}},  # refused: nothing is published
    ),
    # Visit plans
    Entry("GET", "/plans", lambda fx: "/plans?network=N01", expect(200, SIGNED_IN, supervisor2=404)),
    Entry("GET", "/plans/new", lambda fx: "/plans/new?network=N01", expect(200, PLANNERS, supervisor2=404)),
    Entry(
        "POST",
        "/plans",
        lambda fx: "/plans",
        # An empty plan: refused with its reasons (422) — or 404 for a network the caller cannot see.
        expect(422, PLANNERS, supervisor2=404),
        send=lambda p, fx: {"data": {"network": "N01", "date": "2031-08-01", "session": "morning"}},
    ),
    Entry(
        "POST",
        "/api/plans",
        lambda fx: "/api/plans",
        expect(201, PLANNERS, supervisor2=422),
        send=plan_body,
    ),
    Entry(
        "GET",
        "/plans/{visit_id:str}",
        lambda fx: f"/plans/{fx.visit_id}",
        expect(200, SIGNED_IN, supervisor2=404),
        check=is_problem("not_found"),
    ),
    Entry(
        "GET",
        "/plans/{visit_id:str}/edit",
        lambda fx: f"/plans/{fx.visit_id}/edit",
        expect(200, PLANNERS, supervisor2=404),
    ),
    Entry(
        "POST",
        "/plans/{visit_id:str}",
        lambda fx: f"/plans/{fx.visit_id}",
        # No school and no team: refused with its reasons (422), the visit unchanged.
        expect(422, PLANNERS, supervisor2=404),
        send=lambda p, fx: {"data": {"network": "N01", "date": "2031-08-01", "session": "morning"}},
    ),
    Entry(
        "POST",
        "/plans/{visit_id:str}/cancel",
        lambda fx: f"/plans/{fx.visit_id}/cancel",
        # Without the "yes, cancel" tick: back to the visit, not cancelled.
        expect(303, PLANNERS, supervisor2=404),
    ),
    # Reference data
    Entry("GET", "/admin/imports", lambda fx: "/admin/imports", expect(200, IMPORTERS)),
    Entry(
        "POST",
        "/admin/imports",
        lambda fx: "/admin/imports",
        expect(200, IMPORTERS),
        send=lambda p, fx: {"files": {"other": ("a.txt", b"x", "text/plain")}},
    ),
    Entry(
        "POST",
        "/admin/imports/{batch_id:int}/confirm",
        lambda fx: "/admin/imports/987654/confirm",
        expect(200, IMPORTERS),
    ),
    Entry("POST", "/admin/imports/undo", lambda fx: "/admin/imports/undo", expect(200, IMPORTERS)),
    Entry(
        "GET",
        "/admin/export/{kind:str}",
        lambda fx: "/admin/export/schools?format=csv",
        expect(200, IMPORTERS),
    ),
    # User accounts (server/routes/users.py); deactivating an unknown account is 404 (no persona is touched)
    Entry("GET", "/admin/users", lambda fx: "/admin/users", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/users/{username:str}/deactivate",
        lambda fx: "/admin/users/no.such.user/deactivate",
        expect(404, ADMINS),
    ),
    Entry(
        "POST",
        "/admin/users/{username:str}/reactivate",
        lambda fx: "/admin/users/no.such.user/reactivate",
        expect(404, ADMINS),
    ),
    Entry(
        "POST",
        "/admin/users/{username:str}/reset",
        lambda fx: "/admin/users/no.such.user/reset",
        expect(404, ADMINS),
    ),
    Entry(
        "POST",
        "/admin/users/{username:str}/edit",
        lambda fx: "/admin/users/no.such.user/edit",
        expect(404, ADMINS),
        send=lambda persona, fx: {"data": {"display_name": "x", "role": "supervisor", "networks": "N01"}},
    ),
    # Semester dates (server/routes/terms.py); the POST is refused (end before start), so nothing is stored
    Entry("GET", "/admin/terms", lambda fx: "/admin/terms", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/terms",
        lambda fx: "/admin/terms",
        expect(422, ADMINS),
        send=lambda p, fx: {
            "data": {"academic_year": "2569", "semester": "1", "start": "2026-10-31", "end": "2026-05-16"}
        },
    ),
    # The office's frame of printed documents (server/routes/office.py); the POST is refused (no digit
    # style chosen), so nothing is stored
    Entry("GET", "/admin/office", lambda fx: "/admin/office", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/office",
        lambda fx: "/admin/office",
        expect(422, ADMINS),
        send=lambda p, fx: {"data": {"name": "สพป.ทดสอบ", "digits": "roman"}, "files": {"emblem": ("", b"")}},
    ),
    # Coordinates (server/routes/coordinates.py); the POST is refused (a swapped pair), so nothing is stored
    Entry("GET", "/admin/coordinates", lambda fx: "/admin/coordinates", expect(200, ADMINS)),
    Entry(
        "POST",
        "/admin/coordinates",
        lambda fx: "/admin/coordinates",
        expect(422, ADMINS),
        send=lambda p, fx: {"data": {"office_lat": "104.7", "office_lon": "16.5"}},
    ),
    # Reports (server/routes/reports.py): a network the caller cannot see is 404
    Entry("GET", "/reports", lambda fx: "/reports", expect(200, SIGNED_IN)),
    *(
        Entry("GET", path, lambda fx, url=url: url, expect(200, REPORTERS, supervisor2=404))
        for path, url in [
            ("/reports/network/{network_id:str}/visits", "/reports/network/N01/visits"),
            ("/reports/network/{network_id:str}/travel", "/reports/network/N01/travel"),
            ("/reports/network/{network_id:str}/committee", "/reports/network/N01/committee"),
            ("/reports/network/{network_id:str}/export.xlsx", "/reports/network/N01/export.xlsx"),
            (
                "/reports/network/{network_id:str}/export.csv",
                "/reports/network/N01/export.csv?tool=observation",
            ),
            (
                "/reports/network/{network_id:str}/notebook/{school_code:str}/{date:str}/{session:str}",
                f"/reports/network/N01/notebook/{SCHOOL_N01}/2026-11-20/morning",
            ),
        ]
    ),
    *(
        Entry("GET", path, lambda fx, url=url: url, expect(200, NETWORK_READERS, supervisor2=404))
        for path, url in [
            ("/reports/network/{network_id:str}", "/reports/network/N01"),
            ("/reports/network/{network_id:str}/print", "/reports/network/N01/print"),
            ("/reports/network/{network_id:str}/themes", "/reports/network/N01/themes"),
        ]
    ),
    # Trip days of the travel report: the network's secretary and supervisors; an empty form stores nothing
    Entry(
        "POST",
        "/reports/network/{network_id:str}/travel",
        lambda fx: "/reports/network/N01/travel?period=2568-1",
        expect(303, SUBMITTERS, supervisor2=404),
        send=lambda p, fx: {"data": {}},
    ),
    Entry("GET", "/reports/area", lambda fx: "/reports/area", expect(200, REPORTERS)),
    Entry("GET", "/reports/area/print", lambda fx: "/reports/area/print", expect(200, REPORTERS)),
    # The chain of reports (server/routes/submissions.py): secretary1 sent N01's report in `fixtures`
    Entry("GET", "/submissions", lambda fx: "/submissions", expect(200, SIGNED_IN)),
    Entry(
        "GET",
        "/submissions/network/{network_id:str}/new",
        lambda fx: "/submissions/network/N01/new",
        expect(200, SUBMITTERS, supervisor2=404),
    ),
    Entry(
        "POST",
        "/submissions/network/{network_id:str}",
        lambda fx: "/submissions/network/N01?period=2568-2",
        expect(422, SUBMITTERS, supervisor2=404),
        send=lambda p, fx: {"data": {"subject": ""}},  # an incomplete memo: refused, nothing sent
    ),
    Entry(
        "POST",
        "/reports/mine/{kind:str}/send",
        lambda fx: "/reports/mine/weekly/send?period=2026-11-16",
        expect(303, OWN_REPORTERS),
    ),
    *(
        Entry(
            "GET",
            path,
            lambda fx, url=url: url.format(id=fx.submission_id),
            expect(200, SIGNED_IN, supervisor2=404),
        )
        for path, url in [
            ("/submissions/{submission_id:int}", "/submissions/{id}"),
            ("/submissions/{submission_id:int}/print", "/submissions/{id}/print"),
        ]
    ),
    Entry(
        "POST",
        "/submissions/{submission_id:int}/decide",
        lambda fx: f"/submissions/{fx.submission_id}/decide",
        expect(303, frozenset({"director"})),
        send=lambda p, fx: {"data": {"action": "return", "comment": "แก้ไขตาราง"}},
    ),
    Entry(
        "POST",
        "/submissions/{submission_id:int}/note",
        lambda fx: f"/submissions/{fx.submission_id}/note",
        expect(409, frozenset({"deputy"})),  # returned, not forwarded: nothing to note yet
    ),
    Entry("GET", "/reports/sync", lambda fx: "/reports/sync", expect(200, REPORTERS)),
    Entry("GET", "/reports/mine/{kind:str}", lambda fx: "/reports/mine/weekly", expect(200, OWN_REPORTERS)),
    Entry(
        "POST",
        "/reports/mine/{kind:str}",
        lambda fx: "/reports/mine/weekly",
        expect(303, OWN_REPORTERS),
        send=lambda p, fx: {"data": {"body": "<b>บันทึก</b>"}},
    ),
    # Static files and the schema
    Entry("GET", "/static/{file_path:path}", lambda fx: "/static/css/app.css", expect(200, PUBLIC)),
    Entry("HEAD", "/static/{file_path:path}", lambda fx: "/static/css/app.css", expect(200, PUBLIC)),
    Entry("GET", "/schema", lambda fx: "/schema", expect(200, PUBLIC)),
    Entry("GET", "/schema/openapi.json", lambda fx: "/schema/openapi.json", expect(200, PUBLIC)),
    Entry("GET", "/schema/{path:str}", lambda fx: "/schema/swagger", expect(404, PUBLIC)),
]
