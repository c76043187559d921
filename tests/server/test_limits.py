"""Every limit over real HTTP: request body, batch size, photo size and type, login field lengths."""

from __future__ import annotations

import hashlib

from tests.factories import batch, record

MB = 1024 * 1024


def test_a_request_body_over_the_limit_is_refused_413(shared_server):
    with shared_server.client("supervisor1") as c:
        r = c.post(
            "/api/sync/push",
            content=b"{" + b" " * (9 * MB) + b"}",
            headers={"content-type": "application/json"},
        )
        assert (r.status_code, r.json()["code"]) == (413, "batch_too_large")


def test_a_batch_of_200_is_accepted_and_201_refused(shared_server):
    with shared_server.client("team1") as c:
        ok = c.post("/api/sync/push", json=batch(*[record() for _ in range(200)]))
        assert ok.status_code == 200 and len(ok.json()["receipts"]) == 200
        assert c.post("/api/sync/push", json=batch(*[record() for _ in range(201)])).status_code == 413


def test_photos_must_be_small_jpegs_named_by_their_hash(shared_server):
    with shared_server.client("supervisor1") as c:

        def put(body: bytes, media: str = "image/jpeg", sha: str | None = None):  # type: ignore[no-untyped-def]
            sha = sha or hashlib.sha256(body).hexdigest()
            return c.put(f"/api/attachments/{sha}", content=body, headers={"content-type": media})

        big = b"\xff\xd8\xff" + b"0" * (2 * MB)
        assert (put(big).status_code, put(big).json()["code"]) == (413, "attachment_too_large")
        png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
        assert put(png, "image/png").json()["code"] == "attachment_invalid"
        assert put(png, "image/jpeg").json()["code"] == "attachment_invalid"  # the bytes are not a JPEG
        svg = b"<svg onload=alert(1)>"
        assert put(svg, "image/svg+xml").status_code == 422
        jpeg = b"\xff\xd8\xff\xe0" + b"1" * 100
        assert put(jpeg, sha="0" * 64).json()["code"] == "attachment_invalid"  # hash does not match
        assert put(jpeg).json()["status"] in ("stored", "duplicate")


def test_over_long_login_fields_are_refused(shared_server):
    import httpx

    client = httpx.Client(base_url=shared_server.url)
    client.get("/login")
    form = {"username": "u" * 101, "password": "p", "_csrf_token": client.cookies["csrftoken"]}
    assert client.post("/login", data=form).status_code == 400
