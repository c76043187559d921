"""The CouchDB-protocol peer: pouchdb-server from the npm registry, on 127.0.0.1, LevelDB on disk."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.nithet import WORK, free_port, serving

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
    base = f"http://127.0.0.1:{free_port()}"
    command = [str(folder / "node_modules" / ".bin" / "pouchdb-server"), "--host", "127.0.0.1"]
    command += ["--port", base.rsplit(":", 1)[1], "--dir", str(data)]
    with serving(command, ready_url=f"{base}/", cwd=data, log_path=data / "server.log"):
        yield base
