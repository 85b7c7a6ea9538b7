"""Writes the copy of Pangea's AuthN OpenAPI document that scripts/openapi-check.sh runs
schemathesis with: the session and token-check operations only, with the document's own
mistakes corrected where the wire spec (shared/spec/authn-sessions-api.md) says otherwise,
and live tokens of a running emulator as request examples.

Usage: openapi_check.py DOCUMENT TOKENS_JSON OUT

Every correction below is a place where the document is wrong, not the emulator:

1. `pangea-response` pins `status` to "Success" and `result` to an object, and every error
   answer the document lists (400) reuses it. Real error answers carry their own status
   (`ValidationError`, `InvalidToken`, ...) and, but for validation errors, a null result
   (spec 2.2 and its examples/*.response.json). Error answers get an envelope saying so.
2. It lists no 401, though a missing or unknown Bearer token is answered `Unauthorized`
   401 (spec 2.2), and no 404, though invalidating an unknown session is `NotFound` 404
   (spec 3). Both are added, with the error envelope.
3. It declares the `APIToken` Bearer scheme but never requires it; every session
   operation needs it (spec 1.3), so it is required at the top level.
4. It has no links, so the stateful phase would have nothing to chain: a refresh's session
   feeds invalidate and logout, and its new active token feeds token check, the client
   list and client logout.
5. It leaves every request body optional, though each operation's schema has required
   keys or is an object that an empty body is not; the SDKs always send one. An empty
   body is refused as not JSON (`BadFormat` at `/`), so the copy marks bodies required.
6. `last` is any string, but it is an opaque cursor that only the server mints (spec
   5.3: sent back verbatim); any other non-empty string is refused (`BadFormat` at
   `/last`). The copy lets generated requests send only the empty one (the first page),
   and so expects every other string to be refused.
"""

import copy
import json
import sys

PATHS = [
    "/v2/session/list",
    "/v2/session/invalidate",
    "/v2/session/logout",
    "/v2/client/session/list",
    "/v2/client/session/invalidate",
    "/v2/client/session/logout",
    "/v2/client/session/refresh",
    "/v2/client/token/check",
]

# Statuses an AuthN error answer carries (spec 2.2); never "Success".
ERROR_STATUSES = [
    "ValidationError",
    "Unauthorized",
    "InvalidToken",
    "ExpiredToken",
    "NotFound",
    "TooManyRequests",
    "InternalError",
]


def envelope(statuses, result):
    return {
        "type": "object",
        "required": ["request_id", "request_time", "response_time", "status", "summary", "result"],
        "additionalProperties": False,
        "properties": {
            "request_id": {"type": "string"},
            "request_time": {"type": "string"},
            "response_time": {"type": "string"},
            "status": {"type": "string", "enum": statuses},
            "summary": {"type": "string"},
            "result": result,
        },
    }


def error_response(description, statuses):
    return {
        "description": description,
        "content": {"application/json": {"schema": envelope(statuses, {"type": "null"})}},
    }


def main():
    doc_path, tokens_path, out_path = sys.argv[1:4]
    with open(doc_path, encoding="utf-8") as f:
        doc = json.load(f)
    with open(tokens_path, encoding="utf-8") as f:
        tokens = json.load(f)

    out = copy.deepcopy(doc)
    out["paths"] = {p: copy.deepcopy(doc["paths"][p]) for p in PATHS}
    out["servers"] = [{"url": tokens["base_url"]}]
    out["security"] = [{"APIToken": []}]  # correction 3

    validation = doc["components"]["schemas"]["pangea-validation-errors"]["properties"]["result"]
    bad_request = {
        "description": "Validation errors, or a body token that is unknown, revoked or expired",
        "content": {
            "application/json": {
                "schema": {
                    "anyOf": [
                        envelope(["ValidationError"], validation),
                        envelope(["InvalidToken", "ExpiredToken"], {"type": "null"}),
                    ]
                }
            }
        },
    }
    filter_tokens = out["components"]["schemas"]["authn-filter-tokens"]
    filter_tokens["properties"]["last"]["maxLength"] = 0  # correction 6
    for path in PATHS:
        out["paths"][path]["post"]["requestBody"]["required"] = True  # correction 5
        responses = out["paths"][path]["post"]["responses"]
        responses["400"] = bad_request  # correction 1
        responses["401"] = error_response("Missing or unknown Bearer token", ["Unauthorized"])
        if path.endswith("/invalidate"):
            responses["404"] = error_response("No such session", ["NotFound"])  # correction 2

    # Live tokens as request examples, so the examples phase reaches the successful paths.
    users = [u for u in tokens["users"] if len(u["sessions"]) >= 3]
    alice, bob = users[0], users[1]
    a0, a1, a2 = alice["sessions"][:3]
    b0 = bob["sessions"][0]
    examples = {
        "/v2/session/list": {"filter": {"identity": alice["user_id"]}, "size": 2},
        "/v2/session/invalidate": {"session_id": b0["session_id"]},
        "/v2/session/logout": {"user_id": users[2]["user_id"]},
        "/v2/client/session/list": {"token": a0["user_token"], "size": 2},
        "/v2/client/session/invalidate": {"token": a0["user_token"], "session_id": a1["session_id"]},
        "/v2/client/session/refresh": {"refresh_token": a2["refresh_token"]},
        "/v2/client/token/check": {"token": a0["user_token"]},
        "/v2/client/session/logout": {"token": a0["user_token"]},
    }
    for path, example in examples.items():
        schema = out["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        schema["examples"] = [example]

    # Correction 4: links for the stateful phase.
    def link(target, parameters):
        op = out["paths"][target]["post"]["operationId"]
        return {"operationId": op, "requestBody": parameters}

    refreshed = out["paths"]["/v2/client/session/refresh"]["post"]["responses"]["200"]
    active = "$response.body#/result/active_token/token"
    refreshed["links"] = {
        "CheckRefreshed": link("/v2/client/token/check", {"token": active}),
        "ListRefreshed": link("/v2/client/session/list", {"token": active}),
        "LogoutRefreshed": link("/v2/client/session/logout", {"token": active}),
        "InvalidateRefreshed": link(
            "/v2/session/invalidate",
            {"session_id": "$response.body#/result/refresh_token/id"},
        ),
        "LogoutRefreshedOwner": link(
            "/v2/session/logout",
            {"user_id": "$response.body#/result/refresh_token/identity"},
        ),
    }

    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
