"""A small plebiscite of the test register, ready for ballots: 5 voters, 2-of-3 trustees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from openpeace.core import plebiscite as core
from openpeace.core.situation import Situation
from openpeace.log import keys
from openpeace.plebiscites import services
from openpeace.plebiscites.demo import Trustees, key_ceremony
from openpeace.plebiscites.models import Plebiscite, Trustee
from openpeace.plebiscites.selectors import election_of
from openpeace.selfdetermination.services import commission_issue
from openpeace.world.models import Nationality, State

UTC = dt.UTC
OPENS = dt.datetime(1918, 1, 1, tzinfo=UTC)
CLOSES = dt.datetime(1918, 1, 10, tzinfo=UTC)
DURING = dt.datetime(1918, 1, 5, tzinfo=UTC)
ARABIC_QUESTION = "دولة مستقلة، أم الانضمام إلى أي دولة؟"
"""A separate state, or joining which state? (the Algerians' question, right to left)"""


@dataclass
class Running:
    plebiscite: Plebiscite
    token: str
    credentials: list[core.PrivateCredential]
    trustees: Trustees
    during: dt.datetime = DURING

    def trustee(self, index: int) -> Trustee:
        return self.trustees.appointed[index].trustee

    def token_of(self, index: int) -> str:
        return self.trustees.appointed[index].token

    @property
    def election(self) -> core.Election:
        return election_of(self.plebiscite)

    def ballot(self, voter: int, choice: int) -> bytes:
        return core.encrypt_ballot(self.election, self.credentials[voter], choice).data

    def cast(self, voter: int, choice: int) -> None:
        services.ballot_cast(plebiscite=self.plebiscite, data=self.ballot(voter, choice),
                             at=self.during)

    def finish(self, trustees: tuple[int, ...] = (1, 2)) -> Plebiscite:
        services.plebiscite_close(commission=self.plebiscite.commission,
                                  plebiscite=self.plebiscite, at=self.plebiscite.closes_at)
        self.plebiscite.refresh_from_db()
        from openpeace.plebiscites.selectors import board_of

        for index in trustees:
            _, partial = core.partial_decrypt(self.election, self.trustees.keys[index],
                                              board_of(self.plebiscite))
            services.decryption_submit(trustee=self.trustee(index), plebiscite=self.plebiscite,
                                       partial=partial, at=self.plebiscite.closes_at)
        self.plebiscite.refresh_from_db()
        return self.plebiscite


@dataclass
class Called:
    """A plebiscite with its credentials published, before its trustees are appointed."""

    plebiscite: Plebiscite
    token: str
    credentials: list[core.PrivateCredential]


def first_language(nationality: Nationality) -> str:
    """The tag of the nationality's first language (by tag): its plebiscites' by default."""
    language = nationality.languages.first()
    assert language is not None
    return language.tag


def call(nationality: str, joins: list[str], voters: int = 5, opens: dt.datetime = OPENS,
         closes: dt.datetime = CLOSES, question: str = "A separate state, or join which?",
         language: str | None = None) -> Called:
    issued = commission_issue(nationality=Nationality.objects.get(key=nationality),
                              label=f"{nationality} commission")
    plebiscite = services.plebiscite_create(
        commission=issued.commission, nationality=issued.commission.nationality,
        question=question, language=language or first_language(issued.commission.nationality),
        joins=[State.objects.get(key=k) for k in joins], opens_at=opens, closes_at=closes,
        trustees=3, threshold=2, at=opens - dt.timedelta(days=1),
    )
    private, public = core.issue(voters)
    services.plebiscite_credentials_publish(commission=issued.commission, plebiscite=plebiscite,
                                            credentials=public)
    return Called(plebiscite, issued.token, private)


def start(nationality: str, joins: list[str], voters: int = 5, opens: dt.datetime = OPENS,
          closes: dt.datetime = CLOSES, question: str = "A separate state, or join which?",
          language: str | None = None) -> Running:
    called = call(nationality, joins, voters, opens, closes, question, language)
    plebiscite, trustees = key_ceremony(called.plebiscite.commission, called.plebiscite,
                                        ["Trustee A", "Trustee B", "Trustee C"])
    return Running(plebiscite, called.token, called.credentials, trustees,
                   opens + (closes - opens) / 2)


@pytest.fixture
def finns(loaded: Situation) -> Running:
    """The Finns (ruled by Russia, not occupied) vote: separate state or join Russia."""
    return start("finns", ["russia"])


@pytest.fixture
def armenians(loaded: Situation) -> Running:
    """The Armenians (Erzurum occupied by Russia since 1916) vote."""
    return start("armenians", ["russia", "ottoman-empire"])


@pytest.fixture
def called(loaded: Situation) -> Called:
    """The Finns' plebiscite, its credentials published: the commission appoints trustees."""
    return call("finns", ["russia"])


@pytest.fixture
def open_now(loaded: Situation) -> Running:
    """The Finns' plebiscite, voting now (for the API, which casts at the current time)."""
    from django.utils import timezone

    now = timezone.now()
    return start("finns", ["russia"], opens=now - dt.timedelta(hours=1),
                 closes=now + dt.timedelta(hours=1))


@pytest.fixture
def log_key(settings: Any, tmp_path: Path) -> Iterator[None]:
    """A fresh log signing key in a temporary data directory."""
    settings.DATA_DIR = tmp_path / "data"
    keys.signer.cache_clear()
    yield
    keys.signer.cache_clear()
