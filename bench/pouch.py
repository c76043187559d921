"""The CouchDB-protocol peer: pouchdb-server from the npm registry, on 127.0.0.1, LevelDB on disk."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.nithet import WORK, free_port

PACKAGES = WORK / "npm"


def npm_install(package: str) -> Path:
    """`npm install <package>` into bench/work/npm/<package>/ (a no-op when it is already there)."""
    folder = PACKAGES / package
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "package.json").exists():
        (folder / "package.json").write_text('{"private": true}\n')
    if not (folder / "node_modules" / package / "package.json").exists():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", package],
            cwd=folder,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder


def installed_version(folder: Path, package: str) -> str:
    return str(json.loads((folder / "node_modules" / package / "package.json").read_text())["version"])


@contextmanager
def pouchdb_server(name: str) -> Iterator[str]:
    """A pouchdb-server with its default LevelDB backend in a fresh folder; yields the base URL."""
    folder = npm_install("pouchdb-server")
    data = WORK / "pouch" / name
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    port = free_port()
    log = (data / "server.log").open("w")
    proc = subprocess.Popen(
        [
            str(folder / "node_modules" / ".bin" / "pouchdb-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(data),
        ],
        cwd=data,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"pouchdb-server did not start; see {data / 'server.log'}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
