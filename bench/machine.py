"""What the benchmarks ran on."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from typing import Any

from bench.nithet import ROOT
from bench.pouch import PACKAGES, installed_version


def _cmd(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _proc(path: str, key: str) -> str:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return installed_version(PACKAGES / package, package)
    except (OSError, KeyError, ValueError):
        return "not installed"


def describe() -> dict[str, Any]:
    dirty = _cmd("git", "status", "--porcelain", "--untracked-files=no")
    return {
        "cores": os.cpu_count(),
        "memory": _proc("/proc/meminfo", "MemTotal"),
        "cpu": _proc("/proc/cpuinfo", "model name"),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "node": _cmd("node", "--version"),
        "chromium": _cmd("/usr/bin/chromium", "--version").splitlines()[-1:] or ["unknown"],
        "pouchdb-server": _version("pouchdb-server"),
        "lighthouse": _version("lighthouse"),
        "commit": _cmd("git", "rev-parse", "--short", "HEAD")
        + (" (with uncommitted changes)" if dirty else ""),
        "branch": _cmd("git", "rev-parse", "--abbrev-ref", "HEAD"),
    }
