"""The kinds of public act: every `kind` a service gives `log.services.entry_append`, the one
list of them.

An entry's kind (`<what>.<what happened>`) names the act it records (docs/architecture.md, "How
an act flows"); a new act is added here with the service that logs it. Readers that let someone
name kinds in advance check against it: a webhook subscription's event types must each match one
(`publicity.webhooks.services`, docs/notifications.md), so that a typo is refused instead of
registering a subscription that never receives anything. tests/publicity/test_webhooks_kinds.py
holds it to the services: every kind they write (read from their calls to `entry_append`, and
seen in the log after the 1917 replay and the plebiscite demo) is here, and nothing else.
"""

from __future__ import annotations

from openpeace.core.demand import Status as DemandStatus

KINDS: tuple[str, ...] = (
    # world
    "situation.loaded", "register.changed",
    "evacuation.plan_adopted", "evacuation.progress_reported", "evacuation.stage_completed",
    "occupation.ended",
    # diplomacy
    "offer.released", "offer.status_changed", "reply.recorded", "process.silent",
    "armistice.recorded", "armistice.denounced", "armistice.breach_reported", "armistice.ended",
    "negotiation.session",
    # treaties
    "treaty.published", "treaty.repudiated", "treaty.text_revised", "treaty.findings_changed",
    # selfdetermination: a demand's steps are logged as `demand.<its new status>`
    "decision.recorded",
    *(f"demand.{status}" for status in DemandStatus),
    # plebiscites
    "plebiscite.created", "plebiscite.credentials_published", "plebiscite.trustee_appointed",
    "plebiscite.dealing", "plebiscite.complaint", "plebiscite.complaint_answered",
    "plebiscite.key_ceremony", "plebiscite.ballot_cast", "plebiscite.ballot_audited",
    "plebiscite.voting_closed", "plebiscite.decryption", "plebiscite.result",
    # publicity: the peoples' endorsements
    "endorsement.period_opened", "endorsement.suspected", "endorsement.released",
    "endorsement.invalidated", "endorsement.tally", "endorsement.recount",
    "endorsement.pseudonymised",
)
"""Every kind of public act, grouped by the app that logs it."""


def kind_words(kind: str) -> str:
    """A kind in words, for a person: `evacuation.plan_adopted` reads "evacuation plan adopted".
    The kind itself stays the act's name wherever it is shown, as the log and its readers name
    it; these words only say it beside."""
    return kind.replace(".", " ").replace("_", " ")
