"""The back office's view of the plebiscites: read-only. Every write is a public act with its
log entry, made through the services (API or commands), never edited here; officials can only
revoke a trustee's token."""

from __future__ import annotations

from django.contrib import admin

from openpeace.plebiscites import services
from openpeace.plebiscites.models import CastBallot, Plebiscite, Trustee
from openpeace.web.admin import IssuesTokens, ReadOnly


@admin.register(Plebiscite)
class PlebisciteAdmin(ReadOnly):
    list_display = ["election_id", "nationality", "status", "opens_at", "closes_at"]
    list_filter = ["status"]
    search_fields = ["election_id", "question"]
    exclude = ["parameters", "credentials"]


@admin.register(CastBallot)
class CastBallotAdmin(ReadOnly):
    list_display = ["plebiscite", "position", "tracker", "cast_at"]
    list_filter = ["plebiscite"]
    search_fields = ["tracker", "credential"]
    exclude = ["data"]


@admin.register(Trustee)
class TrusteeAdmin(ReadOnly, IssuesTokens):
    """Trustees are appointed by a commission through the API, which shows the token once to it;
    here officials see them (never their token's hash) and can revoke a token."""

    list_display = ["plebiscite", "index", "name", "issued_at", "revoked_at"]
    list_filter = ["plebiscite"]
    exclude = ["token_hash", "entry"]

    def revoke_one(self, obj: Trustee) -> None:
        services.trustee_revoke(trustee=obj)
