"""A progress bar over the steps of a long command, on a terminal only.

Shown on stderr (stdout may be piped into a file), and gone when the work is done;
never under -q.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

Advance = Callable[[str], None]


@contextlib.contextmanager
def steps(total: int) -> Iterator[Advance]:
    """`advance(description)` marks the start of the next of `total` steps."""
    from splitguard.cli.flags import quiet

    if quiet() or not sys.stderr.isatty():
        yield lambda description: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("starting", total=total)
    started = False

    def advance(description: str) -> None:
        nonlocal started
        if started:
            progress.advance(task)
        started = True
        progress.update(task, description=description)

    with progress:
        yield advance
