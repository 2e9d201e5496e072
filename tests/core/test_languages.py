"""Language tags and the direction of their script."""

from __future__ import annotations

import pytest

from openpeace.core.languages import direction_of, is_valid_tag


@pytest.mark.parametrize(
    ("tag", "direction"),
    [("ota", "rtl"), ("ar", "rtl"), ("fa", "rtl"), ("he", "rtl"), ("yi", "rtl"),
     ("ku-Arab", "rtl"), ("ckb", "rtl"), ("syr", "rtl"), ("dv", "rtl"),
     ("ru", "ltr"), ("de", "ltr"), ("ku", "ltr"), ("zh-Hant", "ltr"), ("sr-Cyrl", "ltr"),
     ("hy", "ltr"), ("ka", "ltr"), ("ja", "ltr"), ("az-Latn", "ltr")],
)
def test_direction_follows_the_script(tag: str, direction: str) -> None:
    assert direction_of(tag) == direction


@pytest.mark.parametrize("tag", ["de", "pt-BR", "zh-Hant", "sr-Cyrl-RS", "ota", "en-GB-oxendict"])
def test_valid_tags(tag: str) -> None:
    assert is_valid_tag(tag)


@pytest.mark.parametrize("tag", ["", "en-", "xx-yy-zz", "qq", "deutsch", "en_GB", "1917"])
def test_invalid_tags(tag: str) -> None:
    assert not is_valid_tag(tag)
