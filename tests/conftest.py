"""Shared fixtures: real servers on 127.0.0.1 over real SQLite files, real Chromium, named personas.

Personas (demo data, password nithet2568), in decreasing rights:
admin (all networks) · secretary1 (N01) · supervisor1 (N01, N02) · team1 (N01) · supervisor2 (N03, N04: another network).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlite_utils

from core.actor import Actor
from forms.loader import builtin_forms
from server import demo
from server.auth import actor_for_user
from server.db import connect
from server.migrations import apply as migrate
from server.pages import limits
from server.reference import publish_form

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "nithet2568"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


#: A Monday in semester 1 of academic year 2568; the demo plans its week of visits from it.
DEMO_TODAY = dt.date(2025, 6, 2)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, built once per test session and copied for each test that needs it."""
    path = tmp_path_factory.mktemp("template") / "demo.db"
    db = connect(path)
    with db.atomic():
        migrate(db)
        for form in builtin_forms():
            publish_form(db, form)
        demo.seed(db, DEMO_TODAY)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """A real, migrated, empty SQLite file."""
    db = connect(tmp_path / "nithet.db")
    migrate(db)
    yield db
    db.close()


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    """The demo area office: 19 networks, 243 schools, the personas below, the published forms."""
    path = tmp_path / "demo.db"
    path.write_bytes(demo_template.read_bytes())
    db = connect(path)
    yield db
    db.close()


def persona(db: sqlite_utils.Database, username: str) -> Actor:
    row = db.execute(
        "SELECT id, username, display_name, role FROM users WHERE username = ?", [username]
    ).fetchone()
    return actor_for_user(db, row)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """`python -m server serve` as a child process: start, kill -9, start again on the same database."""

    def __init__(self, db_path: Path, env: dict[str, str] | None = None):
        self.db_path = db_path
        #: Extra environment for the server process (change it between kill() and start()).
        self.env = dict(env or {})
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = db_path.parent / "server.log"

    def start(self) -> LiveServer:
        env = {**os.environ, "NITHET_DB": str(self.db_path), "PYTHONPATH": str(ROOT), **self.env}
        env.setdefault("NITHET_DEMO_PASSWORD", PASSWORD)  # the demo's own passwords are generated
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "server", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90  # a fresh demo database on a machine busy with other work
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.kill()  # not left running behind the failed test
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush — what a power cut or OOM kill does to the process."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self, username: str, password: str = PASSWORD) -> Session:
        return login(self.url, username, password)


class Session(httpx.Client):
    """An httpx client already used to log in; `with` only closes it at the end."""

    def __enter__(self) -> Session:
        return self


def login(url: str, username: str, password: str = PASSWORD) -> Session:
    """A logged-in HTTP client that sends the CSRF header on every request, as the tablet does."""
    client = Session(base_url=url, timeout=30)
    client.get("/login")
    token = client.cookies["csrftoken"]
    r = client.post("/login", data={"username": username, "password": password, "_csrf_token": token})
    assert r.status_code == 303, r.text
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # the session's own token (server/auth.py)
    return client


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "nithet.db").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server for a whole test module, for tests that only add their own records."""
    server = LiveServer(tmp_path_factory.mktemp("server") / "nithet.db").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    """A fresh tablet: portrait 10-inch viewport, Thai locale, Bangkok time, touch."""
    context = browser.new_context(
        viewport={"width": 800, "height": 1280},
        locale="th-TH",
        timezone_id="Asia/Bangkok",
        has_touch=True,
        is_mobile=False,
        service_workers="allow",
        bypass_csp=True,  # lets the test harness evaluate its own checks; the app itself runs under CSP
    )
    try:
        yield context
    finally:
        context.close()


# A static origin serving the repository, to run the tablet's JS modules in Chromium without the app.
class _Handler(SimpleHTTPRequestHandler):
    """Serves the repository root, plus an empty page at /blank.html to run scripts on this origin (with the
    limits island every page of the app has, server/pages.py limits)."""

    def do_GET(self) -> None:
        if self.path == "/blank.html":
            island = f'<script type="application/json" id="limits">{limits()}</script>'
            body = f"<!doctype html><meta charset=utf-8><title>rules</title>{island}".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def static_origin() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(ROOT)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def static_page(browser: Any, static_origin: str) -> Iterator[Any]:
    """A page on the static origin, in the session's Chromium (conftest `browser`)."""
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto(f"{static_origin}/blank.html")
        yield pg
    finally:
        context.close()
