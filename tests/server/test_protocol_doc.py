"""docs/sync-protocol.md's examples, run against a real server: the prose cannot drift from the code."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync-protocol.md"


def json_blocks(after: str) -> list[Any]:
    """The JSON code blocks of the section headed `after`, parsed ("…" elisions stay as strings)."""
    text = DOC.read_text()
    section = text[text.index(after) :]
    end = re.search(r"\n#{2,3} ", section[1:])
    section = section[: end.start() + 1] if end else section
    blocks = re.findall(r"```json\n(.*?)```", section, flags=re.S)
    return [json.loads(b) for b in blocks]


def test_the_new_record_example_is_stored_then_duplicate(shared_server):
    request, response = json_blocks("### A new record is stored")[:2]
    client = shared_server.client("supervisor1")
    assert client.post("/api/sync/push", json=request).json() == response
    again = client.post("/api/sync/push", json=request).json()
    assert again["receipts"][0]["status"] == "duplicate"


def test_the_evidence_example_is_what_the_server_answers(shared_server):
    request = json_blocks("### A new record is stored")[0]
    [documented] = json_blocks("### A record that breaks")
    broken = copy.deepcopy(request)
    record = broken["records"][0]
    record["id"], record["rev"] = "0b0c8a4e-5f55-4f4e-9a53-0d1c6b2f0002", "r-doc-2"
    record["answers"]["positive_climate"] = 5
    record["answers"]["mean_score"] = 3.78
    [receipt] = shared_server.client("supervisor1").post("/api/sync/push", json=broken).json()["receipts"]
    expected = documented["receipts"][0]
    for key in ("status", "code", "message", "problems"):
        assert receipt[key] == expected[key]


def test_the_malformed_batch_example_is_what_the_server_answers(shared_server):
    [documented] = json_blocks("### Whole-batch problems")
    answer = shared_server.client("supervisor1").post("/api/sync/push", json={"device_id": 12, "records": []})
    assert answer.status_code == documented["status"]
    assert answer.json() == documented


def test_every_schema_address_the_doc_names_answers_and_documents_the_bodies(shared_server):
    import httpx

    named = set(re.findall(r"`(/schema/[^`\s]*)`", DOC.read_text()))
    assert named == {"/schema/openapi.json"}
    for path in named:
        assert httpx.get(shared_server.url + path).status_code == 200
    doc = httpx.get(shared_server.url + "/schema/openapi.json").json()
    push = doc["paths"]["/api/sync/push"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PushBatch"
    }
    records = doc["components"]["schemas"]["PushBatch"]["properties"]["records"]
    assert records["items"] == {"$ref": "#/components/schemas/RecordPush"}
    assert "answers" in doc["components"]["schemas"]["RecordPush"]["required"]
    photo = doc["paths"]["/api/attachments/{sha256}"]["put"]["requestBody"]["content"]
    assert photo["image/jpeg"]["schema"]["format"] == "binary"
    login = doc["paths"]["/login"]["post"]
    assert "application/x-www-form-urlencoded" in login["requestBody"]["content"]
    # login → (me) … push → pull → next pull page
    operation_ids = {op["operationId"] for ops in doc["paths"].values() for op in ops.values()}
    links = [
        link
        for ops in doc["paths"].values()
        for op in ops.values()
        for answer in op["responses"].values()
        for link in answer.get("links", {}).values()
    ]
    assert {link["operationId"] for link in links} <= operation_ids
    assert {link["operationId"] for link in links} >= {push["operationId"], "ApiSyncPullPull"}
