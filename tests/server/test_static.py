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


def test_head_answers_the_headers_of_get_without_the_body(shared_server: LiveServer):
    """A client checks a file without fetching it: the same Content-Type, ETag, Vary and Cache-Control as
    GET, the Content-Length of the copy GET would send in that encoding, no body, 304 on a match."""
    kept = ("content-type", "content-length", "content-encoding", "etag", "vary", "cache-control")
    with shared_server.client("supervisor1") as client:
        for accept in ("identity", "gzip", "gzip, deflate, br"):
            got, body = raw(client, URL, accept)
            with client.stream("HEAD", URL, headers={"accept-encoding": accept}) as head:
                head_body = b"".join(head.iter_raw())
            assert (head.status_code, head_body) == (200, b""), accept
            assert {k: head.headers.get(k) for k in kept} == {k: got.headers.get(k) for k in kept}, accept
            assert int(head.headers["content-length"]) == len(body) > 0, accept
            etag = got.headers["etag"]
            again = client.head(URL, headers={"accept-encoding": accept, "if-none-match": etag})
            assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
        assert client.head("/static/js/nosuch.js").status_code == 404
