"""The bearer tokens of the roles that act from outside (envoys, commissions, trustees): made,
hashed and held in one place.

A token is 256 random bits, shown once to the official who issues it; only its SHA-256 is kept.
A fast hash is enough for a secret this long (it cannot be brute-forced), and it keeps the
lookup a single indexed equality.

The site's own secrets (the links mailed to the public) and its pseudonyms are keyed hashes
under the site's `SECRET_KEY` (`keyed_hash`), one key per purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Model, QuerySet
from django.utils import timezone

Holder = TypeVar("Holder", bound=Model)

PREFIX = "op_"
"""Every token starts so, which makes one easy to recognise (and to scan for in leaked text)."""


class TokenHolder(models.Model):
    """Whoever acts by a token: only its hash is kept, with when it was issued and revoked."""

    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def token_new() -> str:
    """A fresh token: the prefix and 32 random bytes, URL-safe."""
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored and looked up: SHA-256 of the token, hex (any character outside ASCII
    is hashed as `?`, so no input raises)."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def keyed_hash(purpose: str, data: bytes) -> str:
    """HMAC-SHA256 of `data`, hex, under a key derived from the site's `SECRET_KEY` for
    `purpose`. A link's secret made so from a reference need not be stored (the mail job makes
    it again); a pseudonym made so recognises a person without keeping the address, and cannot
    be tested against a guessed address without the key. Each purpose has its own key, so that
    one use's values say nothing of another's (a follower's pseudonym is not an endorser's).
    A new `SECRET_KEY` makes every value anew: links already mailed stop working, and
    pseudonyms kept no longer match."""
    key = hashlib.sha256(b"openpeace " + purpose.encode() + b"\0" + settings.SECRET_KEY.encode())
    return hmac.new(key.digest(), data, hashlib.sha256).hexdigest()


def holder_authenticate(holders: QuerySet[Holder], token: str) -> Holder | None:
    """The holder of `token` among `holders`, unless it is unknown or revoked."""
    return holders.filter(token_hash=token_hash(token), revoked_at__isnull=True).first()


def holder_revoke(holder: Any) -> None:
    """Revoke a holder's token (once: a second revocation keeps the first date)."""
    if holder.revoked_at is None:
        holder.revoked_at = timezone.now()
        holder.save(update_fields=["revoked_at"])
