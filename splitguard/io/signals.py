"""Signals while files are written: termination cleans up, file-size limits are errors.

Ctrl-C raises KeyboardInterrupt, so the writers' cleanup runs; SIGTERM (the default of
`kill`, and how CI runners stop a job) would end the process on the spot and leave its
staging folder behind, so while writing it raises KeyboardInterrupt too. A write past
`ulimit -f` would end the process by SIGXFSZ; ignored, it fails with EFBIG instead,
which the writers turn into a message. Both handlers are put back afterwards.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt and SIGXFSZ is ignored, for the block's duration."""
    # Handlers can only be set from the main thread; elsewhere the defaults stay.
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted: dict[int, Any] = {signal.SIGTERM: _interrupt}
    if hasattr(signal, "SIGXFSZ"):
        wanted[signal.SIGXFSZ] = signal.SIG_IGN
    previous = {signum: signal.signal(signum, handler) for signum, handler in wanted.items()}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            # None: a handler not set from Python, which cannot be put back; use the default.
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends (a pair of renames that must not part).

    A signal that arrives meanwhile is delivered as the block ends, so it interrupts
    after the block, never inside it.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
