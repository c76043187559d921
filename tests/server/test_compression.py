"""Answers are compressed when the client accepts it — brotli, else gzip — pages, JS, CSS and sync JSON alike;
what is already compressed (fonts) is sent as it is."""

from __future__ import annotations

import gzip

import brotli
import pytest

from tests.conftest import LiveServer

URLS = ("/", "/static/js/sync.js", "/static/css/app.css", "/api/sync/pull?cursor=0", "/forms/observation/1")


@pytest.mark.parametrize("url", URLS)
def test_an_answer_is_compressed_as_the_client_accepts(shared_server: LiveServer, url: str):
    with shared_server.client("supervisor1") as client:
        plain = client.get(url, headers={"accept-encoding": "identity"})
        assert plain.status_code == 200 and "content-encoding" not in plain.headers
        for accept, encoding, decode in (
            ("gzip, deflate", "gzip", gzip.decompress),
            ("gzip, deflate, br", "br", brotli.decompress),
        ):
            with client.stream("GET", url, headers={"accept-encoding": accept}) as r:
                raw = b"".join(r.iter_raw())
            assert r.headers["content-encoding"] == encoding
            assert len(raw) < len(plain.content) / 2
            assert decode(raw) == plain.content


def test_fonts_are_sent_as_they_are(shared_server: LiveServer):
    with shared_server.client("supervisor1") as client:
        r = client.get("/static/fonts/sarabun-thai-400-5.3.0.woff2", headers={"accept-encoding": "gzip, br"})
    assert r.status_code == 200 and "content-encoding" not in r.headers
