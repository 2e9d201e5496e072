"""Shared fixtures: the small test situation, and a loaded register."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from openpeace.core.situation import Situation
from openpeace.core.situation_file import parse_text, read_situation

MINI = Path(__file__).parent / "world" / "mini.yaml"
DEFAULT_1917 = Path(__file__).parents[1] / "src" / "openpeace" / "situations" / "1917-11.yaml"

settings.register_profile(
    "openpeace", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("openpeace")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Tests render pages without a collectstatic run, so no manifest is needed."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def mini_document() -> dict[str, Any]:
    """A fresh, mutable copy of the small valid situation document."""
    document = parse_text(MINI.read_text(encoding="utf-8"), is_json=False)
    assert isinstance(document, dict)
    return copy.deepcopy(document)


@pytest.fixture
def mini() -> Situation:
    return read_situation(MINI)


@pytest.fixture
def loaded(db: None, mini: Situation) -> Situation:
    """The register with the small situation loaded."""
    from openpeace.world.services import situation_load

    situation_load(mini)
    return mini
