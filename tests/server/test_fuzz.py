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
from schemathesis.checks import not_a_server_error
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


@pytest.fixture(scope="module")
def fuzz_session(shared_server: LiveServer) -> Iterator[requests.Session]:
    session = requests.Session()
    session.get(f"{shared_server.url}/login")
    token = session.cookies["csrftoken"]
    r = session.post(
        f"{shared_server.url}/login",
        data={"username": "supervisor1", "password": PASSWORD, "_csrf_token": token},
        allow_redirects=False,
    )
    assert r.status_code == 303
    session.headers["x-csrftoken"] = session.cookies["csrftoken"]  # the session's own token
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
        if (operation.method.upper(), operation.path) in SKIP:
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
