"""Headers a careless or hostile client can reach (issue 12): the download name, a wrong method, and a
connection cut in the middle of an upload."""

from __future__ import annotations

import re
import socket
import time
from urllib.parse import unquote

from server.disposition import content_disposition

PERIOD = "2568-1"


def params(header: str) -> list[tuple[str, str]]:
    """The parameters after the disposition type, as a client splits them (quoted strings kept whole)."""
    return [(k, v.strip('"')) for k, v in re.findall(r';\s*([^=;\s]+)=("(?:[^"\\]|\\.)*"|[^;]*)', header)]


def test_a_download_name_is_one_ascii_filename_and_one_encoded_utf8_name():
    crafted = "nithet-โรงเรียน\"; filename*=UTF-8''evil.exe; x=.xlsx"
    header = content_disposition(crafted)
    header.encode("latin-1")  # an HTTP header must be
    found = params(header)
    assert [k for k, _ in found] == ["filename", "filename*"]
    assert unquote(found[1][1].removeprefix("UTF-8''")) == crafted
    assert ";" not in found[0][1] and '"' not in found[0][1]
    assert content_disposition("report.pdf", inline=True).startswith("inline; ")


def test_export_with_a_thai_or_crafted_school_is_404_and_a_real_school_names_the_file(shared_server):
    with shared_server.client("secretary1") as c:
        for school in ("โรงเรียน", "x\"; filename*=UTF-8''evil.exe", "49030001"):  # the last: another network
            for ext in ("xlsx", "csv"):
                r = c.get(f"/reports/network/N01/export.{ext}", params={"period": PERIOD, "school": school})
                assert (r.status_code, r.json()["code"]) == (404, "not_found"), (school, ext)
        r = c.get("/reports/network/N01/export.xlsx", params={"period": PERIOD, "school": "49010001"})
        assert r.status_code == 200
        assert params(r.headers["content-disposition"]) == [
            ("filename", f"nithet-N01-{PERIOD}-49010001.xlsx"),
            ("filename*", f"UTF-8''nithet-N01-{PERIOD}-49010001.xlsx"),
        ]


def test_a_wrong_method_is_405_with_allow(shared_server):
    with shared_server.client("supervisor1") as c:
        r = c.get("/logout")
        assert (r.status_code, r.json()["code"]) == (405, "method_not_allowed")
        assert "POST" in r.headers["allow"]
        assert c.get("/api/me").status_code == 200  # still signed in


def _cut_off(server, path: str, content_type: str, cookies: str, token: str) -> None:
    """Send the headers and a tenth of the promised body, then close the connection."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: 100000\r\nCookie: {cookies}\r\nx-csrftoken: {token}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(head.encode() + b"{" + b" " * 9_999)
        time.sleep(0.3)


def test_an_upload_cut_off_by_the_client_is_one_quiet_log_line(shared_server):
    with shared_server.client("admin") as c:
        cookies = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
        token = c.headers["x-csrftoken"]
        start = shared_server.log.stat().st_size
        _cut_off(shared_server, "/api/sync/push", "application/json", cookies, token)
        _cut_off(shared_server, "/admin/imports", "multipart/form-data; boundary=xyz", cookies, token)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            log = shared_server.log.read_bytes()[start:].decode()
            if log.count("client went away") >= 2:
                break
            time.sleep(0.1)
        assert log.count("client went away") == 2, log
        assert "Traceback" not in log and "ERROR" not in log
        assert c.get("/api/me").status_code == 200
