"""Coordinates of schools and the office: read by the schools import (ละติจูด / ลองจิจูด, both or neither,
inside Thailand), kept when a file has no such columns, exported and read back; set by an admin on
/admin/coordinates (all or nothing) and used by the travel report's distance."""

from __future__ import annotations

import sqlite3

from hypothesis import given
from hypothesis import strategies as st

from server import coordinates, imports, spreadsheets
from server.imports import parse
from server.reports.visits import distance_km
from tests import report_data as rd
from tests.conftest import persona
from tests.server.reports_client import push
from tests.server.test_imports import SCHOOL_HEADERS_TH, csv_bytes, import_file, xlsx

THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
HEADERS = [*SCHOOL_HEADERS_TH, "ละติจูด", "ลองจิจูด"]


def test_the_import_reads_checks_and_keeps_coordinates(demo_db):
    admin = persona(demo_db, "admin")
    good = xlsx([HEADERS, [49990001, "โรงเรียนบ้านพิกัด", "N01", "ดอนตาล", "ป.1", 16.3162, 104.8757],
                 [49990002, "โรงเรียนบ้านไม่มีพิกัด", "N01", "", "ป.1", "", ""]])  # fmt: skip
    import_file(demo_db, admin, "schools", "s.xlsx", good)
    assert demo_db.execute("SELECT latitude, longitude FROM schools WHERE code = '49990001'").fetchone() == (
        16.3162, 104.8757
    )  # fmt: skip
    assert demo_db.execute("SELECT latitude FROM schools WHERE code = '49990002'").fetchone() == (None,)

    bad = csv_bytes([HEADERS, ["49990003", "ก", "N01", "", "", "16.5", ""],
                     ["49990004", "ข", "N01", "", "", "104.7", "16.5"],
                     ["49990005", "ค", "N01", "", "", "35.68", "139.69"],
                     ["49990006", "ง", "N01", "", "", "สิบหก", "104"]])  # fmt: skip
    report = parse(demo_db, admin, "schools", "bad.csv", bad)
    assert [r.action for r in report.rows] == ["error"] * 4
    assert [e.msgid for r in report.rows for e in r.errors] == [
        "Give both the latitude and the longitude, or neither",
        "The latitude and the longitude look swapped",
        "%(lat)s, %(lon)s is outside Thailand",
        "The latitude and the longitude must be numbers in degrees, such as 16.5433",
    ]

    # A file without the two columns changes nothing of the stored coordinates.
    same = csv_bytes([SCHOOL_HEADERS_TH, ["49990001", "โรงเรียนบ้านพิกัด", "N01", "ดอนตาล", "ป.1"]])
    assert parse(demo_db, admin, "schools", "same.csv", same).counts["same"] == 1
    headers, rows = imports.export_rows(demo_db, admin, "schools")
    assert headers[-2:] == ["ละติจูด", "ลองจิจูด"]
    assert ["49990001", "โรงเรียนบ้านพิกัด", "N01", "ดอนตาล", "ป.1", "16.3162", "104.8757"] in rows
    back = parse(
        demo_db,
        admin,
        "schools",
        "x.xlsx",
        spreadsheets.xlsx_bytes([spreadsheets.Sheet("schools", headers, rows)]),
    )
    assert back.ok and back.counts["same"] == len(rows)


@given(st.floats(coordinates.LATITUDE[0], coordinates.LATITUDE[1]),
       st.floats(coordinates.LONGITUDE[0], coordinates.LONGITUDE[1]))  # fmt: skip
def test_every_point_in_thailand_is_read_back(lat, lon):
    point, errors = coordinates.parse(repr(lat), repr(lon))
    assert errors == [] and point == (round(lat, 6), round(lon, 6))


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True))
def test_a_point_outside_thailand_is_refused(lat, lon):
    inside = coordinates.LATITUDE[0] <= lat <= coordinates.LATITUDE[1] and (
        coordinates.LONGITUDE[0] <= lon <= coordinates.LONGITUDE[1]
    )
    point, errors = coordinates.parse(repr(lat), repr(lon))
    assert (errors == []) == inside
    assert inside or point == (None, None)


def test_the_admin_page_saves_all_or_nothing_and_the_travel_report_uses_it(shared_server, login):
    db = sqlite3.connect(shared_server.db_path)
    code = db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code").fetchone()[0]
    office_before = db.execute("SELECT latitude, longitude FROM office").fetchone()
    db.close()
    assert login("secretary1").get("/admin/coordinates").status_code == 403
    admin = login("admin")
    page = admin.get("/admin/coordinates")
    assert page.status_code == 200 and f'id="lat-{code}"' in page.text and 'id="lat-office"' in page.text

    assert f'<input type="hidden" name="code" value="{code}">' in page.text

    # A school per row (`code`, `lat`, `lon` repeated in the page's order), the office's pair apart.
    bad = {"office_lat": "16.54", "office_lon": "104.72", "code": [code], "lat": ["104.7"], "lon": ["16.3"]}
    r = admin.post("/admin/coordinates", data=bad)
    assert r.status_code == 422
    assert "ไม่ได้บันทึก" in r.text and "ละติจูดและลองจิจูดน่าจะสลับกัน" in r.text
    assert f'id="lat-{code}" name="lat" value="104.7"' in r.text  # what was typed is shown again
    assert 'id="lat-office" name="office_lat" value="16.54"' in r.text
    r = admin.post("/admin/coordinates", data={**bad, "lat": ["16.3"], "lon": [""]})
    assert r.status_code == 422 and "ต้องระบุทั้งละติจูดและลองจิจูด หรือเว้นว่างทั้งสองช่อง" in r.text
    r = admin.post("/admin/coordinates", data={**bad, "lat": ["35.68"], "lon": ["139.69"]})
    assert r.status_code == 422 and "พิกัด 35.68, 139.69 อยู่นอกประเทศไทย" in r.text
    r = admin.post("/admin/coordinates", data={**bad, "lon": []})  # a row without its longitude
    assert r.status_code == 400 and r.json()["code"] == "invalid_request"
    db = sqlite3.connect(shared_server.db_path)
    assert db.execute("SELECT latitude, longitude FROM office").fetchone() == office_before  # nothing saved
    db.close()

    good = {"office_lat": "16.54", "office_lon": "104.72", "code": code, "lat": "16.3162", "lon": "104,8757"}
    r = admin.post("/admin/coordinates", data=good)
    assert r.status_code == 303 and r.headers["location"] == "/admin/coordinates?saved=1"
    assert "บันทึกแล้ว: เปลี่ยนพิกัด 1 โรงเรียน" in admin.get(r.headers["location"]).text
    db = sqlite3.connect(shared_server.db_path)
    assert db.execute("SELECT latitude, longitude FROM schools WHERE code = ?", [code]).fetchone() == (
        16.3162, 104.8757
    )  # fmt: skip
    assert db.execute("SELECT latitude, longitude FROM office").fetchone() == (16.54, 104.72)
    db.close()
    page = admin.get("/admin/coordinates")
    assert 'value="16.3162"' in page.text and 'value="104.8757"' in page.text

    # The travel report of a visit to that school gives the distance there and back.
    db = sqlite3.connect(shared_server.db_path)
    teacher = db.execute("SELECT id FROM teachers WHERE school_code = ? ORDER BY id", [code]).fetchone()[0]
    db.close()
    push(
        login("supervisor1"), "observation", rd.observation(code, teacher, "2025-07-08", [3] * 9), "tablet-km"
    )
    travel = login("secretary1").get("/reports/network/N01/travel?period=2568-1")
    distance = f"{round(2 * distance_km((16.54, 104.72), (16.3162, 104.8757)), 1)}"
    assert f"<td>{distance.translate(THAI)}</td>" in travel.text, distance
