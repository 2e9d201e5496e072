"""Two secret treaties over the small test register (tests/treaties/mini-treaties.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from openpeace.core.situation import Situation
from openpeace.treaties.models import Treaty
from openpeace.treaties.services import treaty_publish
from openpeace.treaties.treaty_file import treaties_import

MINI_TREATIES = Path(__file__).parent / "mini-treaties.yaml"


@pytest.fixture
def secret(loaded: Situation) -> dict[str, Treaty]:
    """Both treaties, still secret."""
    return {t.key: t for t in treaties_import(MINI_TREATIES)}


@pytest.fixture
def published(secret: dict[str, Treaty]) -> Treaty:
    """The Straits Pact published; the Finnish Note still secret."""
    treaty_publish(treaty=secret["straits-pact"])
    return Treaty.objects.get(key="straits-pact")
