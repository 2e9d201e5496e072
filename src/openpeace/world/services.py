"""Writes to the world register.

`situation_load` is all-or-nothing: the whole situation goes in within one transaction, with
its log entry (which commits to the whole document by its hash), or, on any error, nothing
does. It loads only into an empty register: a situation is the world
the process starts from, and mixing two would make every later act ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from django.db import models, transaction

from openpeace.core import situation as core
from openpeace.log.services import canonical_json, content_store, entry_append
from openpeace.world import models as m

Progress = Callable[[str, int, int], None]
"""Called as `progress(stage, done, total)` while a long job runs."""

M = TypeVar("M", bound=models.Model)
BATCH = 2_000


class _Cited(Protocol):
    """A fact of the situation (`core.State`, `core.Territory`...), with its sources' keys."""

    @property
    def sources(self) -> tuple[str, ...]: ...


class RegisterNotEmpty(RuntimeError):
    """The register already holds a situation; loading another would mix two worlds."""


def register_is_empty() -> bool:
    return not m.SituationRecord.objects.exists() and not m.State.objects.exists()


def _quiet(stage: str, done: int, total: int) -> None:
    """The progress callback of a caller that does not watch."""


@transaction.atomic
def situation_load(situation: core.Situation, *, progress: Progress = _quiet) -> None:
    """Load a validated situation into the empty register, in one transaction."""
    if not register_is_empty():
        raise RegisterNotEmpty(
            "the register already holds a situation; load into an empty database"
        )
    s = situation

    def create(stage: str, objects: Sequence[M]) -> list[M]:
        created: list[M] = []
        for start in range(0, len(objects), BATCH):
            batch = objects[start : start + BATCH]
            created += type(batch[0])._default_manager.bulk_create(batch)
            progress(stage, len(created), len(objects))
        if not objects:
            progress(stage, 0, 0)
        return created

    def link(stage: str, through: type[models.Model], rows: Iterable[dict[str, Any]]) -> None:
        create(stage, [through(**row) for row in rows])

    source = {
        x.key: x
        for x in create("sources", [m.Source(key=x.key, title=x.title, url=x.url or "",
                                             language=x.language or "") for x in s.sources])
    }
    language = {
        x.tag: x
        for x in create(
            "languages",
            [m.Language(tag=x.tag, name=x.name, endonym=x.endonym or "", direction=x.direction)
             for x in s.languages],
        )
    }
    side = {x.key: x for x in create("sides", [m.Side(key=x.key, name=x.name) for x in s.sides])}
    state = {
        x.key: x
        for x in create(
            "states",
            [
                m.State(
                    key=x.key,
                    name=x.name,
                    endonym=x.endonym or "",
                    endonym_language=language.get(x.endonym_language or ""),
                    side=side.get(x.side or ""),
                    entered_war=x.entered_war,
                    geometry=dict(x.geometry) if x.geometry else None,
                )
                for x in s.states
            ],
        )
    }
    create(
        "governments",
        [
            m.Government(
                state=state[x.key],
                name=x.government.name,
                head=x.government.head or "",
                seat=x.government.seat or "",
            )
            for x in s.states
        ],
    )
    people = {
        x.key: x
        for x in create(
            "peoples",
            [m.People(key=p.key, name=p.name, state=state[x.key])
             for x in s.states for p in x.peoples],
        )
    }
    link(
        "people languages",
        m.People.languages.through,
        ({"people_id": people[p.key].pk, "language_id": language[tag].pk}
         for x in s.states for p in x.peoples for tag in p.languages),
    )
    territory = {
        x.key: x
        for x in create(
            "territories",
            [m.Territory(key=x.key, name=x.name, held_by=state[x.held_by],
                         geometry=dict(x.geometry) if x.geometry else None)
             for x in s.territories],
        )
    }
    nationality = {
        x.key: x
        for x in create(
            "nationalities",
            [
                m.Nationality(
                    key=x.key,
                    name=x.name,
                    endonym=x.endonym or "",
                    endonym_language=language.get(x.endonym_language or ""),
                    standing=x.standing,
                )
                for x in s.nationalities
            ],
        )
    }
    link("nationality languages", m.Nationality.languages.through,
         ({"nationality_id": nationality[x.key].pk, "language_id": language[tag].pk}
          for x in s.nationalities for tag in x.languages))
    link("nationality rulers", m.Nationality.ruled_by.through,
         ({"nationality_id": nationality[x.key].pk, "state_id": state[key].pk}
          for x in s.nationalities for key in x.ruled_by))
    link("nationality territories", m.Nationality.territories.through,
         ({"nationality_id": nationality[x.key].pk, "territory_id": territory[key].pk}
          for x in s.nationalities for key in x.territories))
    belligerencies = create(
        "belligerencies",
        [m.Belligerency(state=state[x.state], opponent=state[x.opponent], since=x.since)
         for x in s.belligerencies],
    )
    occupations = create(
        "occupations",
        [m.Occupation(territory=territory[x.territory], occupier=state[x.occupier], since=x.since)
         for x in s.occupations],
    )
    sourced: list[tuple[type[m.Sourced], Sequence[_Cited], Sequence[m.Sourced]]] = [
        (m.State, s.states, [state[x.key] for x in s.states]),
        (m.Territory, s.territories, [territory[x.key] for x in s.territories]),
        (m.Nationality, s.nationalities, [nationality[x.key] for x in s.nationalities]),
        (m.Belligerency, s.belligerencies, belligerencies),
        (m.Occupation, s.occupations, occupations),
    ]
    for model, facts, rows in sourced:
        through = model.sources.through
        fk = f"{model._meta.model_name}_id"
        link(
            f"{model._meta.verbose_name_plural} sources",
            through,
            ({fk: row.pk, "source_id": source[key].pk}
             for fact, row in zip(facts, rows, strict=True) for key in fact.sources),
        )
    m.SituationRecord.objects.create(
        key=s.key,
        title=s.title,
        description=s.description,
        as_of=s.as_of,
        proposing_state=state[s.proposing_state],
    )
    document = canonical_json(core.situation_to_document(s))
    entry_append(
        kind="situation.loaded",
        subject=f"situation:{s.key}",
        content={
            "key": s.key,
            "title": s.title,
            "as_of": s.as_of.isoformat(),
            "document_sha256": content_store(document, "application/json"),
            "states": len(s.states),
            "nationalities": len(s.nationalities),
            "territories": len(s.territories),
        },
    )


def register_subject(row: models.Model) -> str:
    """The log subject of a register row: its kind and its key, as the acts name them
    (`state:germany`, `occupation:TERRITORY:OCCUPIER`)."""
    if isinstance(row, m.Occupation):
        return f"occupation:{row.territory.key}:{row.occupier.key}"
    if isinstance(row, m.Belligerency):
        return f"belligerency:{row.state.key}:{row.opponent.key}"
    if isinstance(row, m.Language):
        return f"language:{row.tag}"
    return f"{row._meta.model_name}:{getattr(row, 'key', row.pk)}"


def _value(value: Any) -> Any:
    """A field's value as the log states it: a row by its key, rows as a sorted list of keys."""
    if isinstance(value, models.Model):
        return getattr(value, "key", None) or getattr(value, "tag", None) or value.pk
    if isinstance(value, models.Manager):
        return sorted(_value(row) for row in value.all())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def register_row(row: models.Model) -> dict[str, Any]:
    """Every field of a register row, as the log states it."""
    fields = [*row._meta.concrete_fields, *row._meta.many_to_many]
    return {field.name: _value(getattr(row, field.name)) for field in fields
            if field.name != "id"}


@transaction.atomic
def register_correct(*, row: models.Model, changed: Sequence[str], official: str,
                     added: bool = False, rows: dict[str, list[models.Model]] | None = None,
                     ) -> Any:
    """An official's correction of the published register (a row added or changed in the
    admin): a public act like any other, logged in the correction's transaction with the row as
    it now is, the fields that changed, and the rows of its own it lists (`rows`: a state's
    governments and peoples). The register was published by `situation_load`; without this, an
    official could quietly change what it said (PRODUCT.md: nobody, the operator included)."""
    return entry_append(
        kind="register.changed",
        subject=register_subject(row),
        content={"register": row._meta.label_lower, "added": added, "changed": list(changed),
                 "row": register_row(row), "official": official,
                 **({"rows": {name: [register_row(r) for r in listed]
                              for name, listed in rows.items()}} if rows else {})},
    )
