"""Signals while files are written: termination cleans up like Ctrl-C.

Ctrl-C raises KeyboardInterrupt, so the writers' cleanup runs; SIGTERM (the default of
`kill`, and how CI runners stop a job) would end the process on the spot and leave its
staging folder behind, so while writing it raises KeyboardInterrupt too, and the
handler is put back afterwards. (A write past `ulimit -f` fails with EFBIG rather than
ending the process: Python ignores SIGXFSZ from start-up.)
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def redeliver_lost_interrupts() -> None:
    """An interrupt that lands in a finalizer (a weakref callback, `__del__`) cannot
    propagate: Python prints "Exception ignored in ..." with a traceback and runs on as if
    nothing happened. Raise it again a millisecond later, once the finalizer is done,
    where the writers' cleanup can handle it (and again, should it land in one once more).
    """
    default = sys.unraisablehook
    if not hasattr(signal, "setitimer") or getattr(default, "redelivers", False):
        return

    def again(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt("an interrupt that arrived in a finalizer")

    def hook(unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            default(unraisable)
            return
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGALRM, again)
            signal.setitimer(signal.ITIMER_REAL, 0.001)

    hook.redelivers = True  # type: ignore[attr-defined]
    sys.unraisablehook = hook


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt for the block's duration."""
    # Handlers can only be set from the main thread; elsewhere the defaults stay.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        # None: a handler not set from Python, which cannot be put back; use the default.
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends (a pair of renames that must not part).

    A signal that arrives meanwhile is noted, and raised again once the block is done,
    so it interrupts after the block, never inside it. (A handler, not a signal mask:
    a mask holds signals for one thread, and the kernel hands a process's signal to any
    thread that does not mask it, such as Arrow's.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, note) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
    if received:
        signal.raise_signal(received[0])
