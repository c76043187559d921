"""PDF from the same HTML as the print view, with WeasyPrint (Pango shapes Thai; Sarabun from the app's
own woff2 files, so Thai never falls back to boxes). Local files only: nothing is fetched from a network."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from server import office
from server.config import PWA

STATIC = PWA / "static"


@cache
def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        """Serves files under pwa/static from disk and data: URIs (the office's emblem); refuses every
        other URL (user text cannot fetch)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            path = Path(unquote(parsed.path)).resolve()
            if parsed.scheme != "file" or not path.is_relative_to(STATIC.resolve()):
                raise ValueError(f"not fetched: {url}")
            return super().fetch(url, headers)

    return LocalFetcher


@cache
def _fonts() -> Any:
    """One font configuration per process: WeasyPrint decodes each woff2 font once into it, not once per
    PDF (the report workers live long, server/workers.py)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render(html: str) -> bytes:
    """`html` links its stylesheets and images under /static/ (as the print view online does)."""
    from weasyprint import HTML

    html = (
        office.whole_words(html)
        .replace('href="/static/', f'href="file://{STATIC}/')
        .replace('src="/static/', f'src="file://{STATIC}/')
    )
    fetcher = _fetcher_class()(allowed_protocols=("file", "data"))
    pdf: bytes = HTML(string=html, base_url=f"file://{STATIC}/", url_fetcher=fetcher).write_pdf(
        font_config=_fonts()
    )
    return pdf


class Printed:
    """The PDFs last made, by the SHA-256 of their HTML, up to `max_bytes` (the least recently asked for
    go first). A PDF is a function of its HTML alone (the fonts and stylesheets are the server's own files,
    fixed for its life), and the HTML is made afresh from the data on every request: a report whose data
    has not changed is the same HTML, so its PDF is not laid out again (WeasyPrint takes seconds for a long
    report), and any change to the data, a signer or a trip day makes new HTML and so a new PDF. Used from
    the event loop only (the PDF handlers are async), so it needs no lock."""

    def __init__(self, max_bytes: int = 64 * 2**20):
        self.max_bytes = max_bytes
        self._pdfs: OrderedDict[bytes, bytes] = OrderedDict()
        self._bytes = 0
        #: The PDFs being laid out now, by the same key.
        self._making: dict[bytes, asyncio.Future[bytes]] = {}

    async def made(self, html: str, render: Callable[[str], Awaitable[bytes]]) -> bytes:
        """The PDF of `html`: from the store; or the one another request is laying out from the same HTML
        (a second tap on Share PDF while the first is made, two secretaries printing the same report),
        awaited; or laid out now by `render`. However many ask at once, it is laid out once, and a request
        that gives up (its client went away) does not stop it for the others or for the store."""
        key = self.key(html)
        pdf = self.get(key)
        if pdf is not None:
            return pdf
        making = self._making.get(key)
        if making is None:
            making = self._making[key] = asyncio.ensure_future(render(html))
            making.add_done_callback(partial(self._made, key))
        return await asyncio.shield(making)

    def _made(self, key: bytes, making: asyncio.Future[bytes]) -> None:
        del self._making[key]
        if not making.cancelled() and making.exception() is None:
            self.put(key, making.result())

    @staticmethod
    def key(html: str) -> bytes:
        return hashlib.sha256(html.encode()).digest()

    def get(self, key: bytes) -> bytes | None:
        pdf = self._pdfs.get(key)
        if pdf is not None:
            self._pdfs.move_to_end(key)
        return pdf

    def put(self, key: bytes, pdf: bytes) -> None:
        if len(pdf) > self.max_bytes:
            return
        old = self._pdfs.pop(key, None)
        self._bytes += len(pdf) - (len(old) if old is not None else 0)
        self._pdfs[key] = pdf
        while self._bytes > self.max_bytes:
            _, dropped = self._pdfs.popitem(last=False)
            self._bytes -= len(dropped)
