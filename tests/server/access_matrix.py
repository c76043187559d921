"""The persona matrix's vocabulary: personas, expected answers by role set, fixtures, entries, request bodies
(the entries are in tests/server/access_routes.py, the tests in tests/server/test_access_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from server.access import PUBLIC
from server.app import create_app
from server.config import Settings
from tests.factories import SCHOOL_N01, batch, record

PERSONAS = ("admin", "director", "deputy1", "secretary1", "supervisor1", "team1", "supervisor2", "anonymous")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: Litestar answers OPTIONS itself (no handler code runs, no data): not part of the matrix.
SKIPPED_METHODS = {"OPTIONS"}


def app_routes() -> set[tuple[str, str]]:
    """(method, path template) of every handler the app serves, straight from the app factory."""
    app = create_app(Settings(db_path=Path("/nonexistent/never-opened.db"), secret_key="x" * 40))
    return {
        (method, route.path)
        for route in app.routes
        for handler in route.route_handlers  # type: ignore[attr-defined]
        for method in handler.http_methods
        if method not in SKIPPED_METHODS
    }


def expect(ok: int, allowed: frozenset[str] | str, *, denied: int = 403, **others: int) -> dict[str, int]:
    """`ok` for the roles in `allowed`, `denied` for the other signed-in personas, 401 for anonymous;
    `others` overrides single personas (e.g. supervisor2=404 for a record of a foreign network)."""
    roles = {
        "admin": "admin",
        "director": "director",
        "deputy1": "deputy",
        "secretary1": "secretary",
        "supervisor1": "supervisor",
        "supervisor2": "supervisor",
        "team1": "team_member",
    }
    table = {"anonymous": ok if allowed == PUBLIC else 401}
    for persona, role in roles.items():
        table[persona] = ok if allowed == PUBLIC or role in allowed else denied
    return table | others


OBSERVERS = frozenset({"admin", "secretary", "supervisor", "team_member"})
PLANNERS = frozenset({"admin", "secretary", "supervisor", "team_member"})
IMPORTERS = frozenset({"admin", "secretary"})
ADMINS = frozenset({"admin"})
AREA = {"admin", "director"}
REPORTERS = frozenset({"admin", "director", "deputy", "area_director", "secretary", "supervisor"})
NETWORK_READERS = REPORTERS | {"team_member"}
SUBMITTERS = frozenset({"secretary", "supervisor"})
OWN_REPORTERS = frozenset({"secretary", "supervisor", "team_member"})


@dataclass
class Fixtures:
    """Things made once by supervisor1 in network N01, which the matrix asks about."""

    record_id: str
    visit_id: str
    photo: bytes
    photo_sha: str
    team1_id: int
    submission_id: int = 0


@dataclass
class Entry:
    method: str
    path: str
    url: Callable[[Fixtures], str]
    expected: dict[str, int]
    send: Callable[[str, Fixtures], dict[str, Any]] = lambda persona, fx: {}
    #: A further check on the answer: (persona, response).
    check: Callable[[str, httpx.Response], None] | None = None
    #: Log in afresh for this call (it ends the session).
    fresh: bool = False
    extra: list[Any] = field(default_factory=list)


def push_body(persona: str, fx: Fixtures) -> dict[str, Any]:
    return {"json": batch(record())}


def push_receipt(persona: str, r: httpx.Response) -> None:
    if r.status_code == 200:
        receipt = r.json()["receipts"][0]
        wanted = "rejected" if persona == "supervisor2" else "stored"
        assert receipt["status"] == wanted, (persona, receipt)
        if wanted == "rejected":
            assert receipt["code"] == "school_out_of_scope"


def plan_body(persona: str, fx: Fixtures) -> dict[str, Any]:
    # Each persona plans a different day, so no plan is refused as double-booked.
    day = 10 + PERSONAS.index(persona)
    return {
        "json": {
            "date": f"2031-08-{day:02d}",
            "session": "morning",
            "school_code": SCHOOL_N01,
            "team": [fx.team1_id],
        }
    }


def is_problem(code: str) -> Callable[[str, httpx.Response], None]:
    def check(persona: str, r: httpx.Response) -> None:
        if r.status_code >= 400 and r.status_code != 422:
            assert r.headers["content-type"].startswith("application/problem+json"), (persona, r.text[:200])

    return check
