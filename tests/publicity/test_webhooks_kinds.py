"""The kinds of public act (`openpeace.log.kinds.KINDS`) are the kinds the services write, no
more and no fewer: read from their calls to `entry_append` in the source, and seen in the log
after the 1917 replay and the plebiscite demo. Webhook subscriptions are checked against them
(tests/publicity/test_webhooks.py), so a kind missing here could not be subscribed to, and one
left here after its act is gone would be accepted and never sent."""

from __future__ import annotations

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import openpeace
from openpeace.core.demand import Status as DemandStatus
from openpeace.log.kinds import KINDS
from openpeace.log.models import Entry

SOURCE = Path(openpeace.__file__).parent


class _Module:
    """What one module's code passes as the `kind` of its entries: literal kinds, and the
    prefixes of kinds made from something that is not a literal or a parameter."""

    def __init__(self, tree: ast.Module) -> None:
        self.functions = {node.name: node for node in ast.walk(tree)
                          if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
        enclosing: dict[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None] = {tree: None}
        self.calls: list[tuple[ast.Call, ast.FunctionDef | ast.AsyncFunctionDef | None]] = []
        for node in ast.walk(tree):  # parents before children: each call's innermost function
            for child in ast.iter_child_nodes(node):
                enclosing[child] = node if isinstance(
                    node, ast.FunctionDef | ast.AsyncFunctionDef) else enclosing[node]
            if isinstance(node, ast.Call):
                self.calls.append((node, enclosing[node]))
        self.kinds: set[str] = set()
        self.unresolved: set[str] = set()

    def _argument(self, call: ast.Call, callee: str, parameter: str) -> ast.expr | None:
        for keyword in call.keywords:
            if keyword.arg == parameter:
                return keyword.value
        defined = self.functions.get(callee)
        if defined is not None:
            names = [a.arg for a in (*defined.args.posonlyargs, *defined.args.args)]
            if parameter in names and names.index(parameter) < len(call.args):
                return call.args[names.index(parameter)]
        return None

    def follow(self, callee: str, parameter: str, prefix: str) -> None:
        """Every kind that reaches `callee`'s `parameter`, after `prefix`."""
        for call, caller in self.calls:
            name = call.func.attr if isinstance(call.func, ast.Attribute) else \
                call.func.id if isinstance(call.func, ast.Name) else None
            argument = self._argument(call, callee, parameter) if name == callee else None
            if argument is not None:
                self._resolve(argument, prefix, caller)

    def _resolve(self, value: ast.expr, prefix: str,
                 caller: ast.FunctionDef | ast.AsyncFunctionDef | None) -> None:
        parameters = {a.arg for a in ast.walk(caller.args) if isinstance(a, ast.arg)} \
            if caller is not None else set()
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            self.kinds.add(prefix + value.value)
        elif isinstance(value, ast.Name) and caller is not None and value.id in parameters:
            self.follow(caller.name, value.id, prefix)  # a helper's parameter: its callers'
        elif (isinstance(value, ast.JoinedStr) and len(value.values) == 2
              and isinstance(value.values[0], ast.Constant)
              and isinstance(value.values[1], ast.FormattedValue)):
            self._resolve(value.values[1].value, prefix + str(value.values[0].value), caller)
        else:
            self.unresolved.add(prefix)


def written_kinds() -> tuple[set[str], set[str]]:
    """(the kinds the services write, the prefixes of those made otherwise than from literals)."""
    kinds: set[str] = set()
    unresolved: set[str] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "migrations" in path.parts or "entry_append(" not in text:
            continue
        module = _Module(ast.parse(text))
        module.follow("entry_append", "kind", "")
        kinds |= module.kinds
        unresolved |= module.unresolved
    return kinds, unresolved


def test_the_kinds_are_those_the_services_write() -> None:
    kinds, unresolved = written_kinds()
    assert len(kinds) > 30  # the scan reads what it should
    # A demand's steps are logged as `demand.<its new status>`: the statuses of core.demand.
    assert unresolved == {"demand."}
    written = kinds | {f"demand.{status}" for status in DemandStatus}
    assert sorted(written - set(KINDS)) == []  # written, but not a known kind
    assert sorted(set(KINDS) - written) == []  # known, but written by no service
    assert len(set(KINDS)) == len(KINDS)


@pytest.mark.django_db
def test_every_act_of_the_demos_is_of_a_known_kind() -> None:
    call_command("demo", "replay-1917", stdout=StringIO())
    call_command("demo", "plebiscite", "--voters", "10", stdout=StringIO())
    logged = set(Entry.objects.values_list("kind", flat=True))
    assert len(logged) > 25 and {"offer.released", "plebiscite.result"} <= logged
    assert sorted(logged - set(KINDS)) == []
