"""A live server for HTTP tests: the real app under uvicorn in a subprocess, on a demo database."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("live")
    port = free_port()
    env = {
        **os.environ,
        "NITHET_DB": str(folder / "nithet.db"),
        "NITHET_SECRET": "test-secret-" + "x" * 32,
        "PYTHONPATH": str(ROOT),
    }
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "server.log").read_text())
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def login(live_server) -> Iterator[Callable[[str], httpx.Client]]:
    """`login("secretary1")` → a client with a session and the CSRF header set for POSTs."""
    clients: list[httpx.Client] = []

    def _login(username: str) -> httpx.Client:
        client = httpx.Client(base_url=live_server, timeout=10)
        clients.append(client)
        client.get("/login")
        token = client.cookies["csrftoken"]
        answer = client.post(
            "/login", data={"username": username, "password": "nithet2568", "_csrf_token": token, "next": "/"}
        )
        assert answer.status_code == 303, answer.text
        client.headers["x-csrftoken"] = token
        return client

    yield _login
    for client in clients:
        client.close()


def csrf_in(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
