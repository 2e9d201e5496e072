"""The functional core never imports Django: not directly, not through another module."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import openpeace.core

CORE = Path(openpeace.core.__file__).parent


def core_modules() -> list[str]:
    return [
        m.name for m in pkgutil.walk_packages([str(CORE)], prefix="openpeace.core.")
    ]


def test_no_core_source_file_names_django() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] == "django"]
    assert offenders == []


def test_importing_every_core_module_loads_no_django() -> None:
    modules = core_modules()
    assert "openpeace.core.situation" in modules
    program = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
