"""The plan and import pages over real HTTP: roles, networks, the two-step import, double booking."""

from __future__ import annotations

import csv
import io
import re

import openpyxl


def user_id(client) -> int:
    return client.get("/api/me").json()["id"]


def n01_school(client, n: int) -> str:
    schools = [s for s in client.get("/api/sync/pull").json()["schools"] if s["network_id"] == "N01"]
    return sorted(s["code"] for s in schools)[n]


def test_roles_and_foreign_networks(login):
    team = login("team1")
    assert team.get("/admin/imports").status_code == 403
    assert team.get("/plans/new").status_code == 200  # school directors plan for their network
    assert team.get("/plans/new?network=N02").status_code == 404
    secretary = login("secretary1")
    assert secretary.get("/admin/imports").status_code == 200
    assert secretary.get("/plans?network=N02").status_code == 404

    supervisor = login("supervisor1")
    me = user_id(supervisor)
    n02 = sorted(
        s["code"] for s in supervisor.get("/api/sync/pull").json()["schools"] if s["network_id"] == "N02"
    )[0]
    answer = supervisor.post(
        "/api/plans", json={"date": "2031-07-01", "session": "morning", "school_code": n02, "team": [me]}
    )
    assert answer.status_code == 201, answer.text
    visit_id = answer.json()["id"]
    assert supervisor.get(f"/plans/{visit_id}").status_code == 200
    assert secretary.get(f"/plans/{visit_id}").status_code == 404  # N02 is not the secretary's network


def test_double_booking_is_refused_with_a_translated_reason(login):
    supervisor, team = login("supervisor1"), login("team1")
    sup_id, team_id = user_id(supervisor), user_id(team)
    first, second = n01_school(supervisor, 12), n01_school(supervisor, 13)
    body = {"date": "2031-07-02", "session": "afternoon", "team": [sup_id, team_id]}
    assert supervisor.post("/api/plans", json={**body, "school_code": first}).status_code == 201
    refused = supervisor.post("/api/plans", json={**body, "school_code": second, "team": [team_id]})
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["code"] == "team_member_double_booked"
    assert "ผอ.ประเสริฐ ทดลอง" in problem["detail"] and "ภาคบ่าย" in problem["detail"]


def test_htmx_form_creates_a_visit_and_the_pull_carries_its_classrooms(login):
    supervisor, team = login("supervisor1"), login("team1")
    sup_id, team_id = user_id(supervisor), user_id(team)
    school = n01_school(supervisor, 14)
    form_page = supervisor.get(f"/plans/new?network=N01&school_code={school}")
    assert form_page.status_code == 200
    teacher = re.search(r'<option value="(' + school + r'-\d+)"', form_page.text).group(1)
    cursor = supervisor.get("/api/sync/pull?cursor=0").json()["cursor"]
    fields = {
        "network": "N01",
        "date": "2031-07-03",
        "session": "morning",
        "school_code": school,
        "team": [str(sup_id), str(team_id)],
        "a_observer": [str(team_id)],
        "a_teacher": [teacher],
        "a_grade": ["p3"],
        "a_room": ["1"],
        "a_hour": ["09:00"],
    }
    answer = supervisor.post("/plans", data=fields, headers={"hx-request": "true"})
    assert answer.status_code == 204, answer.text
    visit_url = answer.headers["hx-redirect"]
    page = supervisor.get(visit_url)
    assert "09:00" in page.text and "ป.3" in page.text and "3 กรกฎาคม 2574" in page.text

    pulled = team.get(f"/api/sync/pull?cursor={cursor}").json()
    [visit] = [v for v in pulled["visits"] if v["id"] == visit_url.rsplit("/", 1)[1]]
    assert visit["assignments"] == [
        {"observer_id": team_id, "teacher_id": teacher, "grade": "p3", "room": "1", "hour": "09:00"}
    ]

    # The same team again in the same session: the form comes back with the reason, in Thai.
    elsewhere = {k: v for k, v in fields.items() if not k.startswith("a_")} | {
        "school_code": n01_school(supervisor, 10)
    }
    again = supervisor.post("/plans", data=elsewhere, headers={"hx-request": "true"})
    assert again.status_code == 200 and "มีนัดนิเทศที่" in again.text and "error-box" in again.text


def test_coverage_page(login):
    secretary = login("secretary1")
    page = secretary.get("/plans?network=N01&term=2568-1")
    assert page.status_code == 200
    assert "ปีการศึกษา 2568 ภาคเรียนที่ 1" in page.text
    assert 'class="not-planned"' in page.text
    fragment = secretary.get("/plans?network=N01&term=2568-2", headers={"hx-request": "true"})
    assert "<html" not in fragment.text and "ภาคเรียนที่ 2" in fragment.text


def test_two_step_import_export_and_undo(login):
    admin = login("admin")
    book = openpyxl.Workbook()
    book.active.append(["รหัสโรงเรียน", "ชื่อโรงเรียน", "เครือข่าย", "อำเภอ", "ระดับชั้น"])
    book.active.append(["49980001", "โรงเรียนบ้านนำเข้า", "N03", "ดงหลวง", "ป.1-ป.6"])
    blob = io.BytesIO()
    book.save(blob)
    files = {"file": ("schools.xlsx", blob.getvalue(), "application/octet-stream")}
    check = admin.post(
        "/admin/imports", data={"kind": "schools"}, files=files, headers={"hx-request": "true"}
    )
    assert check.status_code == 200, check.text
    assert "XLSX" in check.text and "<html" not in check.text
    confirm_url = re.search(r'hx-post="(/admin/imports/\d+/confirm)"', check.text).group(1)
    assert "49980001" not in admin.get("/admin/export/schools?format=csv").text  # not yet written

    applied = admin.post(confirm_url, headers={"hx-request": "true"})
    assert "นำเข้าแล้ว" in applied.text
    exported = admin.get("/admin/export/schools?format=csv")
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["รหัสโรงเรียน", "ชื่อโรงเรียน", "เครือข่าย"]
    # No coordinates in that file: the two last columns (ละติจูด, ลองจิจูด) are empty.
    assert ["49980001", "โรงเรียนบ้านนำเข้า", "N03", "ดงหลวง", "ป.1, ป.2, ป.3, ป.4, ป.5, ป.6", "", ""] in rows
    assert admin.post(confirm_url, headers={"hx-request": "true"}).text.count("error-box") == 1  # not twice
    xlsx = admin.get("/admin/export/teachers?format=xlsx")
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")

    bad = admin.post(
        "/admin/imports",
        data={"kind": "schools"},
        files={"file": ("s.csv", "code,name\n1,ก\n".encode("cp874"), "text/csv")},
        headers={"hx-request": "true"},
    )
    assert "เครือข่าย" in bad.text and "/confirm" not in bad.text

    undone = admin.post("/admin/imports/undo", headers={"hx-request": "true"})
    assert "ยกเลิกแล้ว" in undone.text
    assert "49980001" not in admin.get("/admin/export/schools?format=csv").text


def test_full_pages_render_in_both_languages(login):
    admin = login("admin")
    for lang in ("th", "en"):
        admin.get(f"/lang/{lang}")
        for url in ("/plans", "/plans/new?network=N05", "/admin/imports"):
            answer = admin.get(url)
            assert answer.status_code == 200, (url, answer.text[:300])
            assert f'<html lang="{lang}">' in answer.text
    assert "Visit plans" in admin.get("/plans").text and "Not yet planned" in admin.get("/plans").text
    admin.get("/lang/th")
    # Without htmx, an upload answers with the whole page around the report.
    files = {"file": ("s.csv", b"code,name,network\n49980002,x,N01\n", "text/csv")}
    page = admin.post("/admin/imports", data={"kind": "schools"}, files=files)
    assert page.status_code == 200 and "<html" in page.text and "/confirm" in page.text
