"""A Nithet server as a subprocess on 127.0.0.1 with a fresh demo database, and logged-in HTTP clients."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
PASSWORD = "nithet2568"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def env(db: Path) -> dict[str, str]:
    return {
        **os.environ, "NITHET_DB": str(db), "NITHET_SECRET": "bench-secret", "PYTHONPATH": str(ROOT),
        "NITHET_DEMO_PASSWORD": PASSWORD,
    }  # fmt: skip


def remove_db(path: Path) -> None:
    """Delete a SQLite file with its WAL and shared-memory files, if there."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@functools.cache
def demo_template() -> Path:
    """One demo-seeded database (`python -m server demo`), copied for every fresh run; made anew by each
    bench run (half a second), so it always has the current schema and page size."""
    path = WORK / "template" / "demo.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_db(path)
    subprocess.run(
        [sys.executable, "-m", "server", "demo"],
        env=env(path),
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    return path


def fresh_db(name: str) -> Path:
    folder = WORK / "db" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(demo_template(), folder / "nithet.db")
    return folder / "nithet.db"


@contextmanager
def serving(command: list[str], *, ready_url: str, cwd: Path, log_path: Path, env: dict[str, str] | None = None,
            timeout: float = 60) -> Iterator[None]:  # fmt: skip
    """Run a server process until the block ends; first wait until `ready_url` answers 200."""
    with log_path.open("w") as log:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    if httpx.get(ready_url, timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start; see {log_path}")
                time.sleep(0.1)
            yield
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextmanager
def server(db: Path) -> Iterator[str]:
    """Serve `db`; yields the base URL; stops the server afterwards."""
    base = f"http://127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "server", "serve", "--port", base.rsplit(":", 1)[1], "--no-demo"]
    with serving(
        command, ready_url=f"{base}/healthz", cwd=ROOT, log_path=db.parent / "server.log", env=env(db)
    ):
        yield base


def login_cookies(client: httpx.Client, username: str) -> None:
    """Log `client` in: GET /login for the CSRF cookie, POST the form; then send the token on API posts."""
    client.get("/login")
    token = client.cookies["csrftoken"]
    r = client.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": token})
    if r.status_code not in (200, 303) or "nithet_session" not in client.cookies:
        raise RuntimeError(f"login as {username} failed: {r.status_code}")
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # the session's own token
    client.headers["content-type"] = "application/json"


@contextmanager
def client(base: str, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=120) as c:
        login_cookies(c, username)
        yield c


async def async_login(client: httpx.AsyncClient, username: str) -> None:
    await client.get("/login")
    token = client.cookies["csrftoken"]
    r = await client.post("/login", data={"username": username, "password": PASSWORD, "_csrf_token": token})
    if r.status_code not in (200, 303) or "nithet_session" not in client.cookies:
        raise RuntimeError(f"login as {username} failed: {r.status_code}")
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # the session's own token
    client.headers["content-type"] = "application/json"
