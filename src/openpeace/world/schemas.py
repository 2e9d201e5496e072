"""The API's view of the register (django-ninja schemas, hence the OpenAPI schema)."""


import datetime as dt
from typing import Any, Literal

from ninja import Schema

from openpeace.world import models as m


def _keys(related: Any) -> list[str]:
    return [x.key for x in related.all()]


class SourcedOut(Schema):
    """A fact of the register, with the keys of the sources it rests on."""

    sources: list[str]

    @staticmethod
    def resolve_sources(obj: m.Sourced) -> list[str]:
        return _keys(obj.sources)


class SourceOut(Schema):
    key: str
    title: str
    url: str


class LanguageOut(Schema):
    tag: str
    name: str
    endonym: str
    direction: Literal["ltr", "rtl"]


class SideOut(Schema):
    key: str
    name: str


class GovernmentOut(Schema):
    state: str
    name: str
    head: str
    seat: str

    @staticmethod
    def resolve_state(obj: m.Government) -> str:
        return obj.state.key


class PeopleOut(Schema):
    key: str
    name: str
    state: str
    languages: list[str]

    @staticmethod
    def resolve_state(obj: m.People) -> str:
        return obj.state.key

    @staticmethod
    def resolve_languages(obj: m.People) -> list[str]:
        return [x.tag for x in obj.languages.all()]


class StateOut(SourcedOut):
    key: str
    name: str
    endonym: str
    endonym_language: str | None
    side: str | None
    entered_war: dt.date | None
    government: GovernmentOut
    peoples: list[PeopleOut]

    @staticmethod
    def resolve_endonym_language(obj: m.State) -> str | None:
        return obj.endonym_language.tag if obj.endonym_language else None

    @staticmethod
    def resolve_side(obj: m.State) -> str | None:
        return obj.side.key if obj.side else None

    @staticmethod
    def resolve_peoples(obj: m.State) -> list[m.People]:
        return list(obj.peoples.all())


class TerritoryOut(SourcedOut):
    key: str
    name: str
    held_by: str
    occupied_by: list[str]
    geometry: dict[str, Any] | None

    @staticmethod
    def resolve_held_by(obj: m.Territory) -> str:
        return obj.held_by.key

    @staticmethod
    def resolve_occupied_by(obj: m.Territory) -> list[str]:
        return [o.occupier.key for o in obj.occupations.all()]


class NationalityOut(SourcedOut):
    key: str
    name: str
    endonym: str
    endonym_language: str | None
    languages: list[str]
    standing: Literal["metropolitan", "colonial"]
    ruled_by: list[str]
    territories: list[str]

    @staticmethod
    def resolve_endonym_language(obj: m.Nationality) -> str | None:
        return obj.endonym_language.tag if obj.endonym_language else None

    @staticmethod
    def resolve_languages(obj: m.Nationality) -> list[str]:
        return [x.tag for x in obj.languages.all()]

    @staticmethod
    def resolve_ruled_by(obj: m.Nationality) -> list[str]:
        return _keys(obj.ruled_by)

    @staticmethod
    def resolve_territories(obj: m.Nationality) -> list[str]:
        return _keys(obj.territories)


class BelligerencyOut(SourcedOut):
    id: int
    state: str
    opponent: str
    since: dt.date

    @staticmethod
    def resolve_state(obj: m.Belligerency) -> str:
        return obj.state.key

    @staticmethod
    def resolve_opponent(obj: m.Belligerency) -> str:
        return obj.opponent.key


class OccupationOut(SourcedOut):
    id: int
    territory: str
    occupier: str
    since: dt.date

    @staticmethod
    def resolve_territory(obj: m.Occupation) -> str:
        return obj.territory.key

    @staticmethod
    def resolve_occupier(obj: m.Occupation) -> str:
        return obj.occupier.key


class SituationOut(Schema):
    key: str
    title: str
    description: str
    as_of: dt.date
    proposing_state: str

    @staticmethod
    def resolve_proposing_state(obj: m.SituationRecord) -> str:
        return obj.proposing_state.key


class ErrorOut(Schema):
    detail: str


class ProblemOut(Schema):
    location: str
    message: str


class InvalidOut(Schema):
    """A 422 answer: a one-line summary, and each bad parameter with what is wrong with it."""

    detail: str
    problems: list[ProblemOut]
