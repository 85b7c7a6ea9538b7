#!/usr/bin/env python3
"""Drives every session endpoint of a running authtop emulator through the official
pangea-sdk (Python) and reports one line per check, then `N passed, M failed`.

Usage: sdk_compat.py TOKENS_FILE [ASYNC_TOKENS_FILE]
  TOKENS_FILE        what `authtop emulator --tokens-out` writes
  ASYNC_TOKENS_FILE  the same from an emulator started with `--async-rate 1`
"""

import json
import logging
import sys
import traceback

from pangea.config import PangeaConfig
from pangea.exceptions import (
    NotFound,
    PangeaAPIException,
    UnauthorizedException,
    ValidationException,
)
from pangea.services import AuthN
from pangea.services.authn.models import ItemOrder, SessionListOrderBy

results = []


def check(name, fn):
    """Runs one check; any exception or false assertion is a failure."""
    try:
        fn()
        results.append(True)
        print(f"ok    {name}")
    except Exception as exc:  # noqa: BLE001 - every failure is reported the same way
        results.append(False)
        print(f"FAIL  {name}: {type(exc).__name__}: {exc}")
        traceback.print_exc(limit=2, file=sys.stdout)


def expect(exc_type, fn, status=None):
    try:
        fn()
    except exc_type as exc:
        if status is not None:
            assert exc.response.status == status, exc.response.status
        return exc
    raise AssertionError(f"expected {exc_type.__name__}")


def async_checks(path):
    """Every call is answered 202 first; the SDK must poll it to completion."""
    with open(path, encoding="utf-8") as f:
        tokens = json.load(f)
    authn = AuthN(tokens["service_token"], config=PangeaConfig(base_url_template=tokens["base_url"]))
    victim = tokens["users"][0]["sessions"][0]["session_id"]

    def invalidate_after_202():
        r = authn.session.invalidate(victim)
        assert r.status == "Success", r.status
        assert r.http_status == 200, r.http_status

    check("202: session.invalidate polled to completion", invalidate_after_202)

    def list_after_202():
        r = authn.session.list(filter={"id": victim}, size=5)
        assert r.status == "Success" and r.result.sessions == [], r.result

    check("202: session.list polled to completion (invalidate took effect)", list_after_202)


def main():
    # The SDK logs every API error as JSON; the checks below expect some on purpose.
    logging.disable(logging.CRITICAL)
    with open(sys.argv[1], encoding="utf-8") as f:
        tokens = json.load(f)
    config = PangeaConfig(base_url_template=tokens["base_url"])
    authn = AuthN(tokens["service_token"], config=config)
    users = [u for u in tokens["users"] if len(u["sessions"]) >= 3]
    assert len(users) >= 4, "the tokens file lists several users with 3+ sessions"
    alice, bob, carol, dave = users[:4]

    def session_list_page():
        r = authn.session.list(order=ItemOrder.DESC, order_by=SessionListOrderBy.CREATED_AT, size=5)
        assert r.status == "Success"
        assert len(r.result.sessions) == 5
        assert r.result.last
        times = [s.created_at for s in r.result.sessions]
        assert times == sorted(times, reverse=True)
        assert r.request_id.startswith("prq_")
        assert r.raw_result["count"] >= 5

    check("session.list first page (order, order_by, size)", session_list_page)

    def session_list_filter():
        r = authn.session.list(
            filter={"email": alice["email"], "created_at__gt": "2000-01-01T00:00:00Z", "type__in": ["session"]},
            order=ItemOrder.ASC,
            order_by=SessionListOrderBy.EXPIRE,
            size=50,
        )
        ids = {s.id for s in r.result.sessions}
        assert ids == {s["session_id"] for s in alice["sessions"]}, ids
        assert all(s.email == alice["email"] for s in r.result.sessions)
        assert r.result.last == ""

    check("session.list with filter", session_list_filter)

    def session_list_walk():
        seen, last = [], None
        for _ in range(1000):
            r = authn.session.list(order=ItemOrder.ASC, order_by=SessionListOrderBy.EMAIL, size=37, last=last)
            seen.extend(s.id for s in r.result.sessions)
            last = r.result.last
            if not last:
                break
        assert len(seen) == len(set(seen)), "no repeats"
        assert len(seen) == r.raw_result["count"], (len(seen), r.raw_result["count"])

    check("session.list page walk", session_list_walk)

    def token_check():
        s = alice["sessions"][0]
        r = authn.client.token_endpoints.check(s["user_token"])
        assert r.result.type == "user"
        assert r.result.identity == alice["user_id"]
        assert r.result.life >= 1
        r = authn.client.token_endpoints.check(s["refresh_token"])
        assert r.result.id == s["session_id"]

    check("client.token_endpoints.check", token_check)

    def token_check_everyone():
        with_intel = 0
        for u in tokens["users"]:
            for s in u["sessions"]:
                r = authn.client.token_endpoints.check(s["user_token"])
                assert r.result.email == u["email"]
                with_intel += r.result.intelligence is not None
        assert with_intel > 0, "some seeded logins carry intelligence"

    check("token check parses for every seeded session (with intelligence)", token_check_everyone)

    def client_list():
        tok = alice["sessions"][0]["user_token"]
        r = authn.client.session.list(tok, order=ItemOrder.ASC, order_by=SessionListOrderBy.CREATED_AT, size=2)
        got = [s.id for s in r.result.sessions]
        last = r.result.last
        while last:
            r = authn.client.session.list(tok, order=ItemOrder.ASC, order_by=SessionListOrderBy.CREATED_AT, size=2, last=last)
            got.extend(s.id for s in r.result.sessions)
            last = r.result.last
        assert sorted(got) == sorted(s["session_id"] for s in alice["sessions"]), got

    check("client.session.list (paged)", client_list)

    def client_refresh():
        s = alice["sessions"][1]
        r = authn.client.session.refresh(s["refresh_token"], user_token=s["user_token"])
        new = r.result.active_token.token
        assert new != s["user_token"] and new.startswith("ptu_")
        assert r.result.refresh_token.token == s["refresh_token"]
        # The new token works, the old one is revoked.
        assert authn.client.token_endpoints.check(new).result.id == r.result.active_token.id
        expect(PangeaAPIException, lambda: authn.client.token_endpoints.check(s["user_token"]))
        s["user_token"] = new

    check("client.session.refresh, then the new token", client_refresh)

    def client_invalidate():
        tok = alice["sessions"][1]["user_token"]
        target = alice["sessions"][2]["session_id"]
        authn.client.session.invalidate(tok, target)
        r = authn.client.session.list(tok, size=50)
        assert target not in {x.id for x in r.result.sessions}
        # Another user's session is not the caller's to end.
        expect(NotFound, lambda: authn.client.session.invalidate(tok, bob["sessions"][0]["session_id"]), "NotFound")

    check("client.session.invalidate", client_invalidate)

    def client_logout():
        tok = alice["sessions"][1]["user_token"]
        authn.client.session.logout(tok)
        exc = expect(PangeaAPIException, lambda: authn.client.session.list(tok))
        assert exc.response.status == "InvalidToken", exc.response.status
        # Only that session ended.
        r = authn.client.session.list(alice["sessions"][0]["user_token"], size=50)
        assert alice["sessions"][0]["session_id"] in {x.id for x in r.result.sessions}

    check("client.session.logout", client_logout)

    def session_invalidate():
        sid = carol["sessions"][0]["session_id"]
        r = authn.session.invalidate(sid)
        assert r.status == "Success"
        expect(NotFound, lambda: authn.session.invalidate(sid), "NotFound")

    check("session.invalidate", session_invalidate)

    def session_logout():
        r = authn.session.logout(dave["user_id"])
        assert r.status == "Success"
        r = authn.session.list(filter={"identity": dave["user_id"]})
        assert r.result.sessions == []

    check("session.logout", session_logout)

    def bad_tokens():
        bad = AuthN("pts_" + "a" * 32, config=config)
        expect(UnauthorizedException, lambda: bad.session.list(size=1), "Unauthorized")
        expect(PangeaAPIException, lambda: authn.client.token_endpoints.check("ptu_" + "a" * 32), "InvalidToken")
        exc = expect(ValidationException, lambda: authn.session.invalidate("pmt_nope"), "ValidationError")
        assert exc.errors[0].source == "/session_id", exc.errors
        expect(PangeaAPIException, lambda: authn.client.session.refresh("ptr_" + "a" * 32), "InvalidToken")

    check("error paths raise the SDK's exceptions", bad_tokens)

    if len(sys.argv) > 2:
        async_checks(sys.argv[2])

    passed = results.count(True)
    failed = results.count(False)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
