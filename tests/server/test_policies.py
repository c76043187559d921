"""The area office keeps its policy list: the director publishes fiscal year 2569's list on
/admin/policies, it becomes a policy form version, a tablet pulls it and fills it, and the summary reads
the indicator values by their kind. A refused list comes back as typed and publishes nothing."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import msgspec

from forms.model import FormDef
from forms.validate import validate
from tests.factories import batch, record

LIST_2569 = [
    ("p01", "ลดจำนวนนักเรียนที่อ่านไม่ออกเขียนไม่ได้", "ร้อยละนักเรียน ป.1 ที่อ่านออก", "percent", "ผลการคัดกรอง"),
    ("p02", "ห้องเรียนปลอดภัย", "มีแผนเผชิญเหตุที่ซ้อมแล้ว", "yes_no", ""),
    ("p03", "ครูได้รับการนิเทศภายใน", "จำนวนครูที่ได้รับการนิเทศภายใน", "count", "บันทึกการนิเทศ"),
]


def form_data(rows: list[tuple[str, ...]], list_id: str = "2569") -> dict[str, str]:
    data = {"list_id": list_id, "label": f"นโยบายที่ติดตาม ปีงบประมาณ {list_id}"}
    for i in range(15):
        row = rows[i] if i < len(rows) else ("", "", "", "percent", "")
        data |= dict(
            zip((f"code_{i}", f"name_{i}", f"indicator_{i}", f"kind_{i}", f"evidence_{i}"), row, strict=True)
        )
    return data


def test_director_publishes_2569_and_a_tablet_pulls_fills_and_reports_it(live_server: Any) -> None:
    live_server.start()
    director = live_server.client("director")
    page = director.get("/admin/policies")
    assert page.status_code == 200
    assert 'value="p06"' in page.text  # prefilled with the built-in 2568 list
    tablet = live_server.client("supervisor1")
    cursor = tablet.get("/api/sync/pull").json()["cursor"]

    # A second spelling of a code: refused, nothing published, the rows come back as typed.
    refused = director.post("/admin/policies", data=form_data([*LIST_2569, LIST_2569[0]]))
    assert refused.status_code == 200 and 'id="policy-error"' in refused.text
    assert 'value="ห้องเรียนปลอดภัย"' in refused.text
    assert tablet.get(f"/api/sync/pull?cursor={cursor}").json()["forms"] == []

    done = director.post("/admin/policies", data=form_data(LIST_2569))
    assert 'id="published"' in done.text and "ปีงบประมาณ 2569" in done.text
    assert 'data-list="2569"' in done.text

    pulled = tablet.get(f"/api/sync/pull?cursor={cursor}").json()["forms"]
    assert [(f["form_id"], f["version"]) for f in pulled] == [("policy", 3)]
    html = tablet.get("/forms/policy/3").text
    definition = msgspec.json.decode(
        re.search(r'<script type="application/json" id="form-def">(.*?)</script>', html, re.S)[1],
        type=FormDef,
    )
    kinds = {f.name: f.kind for f in definition.walk() if f.name.endswith("_indicator_value")}
    assert kinds == {"p01_indicator_value": "decimal", "p02_indicator_value": "yes_no",
                     "p03_indicator_value": "integer"}  # fmt: skip
    assert "ห้องเรียนปลอดภัย" in html

    db = sqlite3.connect(live_server.db_path)
    schools = [
        r[0] for r in db.execute("SELECT code FROM schools WHERE network_id = 'N01' ORDER BY code LIMIT 3")
    ]
    db.close()
    for i, school in enumerate(schools):
        answers = {"school": school, "visit_date": "2026-06-10", "session": "morning", "informant": "ผอ.",
                   "p01_status": "done", "p01_evidence": ["document"], "p01_indicator_value": 60 + 10 * i,
                   "p01_finding": "คัดกรองครบ", "p02_status": "in_progress", "p02_evidence": ["observation"],
                   "p02_indicator_value": "yes" if i else "no", "p02_finding": "มีแผน",
                   "p02_recommendation": "ซ้อมแผนทุกภาคเรียน", "p03_status": "done", "p03_evidence": ["document"],
                   "p03_indicator_value": 4 + i, "p03_finding": "นิเทศภายในทุกเดือน"}  # fmt: skip
        assert validate(definition, answers) == []
        body = batch(record(answers, form_id="policy", form_version=3), device_id="tablet-sup1-0009")
        receipt = tablet.post("/api/sync/push", json=body).json()["receipts"][0]
        assert receipt["status"] == "stored", receipt

    summary = director.get("/reports/network/N01?period=2569-1").text
    section = summary[summary.index('id="h-policy"') :].split("</section>")[0]
    assert "เฉลี่ยร้อยละ 70.0" in section  # 60, 70, 80
    assert "มี 2 จาก 3 โรงเรียน (66.7%)" in section
    assert "รวม 15" in section and "มัธยฐาน 5" in section  # 4 + 5 + 6
    area = director.get("/reports/area?period=2569-1").text
    table = area[area.index('data-policy="p02"') :].split("</table>")[0]
    assert "แก้วมุกดาหาร" in table and "มี 2 จาก 3 โรงเรียน" in table
