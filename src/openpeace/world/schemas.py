"""The API's view of the register (django-ninja schemas, hence the OpenAPI schema)."""


import datetime as dt
from typing import Any, Literal

from ninja import Schema

from openpeace.world import models as m


def _keys(related: Any) -> list[str]:
    return [x.key for x in related.all()]


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


class StateOut(Schema):
    key: str
    name: str
    endonym: str
    endonym_language: str | None
    side: str | None
    entered_war: dt.date | None
    government: GovernmentOut
    peoples: list[PeopleOut]
    sources: list[str]

    @staticmethod
    def resolve_endonym_language(obj: m.State) -> str | None:
        return obj.endonym_language.tag if obj.endonym_language else None

    @staticmethod
    def resolve_side(obj: m.State) -> str | None:
        return obj.side.key if obj.side else None

    @staticmethod
    def resolve_peoples(obj: m.State) -> list[m.People]:
        return list(obj.peoples.all())

    @staticmethod
    def resolve_sources(obj: m.State) -> list[str]:
        return _keys(obj.sources)


class TerritoryOut(Schema):
    key: str
    name: str
    held_by: str
    occupied_by: list[str]
    geometry: dict[str, Any] | None
    sources: list[str]

    @staticmethod
    def resolve_held_by(obj: m.Territory) -> str:
        return obj.held_by.key

    @staticmethod
    def resolve_occupied_by(obj: m.Territory) -> list[str]:
        return [o.occupier.key for o in obj.occupations.all()]

    @staticmethod
    def resolve_sources(obj: m.Territory) -> list[str]:
        return _keys(obj.sources)


class NationalityOut(Schema):
    key: str
    name: str
    endonym: str
    endonym_language: str | None
    languages: list[str]
    standing: Literal["metropolitan", "colonial"]
    ruled_by: list[str]
    territories: list[str]
    sources: list[str]

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

    @staticmethod
    def resolve_sources(obj: m.Nationality) -> list[str]:
        return _keys(obj.sources)


class BelligerencyOut(Schema):
    id: int
    state: str
    opponent: str
    since: dt.date
    sources: list[str]

    @staticmethod
    def resolve_state(obj: m.Belligerency) -> str:
        return obj.state.key

    @staticmethod
    def resolve_opponent(obj: m.Belligerency) -> str:
        return obj.opponent.key

    @staticmethod
    def resolve_sources(obj: m.Belligerency) -> list[str]:
        return _keys(obj.sources)


class OccupationOut(Schema):
    id: int
    territory: str
    occupier: str
    since: dt.date
    sources: list[str]

    @staticmethod
    def resolve_territory(obj: m.Occupation) -> str:
        return obj.territory.key

    @staticmethod
    def resolve_occupier(obj: m.Occupation) -> str:
        return obj.occupier.key

    @staticmethod
    def resolve_sources(obj: m.Occupation) -> list[str]:
        return _keys(obj.sources)


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
