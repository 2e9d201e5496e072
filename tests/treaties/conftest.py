"""Two secret treaties over the small test register (tests/treaties/mini-treaties.yaml)."""

from __future__ import annotations

import datetime as dt
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


# When the Straits Pact is published: the tests repudiate it on 23 November 1917, and a treaty
# cannot be repudiated before it is published.
PUBLISHED_1917 = dt.datetime(1917, 11, 23, 12, tzinfo=dt.timezone(dt.timedelta(hours=3)))


@pytest.fixture
def published(secret: dict[str, Treaty]) -> Treaty:
    """The Straits Pact published on 23 November 1917; the Finnish Note still secret."""
    treaty_publish(treaty=secret["straits-pact"], at=PUBLISHED_1917)
    return Treaty.objects.get(key="straits-pact")
