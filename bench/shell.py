"""The tablet's first load: compressed bytes of the precached app shell, and Lighthouse (mobile), signed in."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from bench.nithet import PASSWORD, WORK, client, free_port, fresh_db, server
from bench.pouch import installed_version, npm_install

BUILD = re.compile(rb"self\.BUILD\s*=\s*(\{.*?\});", re.DOTALL)
CHROME_FLAGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
)  # fmt: skip
#: Today and the observation form (its current version), audited signed in.
PAGES = ("/", "/forms/observation/2")
CATEGORIES = ("performance", "accessibility", "best-practices")
BROTLI_JS = """
const fs = require('fs'), zlib = require('zlib');
const q = {params: {[zlib.constants.BROTLI_PARAM_QUALITY]: 11}};
const size = f => zlib.brotliCompressSync(fs.readFileSync(f), q).length;
console.log(JSON.stringify(process.argv.slice(1).map(size)));
"""


def precache_list(http: httpx.Client) -> tuple[list[str], str | None, str]:
    """The URLs of `self.BUILD` in /sw.js; when that fails, the server's own list, and why."""
    r = http.get("/sw.js")
    match = BUILD.search(r.content) if r.status_code == 200 else None
    if match:
        build = json.loads(match.group(1))
        return list(build["precache"]), build.get("version"), "/sw.js"
    from forms.loader import builtin_forms
    from server.shell import precache

    why = f"GET /sw.js answered {r.status_code}" + ("" if r.status_code != 200 else " without self.BUILD")
    return precache(builtin_forms()), None, f"server.shell.precache() (fallback: {why})"


def _brotli(paths: list[Path]) -> list[int] | None:
    try:
        out = subprocess.run(
            ["node", "-e", BROTLI_JS, *map(str, paths)], check=True, capture_output=True, text=True
        ).stdout
        return list(json.loads(out))
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None


def shell_bytes(http: httpx.Client) -> dict[str, Any]:
    urls, version, source = precache_list(http)
    folder = Path(tempfile.mkdtemp(dir=WORK))
    files, rows, problems = [], [], []
    for i, url in enumerate(urls):
        r = http.get(url)
        if r.status_code != 200:
            problems.append(f"{url}: {r.status_code}")
            continue
        path = folder / f"{i:03d}"
        path.write_bytes(r.content)
        files.append(path)
        rows.append(
            {
                "url": url,
                "raw": len(r.content),
                "gzip": len(gzip.compress(r.content, 9, mtime=0)),
                # What the server sends: to Chromium over plain HTTP (gzip), and over HTTPS (brotli).
                "served_gzip": served(http, url, "gzip, deflate"),
                "served_br": served(http, url, "gzip, deflate, br"),
            }
        )
    brotli = _brotli(files)
    for row, size in zip(rows, brotli or [None] * len(rows), strict=True):
        row["brotli"] = size
    return {
        "source": source,
        "version": version,
        "urls": len(urls),
        "rows": rows,
        "failed": problems,
        "raw": sum(r["raw"] for r in rows),
        "gzip": sum(r["gzip"] for r in rows),
        "brotli": sum(r["brotli"] for r in rows) if brotli else None,
        "served_gzip": sum(r["served_gzip"] for r in rows),
        "served_br": sum(r["served_br"] for r in rows),
    }


def served(http: httpx.Client, url: str, accept: str) -> int:
    """Bytes on the wire for `url` (the body as sent, before decompression)."""
    r = http.get(url, headers={"accept-encoding": accept})
    return r.num_bytes_downloaded


@contextmanager
def signed_in_chromium(base: str, username: str) -> Iterator[tuple[int, Any]]:
    """Chromium with a remote-debugging port, signed in through the real /login form (the session cookie
    and `nithet_user`, which the tablet's JS reads from document.cookie). Yields the port for Lighthouse
    and a function that clears the service worker, its caches and the HTTP cache (the cookies stay), so
    each audit loads the page cold."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    profile = Path(tempfile.mkdtemp(dir=WORK))
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path="/usr/bin/chromium", headless=True,
            args=[f"--remote-debugging-port={port}", *CHROME_FLAGS],
        )  # fmt: skip
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")

        def cold() -> None:
            page.goto(f"{base}/healthz")  # a page that registers no service worker again
            page.evaluate(COLD_JS)
            context.new_cdp_session(page).send("Network.clearBrowserCache")

        try:
            yield port, cold
        finally:
            context.close()


COLD_JS = """async () => {
  for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister();
  for (const key of await caches.keys()) await caches.delete(key);
}"""


def lighthouse(base: str, runs: int) -> dict[str, Any]:
    folder = npm_install("lighthouse")
    binary = folder / "node_modules" / ".bin" / "lighthouse"
    out: dict[str, Any] = {"version": installed_version(folder, "lighthouse"), "pages": {}}
    with signed_in_chromium(base, "supervisor1") as (port, cold):
        for page in PAGES:
            scores: list[dict[str, float]] = []
            errors: list[str] = []
            finals: list[str] = []
            for n in range(runs):
                report = WORK / "lighthouse" / f"{page.strip('/').replace('/', '-') or 'home'}-{n}.json"
                report.parent.mkdir(parents=True, exist_ok=True)
                report.unlink(missing_ok=True)
                cold()
                cmd = [
                    str(binary),
                    base + page,
                    f"--port={port}",
                    "--disable-storage-reset",  # keeps the login; cold() cleared the rest
                    "--output=json",
                    f"--output-path={report}",
                    "--only-categories=" + ",".join(CATEGORIES),
                    "--quiet",
                ]
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
                if proc.returncode != 0 or not report.exists():
                    errors.append(f"exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-600:]}")
                    continue
                result = json.loads(report.read_text())
                final = result.get("finalDisplayedUrl") or result.get("finalUrl") or ""
                finals.append(final)
                if result.get("runtimeError"):
                    errors.append(str(result["runtimeError"]))
                if urlsplit(final).path != page:  # e.g. sent to /login: not the page that was asked for
                    errors.append(f"ended on {final}, not {page}")
                    continue
                scores.append({c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES})
            out["pages"][page] = {"runs": scores, "errors": errors, "final_urls": finals}
    return out


def run(lighthouse_runs: int, log: Any = print) -> dict[str, Any]:
    db = fresh_db("shell")
    out: dict[str, Any] = {}
    with server(db) as base, client(base, "supervisor1") as http:
        try:
            out["bytes"] = shell_bytes(http)
        except Exception as exc:
            out["bytes"] = {"error": f"{type(exc).__name__}: {exc}"}
        log(f"shell bytes: { {k: v for k, v in out['bytes'].items() if k != 'rows'} }")
        try:
            out["lighthouse"] = lighthouse(base, lighthouse_runs)
        except Exception as exc:
            out["lighthouse"] = {"error": f"{type(exc).__name__}: {exc}"}
        log(f"lighthouse: {out['lighthouse']}")
    return out
