"""Reading a situation file (YAML or JSON) into a document, strictly.

Three things ordinary parsers do quietly would corrupt a register or stall its reader, so this
reader refuses them: a key repeated in one mapping (the last value would silently win), YAML's
implicit timestamps (an unquoted `1917-11-08` would become a date object, where the format says
text, and `1917-02-30` would crash instead of being reported), and YAML's aliases (`*name`)
when they make the document more than `MAX_VALUES` values, counting a value once for every
alias to it: ten lines of them nested make billions, the "billion laughs", for the checks to
walk. An alias that repeats a value (as PyYAML writes a list used twice) is read as usual.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from openpeace.core.documents import MAX_DEPTH, DocumentError, Problem, too_deep_message
from openpeace.core.situation import Situation, SituationError, situation_from_document


class _Unreadable(Exception):
    """A problem found while parsing, carried out of the parser to `parse_text`, which raises
    it as the caller's error."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _StrictLoader(yaml.CSafeLoader):
    """libyaml's safe loader, without implicit timestamps and with duplicate keys refused.

    The C parser reads a large situation about ten times faster than PyYAML's Python one.
    """

    def construct_document(self, node: yaml.Node) -> Any:
        _expanded_size(node, {}, set(), 0)
        return super().construct_document(node)


MAX_VALUES = 1_000_000
"""The most values a YAML document may stand for, aliases expanded: the 1917 default has about
20,000, and the checks walk a million in about a second."""


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int],
                   depth: int) -> int:
    """How many values `node` stands for, each alias counted as the value it repeats; each node
    is counted once (`sizes`), so this is as quick as the document is long. A document nesting
    deeper than `MAX_DEPTH` is refused here, before PyYAML's constructor, which recurses, runs
    out of stack on it (a few hundred levels; libyaml itself stops at a thousand)."""
    if id(node) in sizes:
        return sizes[id(node)]
    mark = node.start_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}"
    if id(node) in open_nodes:
        raise _Unreadable(Problem(where, "this value (&name) contains an alias to itself "
                                         "(*name), which never ends"))
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        return 1
    if depth >= MAX_DEPTH:
        raise _Unreadable(Problem(where, too_deep_message(MAX_DEPTH)))
    open_nodes.add(id(node))
    size = 1 + sum(_expanded_size(child, sizes, open_nodes, depth + 1) for child in children)
    open_nodes.discard(id(node))
    if size > MAX_VALUES:
        raise _Unreadable(Problem(where, f"aliases (*name) make this value more than "
                                         f"{MAX_VALUES:,} values: write it without them"))
    sizes[id(node)] = size
    return size


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if key in mapping:
            mark = key_node.start_mark
            raise _Unreadable(Problem(f"line {mark.line + 1}, column {mark.column + 1}",
                                      f"duplicate key {key!r} in one mapping"))
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Unreadable(Problem("(document)", f"duplicate key {key!r} in one object"))
        out[key] = value
    return out


def parse_text(
    text: str, *, is_json: bool, origin: str = "situation",
    error: type[DocumentError] = SituationError,
) -> object:
    """Parse a file's text into a plain document, refusing duplicate keys.

    Every file format is read here (situations, offers, treaties, evacuation plans, demands), so
    a text that cannot be parsed raises the caller's `error`, labelled with its `origin` (the
    file's path): each reader then reports it as its own, with nothing to catch and relabel.
    """
    try:
        if is_json:
            return json.loads(text, object_pairs_hook=_json_object)
        return yaml.load(text, Loader=_StrictLoader)
    except RecursionError:  # JSON nested past the decoder's stack
        problem = Problem("(document)", too_deep_message(MAX_DEPTH))
    except _Unreadable as exc:
        problem = exc.problem
    except json.JSONDecodeError as exc:
        problem = Problem(f"line {exc.lineno}, column {exc.colno}", f"not JSON: {exc.msg}")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(document)"
        problem = Problem(where, f"not YAML: {exc.problem}")
    except yaml.reader.ReaderError as exc:  # a character YAML refuses, such as U+0001
        problem = Problem("(document)", f"not YAML: {exc.reason}")
    except ValueError as exc:  # an integer longer than Python converts (4300 digits)
        problem = Problem("(document)", str(exc))
    raise error([problem], origin)


def read_situation(path: Path) -> Situation:
    """Read, parse and validate the situation file at `path`; errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SituationError([Problem("(file)", f"cannot read: {exc}")], str(path)) from exc
    document = parse_text(text, is_json=path.suffix.lower() == ".json", origin=str(path))
    return situation_from_document(document, origin=str(path))
