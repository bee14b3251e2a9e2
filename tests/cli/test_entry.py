"""The `splitguard` executable (`cli.main.run`): main's exit status under fewer young
collections, then an exit that leaves the loaded modules to the operating system
(gc.freeze), and nothing lost."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from splitguard.cli import main as cli_main


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """The test process goes on after `run`: give its objects back to the collector, at
    its thresholds."""
    thresholds = gc.get_threshold()
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.parametrize(("returned", "status"), [(None, None), (1, 1)])
def test_run_exits_with_mains_status_and_freezes_the_heap(
    monkeypatch: pytest.MonkeyPatch, unfrozen: None, returned: int | None, status: int | None
) -> None:
    monkeypatch.setattr(cli_main, "main", lambda argv=None: returned)
    with pytest.raises(SystemExit) as exit_:
        cli_main.run([])
    assert exit_.value.code == status
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == cli_main.GC_YOUNG_THRESHOLD


def test_run_freezes_when_main_exits_with_an_error(
    monkeypatch: pytest.MonkeyPatch, unfrozen: None
) -> None:
    def fails(argv: list[str] | None = None) -> None:
        sys.exit(2)

    monkeypatch.setattr(cli_main, "main", fails)
    with pytest.raises(SystemExit) as exit_:
        cli_main.run([])
    assert exit_.value.code == 2
    assert gc.get_freeze_count() > 0


def test_main_alone_freezes_nothing_and_keeps_the_thresholds(unfrozen: None) -> None:
    thresholds = gc.get_threshold()
    with pytest.raises(SystemExit):
        cli_main.main(["rules", "--no-such-option"])
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


def test_a_frozen_exit_still_flushes_every_output_and_runs_the_atexit_hooks(
    tmp_path: Path,
) -> None:
    table = tmp_path / "t.csv"
    table.write_text("id,lab\n" + "".join(f"{i},{'a|b' if i % 3 else 'c'}\n" for i in range(300)))
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n"
        "from splitguard.cli.main import run\n"
        "run(sys.argv[1:])\n"
    )
    out = tmp_path / "out"
    args = ["split", str(table), "--labels", "lab", "--sep", "|", "--id", "id", "--out", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", program, *args], capture_output=True, text=True, check=False
    )
    assert done.returncode in (0, 1), done.stderr
    assert done.stderr.rstrip().endswith("atexit ran")
    # The console's last lines, and every file the run names, whole.
    assert "written to" in done.stdout
    assert done.stdout.rstrip().endswith("report.html")
    for name in ("train.parquet", "val.parquet", "test.parquet", "report.json", "report.html"):
        assert (out / name).stat().st_size > 0
    import pyarrow.parquet as pq

    rows = sum(pq.read_table(out / f"{s}.parquet").num_rows for s in ("train", "val", "test"))
    assert rows == 300
