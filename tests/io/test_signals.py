"""While writing, SIGTERM cleans up like Ctrl-C; a pair of renames is never parted."""

from __future__ import annotations

import os
import signal

import pytest

from splitguard.io.signals import deferred_interrupts, writing


def test_sigterm_raises_keyboard_interrupt_only_while_writing() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), writing():
        os.kill(os.getpid(), signal.SIGTERM)
        for _ in range(1000):  # the handler runs between bytecodes
            pass
    assert signal.getsignal(signal.SIGTERM) == before


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_in_a_deferred_block_arrives_after_it(signum: int) -> None:
    import pyarrow as pa

    # Arrow's threads are running, as in a real run: a signal mask would not hold.
    pa.array(range(100_000)).sum()
    steps = []
    with pytest.raises(KeyboardInterrupt), writing():
        with deferred_interrupts():
            os.kill(os.getpid(), signum)
            for _ in range(1000):
                pass
            steps.append("first rename")
            steps.append("second rename")
        steps.append("after")
    assert steps == ["first rename", "second rename"]
