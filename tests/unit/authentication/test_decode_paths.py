"""The one-parse path of ``decode_token`` gives the verdict of the header-first path.

``decode_token`` decides from one ``jwt.decode_complete`` only when the
header-first path (``_decode_token_checked``) would have tried the same key
first. For each token below, valid or not, both must return the same claims
or raise the same message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt as pyjwt
import pytest

from restflow.authentication.errors import TokenError
from restflow.authentication.jwt import AccessToken, _decode_token_checked, decode_token
from tests.unit.authentication.conftest import HMAC_SECRET

pytestmark = pytest.mark.django_db

OLD = "an-old-signing-secret-" + "o" * 40
OTHER = "a-secret-nobody-configured-" + "q" * 40


def verdict(function, raw):
    try:
        return ("ok", function(raw))
    except TokenError as exc:
        return ("error", str(exc))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def tokens(user) -> dict[str, str]:
    claims = dict(AccessToken.for_user(user).payload)
    now = int(time.time())

    def sign(payload=None, key=HMAC_SECRET, algorithm="HS256", headers=None):
        return pyjwt.encode(claims if payload is None else payload, key, algorithm, headers)

    def forge(header_fields):
        # PyJWT refuses to write some headers, so this signs by hand.
        head = b64(json.dumps({"alg": "HS256", "typ": "JWT", **header_fields}).encode())
        body = b64(json.dumps(claims).encode())
        mac = hmac.new(HMAC_SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256)
        return f"{head}.{body}.{b64(mac.digest())}"

    good = sign()
    header, payload, signature = good.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    missing = {name: sign({k: v for k, v in claims.items() if k != name}) for name in claims}
    return {
        "good": good,
        "kid current": sign(headers={"kid": "current"}),
        "kid old": sign(key=OLD, headers={"kid": "old"}),
        "kid old, current key": sign(headers={"kid": "old"}),
        "kid current, old key": sign(key=OLD, headers={"kid": "current"}),
        "kid unknown": sign(headers={"kid": "nope"}),
        "kid not a string": forge({"kid": 7}),
        "forged by hand": forge({}),
        "no kid, old key": sign(key=OLD),
        "no kid, unknown key": sign(key=OTHER),
        "expired": sign(dict(claims, exp=now - 30, iat=now - 90)),
        "expired, unknown key": sign(dict(claims, exp=now - 30, iat=now - 90), key=OTHER),
        "not yet": sign(dict(claims, nbf=now + 600)),
        "HS512": sign(algorithm="HS512"),
        "none": pyjwt.encode(claims, None, algorithm="none"),
        "flipped signature": f"{header}.{payload}.{flipped}",
        "two segments": f"{header}.{payload}",
        "header not json": f"{b64(b'not json')}.{payload}.{signature}",
        "header a list": f"{b64(b'[1]')}.{payload}.{signature}",
        "payload not json": f"{header}.{b64(b'nope')}.{signature}",
        "garbage": "A" * 300,
        "padding junk": f"{header}.{payload}.{signature}!!",
        **{f"missing {name}": token for name, token in missing.items()},
    }


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"SIGNING_KEY_ID": "current"},
        {"SIGNING_KEY_ID": "current", "VERIFYING_KEYS": {"old": OLD}},
        {"VERIFYING_KEYS": [OLD]},
        {"ISSUER": "https://issuer.test", "AUDIENCE": ["api", "web"]},
        {"LEEWAY": 60},
    ],
    ids=["one key", "kid", "kid and old kid", "old anonymous", "iss and aud", "leeway"],
)
def test_both_paths_agree(jwt_settings, user, config):
    jwt_settings(**config)
    made = tokens(user)
    accepted = set()
    for name, raw in made.items():
        fast, checked = verdict(decode_token, raw), verdict(_decode_token_checked, raw)
        assert fast == checked, name
        if fast[0] == "ok":
            accepted.add(name)
    # The cases above must exercise both outcomes under every configuration.
    assert "good" in accepted or config.get("ISSUER")
    assert "forged by hand" in accepted or config.get("ISSUER")
    assert "expired" not in accepted or config.get("LEEWAY")
