"""Schemathesis against the app's own OpenAPI schema, signed in as supervisor1 with the CSRF header:
no answer is a 5xx, and every answer matches the schema (problem JSON included). Bounded: a few
examples per operation, derandomized, so it runs in well under a minute."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import Bundle, initialize
from schemathesis.checks import not_a_server_error
from schemathesis.generation.stateful.state_machine import StepInput
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import PASSWORD, LiveServer

#: No 5xx; the status, the media type and the body are the documented ones. (Not "positive data
#: acceptance": a schema-valid plan or record can still break a rule and be refused with 422.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Logging out would end the fuzzer's own session.
SKIP = {("POST", "/logout")}
EXAMPLES = 40


def signed_in(server: LiveServer, username: str) -> requests.Session:
    """A requests session (what schemathesis calls with) signed in, with the CSRF header."""
    session = requests.Session()
    session.get(f"{server.url}/login")
    token = session.cookies["csrftoken"]
    r = session.post(
        f"{server.url}/login",
        data={"username": username, "password": PASSWORD, "_csrf_token": token},
        allow_redirects=False,
    )
    assert r.status_code == 303
    session.headers["x-csrftoken"] = session.cookies["csrftoken"]  # the session's own token
    return session


@pytest.fixture(scope="module")
def fuzz_session(shared_server: LiveServer) -> Iterator[requests.Session]:
    session = signed_in(shared_server, "supervisor1")
    yield session
    session.close()


def test_the_api_answers_what_its_schema_says(
    shared_server: LiveServer, fuzz_session: requests.Session
) -> None:
    # The schema's own pytest loader (from_fixture) does not run under this pytest; hypothesis is driven here.
    schema = schemathesis.openapi.from_url(f"{shared_server.url}/schema/openapi.json")
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    for operation in operations:
        form_post = "forms" in operation.definition.raw.get("tags", [])  # tests/server/test_form_bodies.py
        if (operation.method.upper(), operation.path) in SKIP or form_post:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            case.call_and_validate(session=fuzz_session, checks=CHECKS)

        try:
            run()
        except BaseException as exc:  # every operation's failure is collected, then reported at once
            failures[f"{operation.method.upper()} {operation.path}"] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in failures.items())


def test_stateful_chains_of_push_and_pull_answer_what_the_schema_says(
    shared_server: LiveServer, fuzz_session: requests.Session
) -> None:
    """Schemathesis's stateful phase over the schema's links (server/openapi.py): a push replayed as it
    was sent, a pull after a push, the next pull page from the last cursor. Bounded and derandomized.
    The HTML form posts answer pages (tests/server/test_form_bodies.py fuzzes them on their own)."""
    schema = schemathesis.openapi.from_url(f"{shared_server.url}/schema/openapi.json").exclude(tag="forms")
    base = schema.as_state_machine()
    seen: list[tuple[str, str, int]] = []
    push = schema.find_operation_by_label("POST /api/sync/push")
    assert push is not None

    class Chains(base):  # type: ignore[valid-type,misc]
        # Schemathesis starts chains only from operations it trusts to succeed with random data, and it
        # takes `device_id` for a key of a "Device" no operation creates; every chain here starts with a
        # push (then: replayed, or followed by a pull, as the links say).
        @initialize(target=Bundle("catch_all"), step=push.as_strategy().map(StepInput.initial))
        def first_push(self, step: StepInput) -> Any:
            self.recorder.record_case(case=step.case)  # as schemathesis records a root of its own
            self.control.record_step(step, self.recorder)
            return self.step(step)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"session": fuzz_session}

        def after_call(self, response: Any, case: Any) -> None:
            seen.append((case.method.upper(), case.path, response.status_code))

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs.get("kwargs"))

    Chains.run(
        settings=settings(
            max_examples=10,
            stateful_step_count=5,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert not [s for s in seen if s[2] >= 500]
    pushes = [s for s in seen if s[:2] == ("POST", "/api/sync/push")]
    pulls = [s for s in seen if s[:2] == ("GET", "/api/sync/pull") and s[2] == 200]
    replays = [s for s in pushes if s[2] == 200]
    assert len(replays) > 10 and pulls, seen
