"""The installable app: manifest, the service worker's build, and what it precaches."""

from __future__ import annotations

import json
import re
import struct

import httpx

from forms.loader import builtin_forms
from server.shell import STATIC, build_version, later_urls, precache


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


def service_worker_build(url: str) -> dict:
    response = httpx.get(f"{url}/sw.js")
    assert response.headers["content-type"].startswith("application/javascript")
    assert response.headers["cache-control"] == "no-cache"
    first_line = response.text.split("\n", 1)[0]
    return json.loads(first_line.removeprefix("self.BUILD = ").removesuffix(";"))


def test_the_first_install_holds_the_newest_version_of_each_form_and_the_catalogues(shared_server):
    build = service_worker_build(shared_server.url)
    urls = set(build["precache"])
    assert "/" in urls and "/static/js/sw.js" not in urls
    forms = [u.removeprefix("/forms/").split("/") for u in urls if u.startswith("/forms/")]
    newest = {f.id: max(g.version for g in builtin_forms() if g.id == f.id) for f in builtin_forms()}
    assert sorted((form_id, int(version)) for form_id, version in forms) == sorted(newest.items())
    # One message catalogue per language, named by its content, and no page inlines it any more.
    catalogues = sorted(u for u in urls if u.startswith("/static/i18n/"))
    assert [re.fullmatch(r"/static/i18n/(th|en)\.[0-9a-f]{12}\.js", u) is not None for u in catalogues] == [
        True
    ] * 2
    assert {"/static/css/app.css", "/static/js/form.js", "/static/js/store.js"} <= urls
    assert any(u.startswith("/static/fonts/sarabun-thai") for u in urls)
    # The older versions come right after the install, with the reflection table's files.
    older = {f"/forms/{f.id}/{f.version}" for f in builtin_forms() if f.version < newest[f.id]}
    assert older and older <= set(build["later"]) and not older & urls
    client = shared_server.client("supervisor1")
    for url in [*urls, *build["later"]]:  # each answers, without a redirect (the SW refuses to cache one)
        assert client.get(url, follow_redirects=False).status_code == 200, url
    page = client.get("/forms/observation/2").text
    assert 'id="i18n"' not in page and f'<script defer src="{catalogues[1]}"></script>' in page


def test_the_catalogue_a_page_loads_follows_its_language(shared_server):
    client = shared_server.client("supervisor1")
    thai = client.get("/").text
    client.get("/lang/en", follow_redirects=False)
    english = client.get("/").text
    client.get("/lang/th", follow_redirects=False)
    th_url = re.search(r'<script defer src="(/static/i18n/th\.\w+\.js)">', thai)
    en_url = re.search(r'<script defer src="(/static/i18n/en\.\w+\.js)">', english)
    assert th_url and en_url
    th = client.get(th_url.group(1))
    assert "javascript" in th.headers["content-type"]
    assert (
        th.headers.get("content-encoding") in ("br", "gzip")
        and "accept-encoding" in th.headers["vary"].lower()
    )
    assert "รอซิงก์" in th.text
    en = client.get(en_url.group(1)).text  # English: only what differs from the id (the problems' titles)
    assert "รอซิงก์" not in en and '"problem.' in en


def test_the_cache_name_changes_with_what_the_tablet_caches(tmp_path, monkeypatch):
    forms = builtin_forms()
    before = build_version(forms)
    assert build_version(forms) == before
    assert build_version(forms[:-1]) != before  # a form version more or less
    newest = max(forms, key=lambda f: (f.id == "observation", f.version))  # observation's newest version
    without = [f for f in forms if f is not newest]
    assert f"/forms/observation/{newest.version}" in precache(forms)
    assert f"/forms/observation/{newest.version - 1}" in precache(without)
    assert f"/forms/observation/{newest.version - 1}" in later_urls(forms)
    probe = STATIC / "css" / "zz-probe.css"
    try:
        probe.write_text("/* a changed static file */")
        assert build_version(forms) != before
    finally:
        probe.unlink()
