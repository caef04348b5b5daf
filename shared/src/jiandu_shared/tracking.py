"""Tracking codes and secrets for what citizens submit without an account (ARCHITECTURE §8).

A citizen gets a short tracking code to read out on the phone and a secret shown once; only
the secret's hash is stored, and both must match to see the submission. Pure Python.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I: a code survives being read out and typed back.
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_tracking_code(prefix: str, length: int = 10) -> str:
    """``<prefix>-`` and ``length`` unambiguous characters, e.g. ``MY-7K3QX9ZP2M``."""
    return f"{prefix}-" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(length))


def new_secret() -> str:
    """A fresh tracking secret (about 96 bits), URL-safe."""
    return secrets.token_urlsafe(12)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret_hash: str, secret: str) -> bool:
    """Whether ``secret`` is the one ``secret_hash`` was made from (constant time)."""
    return hmac.compare_digest(secret_hash, hash_secret(secret))
