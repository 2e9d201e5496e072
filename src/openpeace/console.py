"""Progress for long command-line jobs: a live bar on a terminal, a line per stage elsewhere.

A load of tens of thousands of rows that prints nothing looks like a hang; one that redraws a
bar into a CI log floods it. So the display depends on where the output goes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from openpeace.world.services import Progress as ProgressCallback


@contextmanager
def progress_display(stream: TextIO, *, quiet: bool = False) -> Iterator[ProgressCallback]:
    """Yield a `progress(stage, done, total)` callback that shows the job's progress."""
    if quiet:
        yield lambda stage, done, total: None
        return
    console = Console(file=stream)
    if not console.is_terminal:

        def line(stage: str, done: int, total: int) -> None:
            if done == total:
                stream.write(f"  {stage}: {total}\n")
                stream.flush()

        yield line
        return
    with Progress(
        TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or 1)
            bar.update(tasks[stage], completed=done if total else 1)

        yield update
