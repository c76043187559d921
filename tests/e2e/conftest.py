"""Fixtures of the end-to-end tests: a signed-in tablet page with the app installed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import LiveServer
from tests.e2e.tablet import log_in_and_install


@pytest.fixture
def page(tablet: Any, live_server: LiveServer) -> Iterator[Any]:
    """Signed in, the service worker installed, the clock under the test's control; no page error allowed."""
    tablet.clock.install()
    pg = tablet.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    log_in_and_install(pg, live_server.url)
    yield pg
    assert errors == []
