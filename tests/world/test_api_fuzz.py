"""Schema fuzzing: every operation, with generated parameters, answers as its schema says.

schemathesis generates requests from the OpenAPI schema and checks every answer: no 500, a
status code the schema documents, a body that matches its schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import settings

from openpeace.api import api
from openpeace.core.situation import Situation
from openpeace.wsgi import application

# The treaties' operations are fuzzed with published treaties in tests/treaties/test_api.py.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api")).exclude(
    path_regex="treaties"
)


@pytest.fixture
def app() -> Iterator[Any]:
    """The WSGI application, kept inside the test's transaction as Django's test client does.

    Each request would otherwise close the database connection when it ends, and with it the
    transaction that holds the test's data.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25)
def test_every_operation_answers_as_documented(case: Any, loaded: Situation, app: Any) -> None:
    case.call_and_validate(app=app)
