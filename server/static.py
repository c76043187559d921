"""The static files (pwa/static), compressed once at their best (brotli quality 11, gzip level 9) instead of
on every request, and served in the encoding the client accepts, with `Vary: Accept-Encoding` and an ETag
per encoding (a cache must never hand one encoding to a client that asked for another).

The compressed copies are built when the server starts (or `make static`) into build/static/ (git-ignored),
named by the hash of their source: a changed file gets new copies, an unchanged one is never compressed
twice, and two servers starting together write the same bytes. Fonts and images are sent as they are.

HEAD answers the headers GET would (Content-Length of the copy that would be sent, its ETag, 304 on a
match) without the body, so a client can check a file without fetching it."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from pathlib import Path
from typing import Any

import brotli
from litestar import Request, Response, route
from litestar.exceptions import NotFoundException

from server.access import PUBLIC as ANYONE
from server.config import PWA, ROOT

STATIC = PWA / "static"
BUILD = ROOT / "build" / "static"
#: What compression shrinks: text. woff2 and PNG are compressed already.
TEXT = {".js", ".css", ".svg", ".json", ".txt", ".html", ".webmanifest"}
ENCODERS = {
    "br": (".br", lambda data: brotli.compress(data, quality=11)),
    "gzip": (".gz", lambda data: gzip.compress(data, 9, mtime=0)),
}


class StaticFile:
    def __init__(self, name: str, body: bytes, build: Path):
        self.body = body
        digest = hashlib.sha256(self.body).hexdigest()
        self.etag = digest[:32]
        media, _ = mimetypes.guess_type(name)
        media = media or "application/octet-stream"
        suffix = Path(name).suffix
        self.media_type = f"{media}; charset=utf-8" if suffix in TEXT else media
        #: encoding → compressed bytes, only where it is smaller.
        self.encoded: dict[str, bytes] = {}
        if suffix in TEXT:
            for encoding, (suffix, encode) in ENCODERS.items():
                data = _built(build / f"{digest}{suffix}", self.body, encode)
                if len(data) < len(self.body):
                    self.encoded[encoding] = data


def _built(target: Path, body: bytes, encode: Any) -> bytes:
    if target.exists():
        return target.read_bytes()
    data: bytes = encode(body)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(target)  # atomic: another server starting at the same time writes the same bytes
    return data


def load(source: Path = STATIC, build: Path = BUILD) -> dict[str, StaticFile]:
    """Every static file by its path under /static/, the compressed copies built where missing."""
    return {
        p.relative_to(source).as_posix(): StaticFile(p.name, p.read_bytes(), build)
        for p in sorted(source.rglob("*"))
        if p.is_file()
    }


def _accepted(header: str) -> set[str]:
    """The encodings an Accept-Encoding header accepts (`q=0` refuses one)."""
    out = set()
    for part in header.split(","):
        name, *params = (p.strip() for p in part.split(";"))
        q = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            if float(q) > 0:
                out.add(name.lower())
        except ValueError:
            continue
    return out


@route(
    "/static/{file_path:path}",
    http_method=["GET", "HEAD"],
    opt={"roles": ANYONE},
    include_in_schema=False,
    sync_to_thread=False,
)
def static_file(request: Request[Any, Any, Any], file_path: str) -> Response[bytes]:
    found: StaticFile | None = request.app.state.static.get(file_path.lstrip("/"))
    if found is None:
        raise NotFoundException()
    accepted = _accepted(request.headers.get("accept-encoding", ""))
    encoding = next((e for e in ENCODERS if e in accepted and e in found.encoded), None)
    etag = f'"{found.etag}-{encoding}"' if encoding else f'"{found.etag}"'
    headers = {"etag": etag, "vary": "Accept-Encoding", "cache-control": "no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(b"", status_code=304, headers=headers)
    if encoding:
        headers["content-encoding"] = encoding
    body = found.encoded[encoding] if encoding else found.body
    if request.method == "HEAD":
        headers["content-length"] = str(len(body))
        body = b""
    return Response(body, media_type=found.media_type, headers=headers)


if __name__ == "__main__":  # `make static`: build the compressed copies ahead of the first start
    files = load()
    print(
        f"{len(files)} static files, {sum(len(f.encoded) for f in files.values())} compressed copies in {BUILD}"
    )
