"""PDF from the same HTML as the print view, with WeasyPrint (Pango shapes Thai; Sarabun from the app's
own woff2 files, so Thai never falls back to boxes). Local files only: nothing is fetched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server.config import PWA

STATIC = PWA / "static"


def _local_only(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    """Serve `/static/...` and file URLs under pwa/static from disk; refuse everything else."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("file://"):
        path = Path(url[len("file://") :]).resolve()
        if path.is_relative_to(STATIC.resolve()):
            return default_url_fetcher(url, timeout, ssl_context)  # type: ignore[no-any-return]
    raise ValueError(f"not fetched: {url}")


def render(html: str) -> bytes:
    """`html` links its stylesheet and fonts under /static/ (as the print view online does)."""
    from weasyprint import HTML

    html = html.replace('href="/static/', f'href="file://{STATIC}/')
    return HTML(string=html, base_url=f"file://{STATIC}/", url_fetcher=_local_only).write_pdf()  # type: ignore[no-any-return]
