"""PDF from the same HTML as the print view, with WeasyPrint (Pango shapes Thai; Sarabun from the app's
own woff2 files, so Thai never falls back to boxes). Local files only: nothing is fetched from a network."""

from __future__ import annotations

from functools import cache
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
