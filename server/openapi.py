"""The API's OpenAPI document: what Litestar derives from the handlers, completed with what it cannot see.

Push and photo upload read their bodies themselves (a push body is depth-checked before it is decoded,
`sync/depth.py`; a photo is raw JPEG bytes), so their request bodies are added here from the same
Structs and limits the handlers use. Login is a form post that answers with a redirect and a session
cookie. The links say how one answer feeds the next request, so a third-party client (and a stateful
fuzzer) can chain login → push → pull: a push can be replayed as it was sent (its receipts are then
`duplicate`), it is followed by a pull from cursor 0, and every pull page names the cursor of the next.
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec
from litestar import Request
from litestar.openapi.plugins import JsonRenderPlugin

from forms.model import PHOTO_MAX_BYTES
from sync.wire import PushBatch, RecordPush

REF = "#/components/schemas/{name}"
PUSH, PULL, ME = "ApiSyncPushPush", "ApiSyncPullPull", "ApiMeMe"
HTML = {"text/html": {"schema": {"type": "string"}}}


def complete(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    schemas, paths = doc["components"]["schemas"], doc["paths"]
    _, components = msgspec.json.schema_components([PushBatch, RecordPush], ref_template=REF)
    schemas.update({name: s for name, s in components.items() if name not in schemas})
    schemas["PushBatch"]["properties"]["records"]["items"] = {"$ref": REF.format(name="RecordPush")}

    push, pull = paths["/api/sync/push"]["post"], paths["/api/sync/pull"]["get"]
    push["requestBody"] = _json_body("PushBatch")
    push["responses"]["200"]["links"] = {
        "ReplayPush": {
            "operationId": PUSH,
            "requestBody": "$request.body",
            "description": "The same batch again: nothing is stored twice (receipts `duplicate`)",
        },
        "PullAfterPush": {
            "operationId": PULL,
            "parameters": {"cursor": 0},
            "description": "Everything the user may see, the records just pushed included",
        },
    }
    pull["responses"]["200"]["links"] = {
        "NextPage": {
            "operationId": PULL,
            "parameters": {"cursor": "$response.body#/cursor"},
            "description": "The next page while `more` is true",
        }
    }
    photo = paths["/api/attachments/{sha256}"]["put"]
    photo["requestBody"] = {
        "required": True,
        "description": "The resized photo's bytes; the path names their SHA-256",
        "content": {
            "image/jpeg": {"schema": {"type": "string", "format": "binary", "maxLength": PHOTO_MAX_BYTES}}
        },
    }
    login = paths["/login"]["post"]
    login["responses"].pop("201", None)
    login["responses"] |= {
        "303": {
            "description": "Signed in: the session cookie is set; send `x-csrftoken` with the `csrftoken` cookie",
            "headers": {
                "Set-Cookie": {"schema": {"type": "string"}},
                "Location": {"schema": {"type": "string"}},
            },
            "links": {"Me": {"operationId": ME, "description": "Who is signed in, and their networks"}},
        },
        "401": {"description": "Wrong username or password (the login page again)", "content": HTML},
        "429": {"description": "Too many attempts; wait a minute (the login page again)", "content": HTML},
    }
    return doc


def _json_body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(name=name)}}}}


class ApiDocument(JsonRenderPlugin):
    """`/schema/openapi.json`, completed (see the module's text)."""

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.render_json(request, complete(openapi_schema))
