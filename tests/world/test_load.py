"""Loading a situation into the register: complete, all-or-nothing, and reversible by export."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.db import transaction
from hypothesis import given

from openpeace.core.situation import Situation
from openpeace.world import models as m
from openpeace.world.selectors import situation_export
from openpeace.world.services import RegisterNotEmpty, situation_load
from tests.strategies import situations

ALL_MODELS = [m.Source, m.Language, m.Side, m.State, m.Government, m.People, m.Territory,
              m.Nationality, m.Belligerency, m.Occupation, m.SituationRecord]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def test_loading_creates_every_fact(loaded: Situation) -> None:
    assert row_counts() == {
        "Source": 1, "Language": 7, "Side": 2, "State": 4, "Government": 4, "People": 4,
        "Territory": 4, "Nationality": 3, "Belligerency": 3, "Occupation": 1,
        "SituationRecord": 1,
    }
    armenians = m.Nationality.objects.get(key="armenians")
    assert sorted(s.key for s in armenians.ruled_by.all()) == ["ottoman-empire", "russia"]
    assert m.Language.objects.get(tag="ota").direction == "rtl"
    erzurum = m.Occupation.objects.get()
    assert (erzurum.territory.key, erzurum.occupier.key) == ("erzurum", "russia")
    assert m.State.objects.get(key="germany").government.head == "Wilhelm II"


def test_progress_is_reported_for_every_stage(db: None, mini: Situation) -> None:
    seen: list[tuple[str, int, int]] = []
    situation_load(mini, progress=lambda *step: seen.append(step))
    stages = {stage for stage, _, _ in seen}
    assert {"states", "nationalities", "territories", "occupations"} <= stages
    assert ("nationalities", 3, 3) in seen


@pytest.mark.parametrize("stage", ["languages", "nationalities", "occupations sources"])
def test_a_failure_midway_leaves_the_register_unchanged(
    db: None, mini: Situation, stage: str
) -> None:
    def crash(at: str, done: int, total: int) -> None:
        if at == stage:
            raise RuntimeError(f"crash while loading {at}")

    with pytest.raises(RuntimeError, match=f"crash while loading {stage}"):
        situation_load(mini, progress=crash)
    assert set(row_counts().values()) == {0}


def test_a_second_situation_is_refused_and_changes_nothing(loaded: Situation) -> None:
    before = row_counts()
    with pytest.raises(RegisterNotEmpty):
        situation_load(loaded)
    assert row_counts() == before


def test_export_reproduces_the_loaded_situation(loaded: Situation) -> None:
    exported = situation_export()
    assert exported.nationalities == loaded.nationalities
    assert exported.belligerencies == loaded.belligerencies
    assert exported.occupations == loaded.occupations
    # A register keeps what a list of languages holds, not its order: they come back sorted.
    russia = exported.states[0]
    assert russia.peoples[0].languages == ("fi", "hy", "ru")
    assert dataclasses.replace(russia, peoples=loaded.states[0].peoples) == loaded.states[0]


def test_export_of_an_empty_register_says_so(db: None) -> None:
    with pytest.raises(LookupError, match="the register is empty"):
        situation_export()


class _Rollback(Exception):
    pass


@given(situation=situations())
def test_generated_situations_round_trip_through_the_database(
    db: None, situation: Any
) -> None:
    try:
        with transaction.atomic():
            situation_load(situation)
            assert situation_export() == situation
            raise _Rollback
    except _Rollback:
        pass
