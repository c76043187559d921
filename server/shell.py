"""The installable app shell: what the service worker precaches, and the build version naming its cache."""

from __future__ import annotations

import hashlib
import os
from functools import cache
from typing import Any

from forms.model import FormDef
from server import js_catalog
from server.config import PWA

STATIC = PWA / "static"
SERVICE_WORKER = STATIC / "js" / "sw.js"
#: Pages every tablet needs offline, besides one page per published form version.
SHELL_PAGES = ("/",)
#: What the reflection table needs offline (the notebook entry, printing, the QR hand-over), cached by the
#: service worker right after it installs, not in the first load (the app shell's weight budget).
LATER_PAGES = ("/notebook", "/handover")
LATER_STATIC = (
    "css/print.css",
    "css/fonts-print.css",
    "fonts/print/",
    "js/notebook.js",
    "js/handover.js",
    "js/handover-codes.js",
    "vendor/jsQR-1.4.0.js",
    "vendor/qrcode-generator-2.0.4.js",
)


def form_url(form_id: str, version: int) -> str:
    return f"/forms/{form_id}/{version}"


#: Static files only the online pages use (plans, imports, reports, print): the tablet never needs them
#: offline, so they stay out of the precache (they are cached by the browser as usual when online).
ONLINE_ONLY = (
    "vendor/",
    "css/reports.css",
    "js/share.js",
    # The manifest's icons: the browser fetches them when the app is installed, online.
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "icons/apple-touch-icon.png",
)


@cache
def static_urls() -> tuple[str, ...]:
    """The static files the tablet needs offline: everything but the service worker itself, licences and
    what only the online pages use."""
    files = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())
    keep = [
        f
        for f in files
        if not f.endswith(".txt") and f != "js/sw.js" and not f.startswith((*ONLINE_ONLY, *LATER_STATIC))
    ]
    return tuple("/static/" + f for f in keep)


def newest(forms: list[FormDef]) -> list[FormDef]:
    """The newest version of each form: what a new record is made with."""
    by_id = {f.id: f for f in sorted(forms, key=lambda f: (f.id, f.version))}
    return list(by_id.values())


def precache(forms: list[FormDef]) -> list[str]:
    """The first install: home, the newest version of each form, the message catalogues, static files."""
    return [
        *SHELL_PAGES,
        *(form_url(f.id, f.version) for f in newest(forms)),
        *js_catalog.urls(),
        *static_urls(),
    ]


def later_urls(forms: list[FormDef]) -> list[str]:
    """Cached right after the install: the older versions of the forms (a record made or pulled on one
    still opens offline) and the reflection table's pages and files (LATER_PAGES, LATER_STATIC)."""
    current = {(f.id, f.version) for f in newest(forms)}
    older = sorted((f.id, f.version) for f in forms if (f.id, f.version) not in current)
    files = sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())
    return [
        *(form_url(*key) for key in older),
        *LATER_PAGES,
        *("/static/" + f for f in files if f.startswith(LATER_STATIC)),
    ]


def build_version(forms: list[FormDef]) -> str:
    """A content hash of everything the tablet caches: any change makes a new cache and an update offer."""
    digest = hashlib.sha256()
    for path in sorted([*STATIC.rglob("*"), *(PWA / "templates").rglob("*")]):
        if path.is_file():
            digest.update(path.relative_to(PWA).as_posix().encode())
            digest.update(path.read_bytes())
    for form in sorted(forms, key=lambda f: (f.id, f.version)):
        digest.update(f"{form.id}:{form.version}".encode())
    digest.update(" ".join(js_catalog.urls()).encode())  # named by their content hash
    # NITHET_BUILD_SALT forces a new build without changing a file (tests of the update offer; an operator
    # forcing every tablet to re-download the shell).
    digest.update(os.environ.get("NITHET_BUILD_SALT", "").encode())
    return digest.hexdigest()[:12]


def refresh_forms(state: Any) -> None:
    """Load every published form version and the forms' lifecycle states into the app state, with the
    precache list and the build version built from them: called at start-up and after an admin publishes a
    version or changes a form's state. The newest version of each form past its draft is precached, the older
    ones are cached right after (`later`), so a record started on an older version (or before the form was
    closing) stays fillable offline."""
    from server.lifecycle import load_states, state_of
    from server.reference import load_forms

    forms = load_forms(state.db.reader())
    state.forms = forms
    state.form_states = load_states(state.db.reader())
    shown = [f for f in forms.values() if state_of(state.form_states, f.id).state != "draft"]
    state.build = build_version(shown)
    state.precache = precache(shown)
    state.later = later_urls(shown)
