"""The installable app: manifest, the service worker's build, and what it precaches."""

from __future__ import annotations

import json
import struct

import httpx

from forms.loader import builtin_forms
from server.shell import STATIC, build_version, precache


def test_the_manifest_makes_an_installable_thai_app(shared_server):
    manifest = httpx.get(f"{shared_server.url}/manifest.webmanifest").json()
    assert manifest["short_name"] == "นิเทศ" and manifest["lang"] == "th"
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        png = httpx.get(f"{shared_server.url}{icon['src']}").content
        width, height = struct.unpack(">II", png[16:24])
        assert f"{width}x{height}" == icon["sizes"]


def test_the_service_worker_precaches_every_form_version_and_the_shell(shared_server):
    response = httpx.get(f"{shared_server.url}/sw.js")
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["cache-control"] == "no-cache"
    first_line = response.text.split("\n", 1)[0]
    build = json.loads(first_line.removeprefix("self.BUILD = ").removesuffix(";"))
    urls = set(build["precache"])
    assert "/" in urls and "/static/js/sw.js" not in urls
    assert {f"/forms/{f.id}/{f.version}" for f in builtin_forms()} <= urls
    assert {"/static/css/app.css", "/static/js/form.js", "/static/js/store.js"} <= urls
    assert any(u.startswith("/static/fonts/sarabun-thai") for u in urls)
    client = shared_server.client("supervisor1")
    for url in urls:  # every precached URL answers, without a redirect (the SW refuses to cache one)
        assert client.get(url, follow_redirects=False).status_code == 200, url


def test_the_cache_name_changes_with_what_the_tablet_caches(tmp_path, monkeypatch):
    forms = builtin_forms()
    before = build_version(forms)
    assert build_version(forms) == before
    assert build_version(forms[:-1]) != before  # a form version more or less
    assert len(precache(forms)) == len(precache(forms[:-1])) + 1
    probe = STATIC / "css" / "zz-probe.css"
    try:
        probe.write_text("/* a changed static file */")
        assert build_version(forms) != before
    finally:
        probe.unlink()
