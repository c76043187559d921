"""Static files are compressed once, ahead (server/static.py): the bytes sent are the copies in build/static/,
in the encoding the client accepts, with `Vary: Accept-Encoding` and an ETag per encoding."""

from __future__ import annotations

import hashlib

import brotli

from server.static import BUILD, STATIC
from tests.conftest import LiveServer

URL = "/static/js/sync.js"


def raw(client, url: str, accept: str, **headers: str):
    with client.stream("GET", url, headers={"accept-encoding": accept, **headers}) as r:
        return r, b"".join(r.iter_raw())


def test_the_precompressed_copy_is_sent_as_the_client_accepts(shared_server: LiveServer):
    source = (STATIC / "js" / "sync.js").read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    with shared_server.client("supervisor1") as client:
        plain, body = raw(client, URL, "identity")
        assert body == source and "content-encoding" not in plain.headers
        br, body = raw(client, URL, "gzip, deflate, br")
        assert br.headers["content-encoding"] == "br"
        assert body == (BUILD / f"{digest}.br").read_bytes() and brotli.decompress(body) == source
        gz, body = raw(client, URL, "gzip, br;q=0")  # brotli refused
        assert gz.headers["content-encoding"] == "gzip" and body == (BUILD / f"{digest}.gz").read_bytes()
    etags = {r.headers["etag"] for r in (plain, br, gz)}
    assert len(etags) == 3  # one per encoding: a cache never mixes them up
    assert all(r.headers["vary"] == "Accept-Encoding" for r in (plain, br, gz))
    assert all("javascript" in r.headers["content-type"] for r in (plain, br, gz))


def test_an_unchanged_file_is_not_sent_again(shared_server: LiveServer):
    with shared_server.client("supervisor1") as client:
        first, _ = raw(client, URL, "gzip")
        again, body = raw(client, URL, "gzip", **{"if-none-match": first.headers["etag"]})
        assert (again.status_code, body) == (304, b"")
        other, body = raw(client, URL, "br", **{"if-none-match": first.headers["etag"]})
        assert other.status_code == 200 and body  # another encoding is another representation


def test_only_files_of_the_static_folder_are_served(shared_server: LiveServer):
    with shared_server.client("supervisor1") as client:
        for url in ("/static/js/nosuch.js", "/static/../server/app.py", "/static/%2e%2e/server/app.py"):
            assert client.get(url).status_code == 404, url
