"""A document's depth (core.documents): refused past `MAX_DEPTH`, at the first object or array
too deep, however deep the document is, before anything that recurses walks it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openpeace.core.documents import (
    MAX_DEPTH,
    DocumentError,
    depth_problem,
    json_document,
    schema_problems,
)
from openpeace.core.terms_document import TermsError, terms_from_document

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=3)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner,
                                                                 max_size=3),
    max_leaves=30,
)


def depth(document: object) -> int:
    """How many objects and arrays deep `document` nests, by the definition itself."""
    if isinstance(document, dict):
        return 1 + max(map(depth, document.values()), default=0)
    if isinstance(document, list):
        return 1 + max(map(depth, document), default=0)
    return 0


def nested(levels: int) -> object:
    """Objects and arrays in turn, `levels` deep: {"a": [{"a": [...]}]}."""
    document: object = 0
    for level in range(levels):
        document = {"a": document} if level % 2 else [document]
    return document


@given(documents, st.integers(1, 6))
def test_a_document_is_refused_exactly_when_it_nests_past_the_limit(
    document: object, limit: int
) -> None:
    problem = depth_problem(document, limit)
    assert (problem is None) == (depth(document) <= limit)


@given(st.integers(1, 20_000))
def test_any_depth_is_measured_without_recursion(levels: int) -> None:
    """Python's own recursion stops at about 1,000 levels: the check does not."""
    problem = depth_problem(nested(levels))
    assert (problem is None) == (levels <= MAX_DEPTH)
    if problem is not None:  # at the first one too deep, whose path is MAX_DEPTH steps long
        assert problem.path.count("[0]") + problem.path.count("a") == MAX_DEPTH


def test_the_problem_names_the_place_inside_the_larger_document() -> None:
    problem = depth_problem({"clauses": [[[]]]}, limit=3, at="terms")
    assert problem is not None and problem.path == "terms.clauses[0][0]"


@given(st.integers(1, 200_000))
def test_json_text_is_read_only_when_shallow_however_deep_it_is(levels: int) -> None:
    """Even past the depth at which the parser itself runs out of stack."""
    text = "[" * levels + "]" * levels
    if levels <= MAX_DEPTH:
        assert depth(json_document(text)) == levels
    else:
        with pytest.raises(DocumentError, match=f"more than {MAX_DEPTH} levels deep"):
            json_document(text)


def test_json_that_is_not_json_is_a_decode_error() -> None:
    with pytest.raises(json.JSONDecodeError):
        json_document("{")


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 300, 900, 5_000])
def test_a_schema_check_says_too_deep_instead_of_failing(levels: int) -> None:
    """jsonschema_rs stops with a ValueError some hundreds of levels down; the terms reader
    refuses the document, naming where, as it refuses any other bad terms."""
    terms = {"principles": nested(levels)}
    (problem,) = schema_problems(terms, "openpeace.core.schemas", "terms.schema.json")
    assert problem.path.startswith("principles") and "levels deep" in problem.message
    with pytest.raises(TermsError, match="levels deep"):
        terms_from_document(terms)
