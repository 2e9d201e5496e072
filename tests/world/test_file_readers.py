"""Every file format is parsed by `core.situation_file.parse_text`; a text it cannot parse is
reported by each reader as its own file's problem, at its line, named by the file's path, and
never as a "situation" (nor as a traceback)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from openpeace.core.documents import DocumentError
from openpeace.diplomacy.offer_file import OfferFileError, offer_import
from openpeace.selfdetermination.demand_file import DemandFileError, demands_read
from openpeace.treaties.treaty_file import TreatyFileError, treaties_read
from openpeace.world.evacuation_file import EvacuationFileError, evacuation_read

READERS: list[tuple[Callable[[Path], object], type[DocumentError]]] = [
    (offer_import, OfferFileError),
    (treaties_read, TreatyFileError),
    (demands_read, DemandFileError),
    (lambda path: evacuation_read(path, dt.date(1917, 11, 8)), EvacuationFileError),
]


@pytest.mark.parametrize(("reader", "error"), READERS)
@pytest.mark.parametrize(("name", "text", "problem"), [
    ("f.yaml", "key: [unclosed\n", "line 2, column 1: not YAML: did not find expected ','"),
    ("f.yaml", "key: a\nkey: b\n", "line 2, column 1: duplicate key 'key' in one mapping"),
    ("f.json", '{"key": ', "line 1, column 9: not JSON: Expecting value"),
    ("f.yaml", "key: a\x01\n", "(document): not YAML: control characters are not allowed"),
    ("f.json", '{"key": ' + "9" * 5000 + "}", "(document): Exceeds the limit (4300 digits)"),
])
def test_a_text_that_cannot_be_parsed_is_the_file_s_problem_at_its_line(
    db: None, tmp_path: Path, reader: Callable[[Path], object], error: type[DocumentError],
    name: str, text: str, problem: str,
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(error) as refused:
        reader(path)
    assert str(refused.value).startswith(f"{path}: {problem}"), str(refused.value)
    assert len(refused.value.problems) == 1
