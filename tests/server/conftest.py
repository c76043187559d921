"""HTTP tests share one live server per module (tests/conftest.py) and log personas in."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.conftest import LiveServer


@pytest.fixture
def login(shared_server: LiveServer) -> Iterator[Callable[[str], httpx.Client]]:
    """`login("secretary1")` → a client with a session and the CSRF header set for POSTs."""
    clients: list[httpx.Client] = []

    def _login(username: str) -> httpx.Client:
        client = shared_server.client(username)
        clients.append(client)
        return client

    yield _login
    for client in clients:
        client.close()
