"""Standard Webhooks 1.0 signatures: ``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body``
keyed with the base64-decoded part of the endpoint's ``whsec_`` secret."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

SECRET_PREFIX = "whsec_"


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_…`` secret (a secret without the prefix is taken as base64).

    Strict: a secret that is not base64 (``whsec_!!!!``), or empty, is a ``ValueError`` (the
    attempt fails with it logged) rather than a signature with an empty or guessed key, which
    no receiver would accept (Standard Webhooks libraries refuse an empty secret)."""
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as error:
        raise ValueError(f"The webhook secret is not base64 ({error}).") from error
    if not key:
        raise ValueError("The webhook secret is empty.")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    secrets: list[str], message_id: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The three headers a Standard Webhooks receiver checks: one signature per secret (two
    while one replaces another), space-separated, of which a receiver needs one."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(key, message_id, timestamp, body) for key in secrets),
    }
