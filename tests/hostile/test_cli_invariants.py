"""The CLI over random bad tables, names and options: the invariants always hold.

Each example writes its files into a fresh folder tree, snapshots the whole tree, runs
`splitguard` there and checks `hostile.invariants.violations`. The runs go through
`main` in this process (as the console script calls it) for speed; a few go through a
real subprocess, end to end.

The number of examples per test is modest by default; set SPLITGUARD_HOSTILE_EXAMPLES
to run more (such as SPLITGUARD_HOSTILE_EXAMPLES=500 for a long hunt), and
SPLITGUARD_HOSTILE_SHRINK=1 to have a failing case shrunk to its smallest form.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile.cases import Case, check_cases, fix_cases, split_cases, stats_cases
from hostile.invariants import violations
from hostile.sandbox import new_sandbox, run_in_process, run_subprocess, snapshot
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

# An exception Python could only print ("Exception ignored in ...") is a traceback the
# user would see: fail on it.
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
EXAMPLES = int(os.environ.get("SPLITGUARD_HOSTILE_EXAMPLES", "0"))
# Shrinking a failure to its smallest case reruns the CLI hundreds of times (minutes);
# by default a failing case is reported as found.
SHRINK = bool(os.environ.get("SPLITGUARD_HOSTILE_SHRINK"))
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + [Phase.shrink] * SHRINK


def hostile(default: int) -> settings:
    """`default` examples (cheap runs get more), or SPLITGUARD_HOSTILE_EXAMPLES of each."""
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        derandomize=not EXAMPLES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=True,
        phases=PHASES,
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


def run_case(base: Path, case: Case, *, subprocess_cache: Path | None = None) -> None:
    sandbox = new_sandbox(base)
    sandbox.write(case.files)
    (sandbox.work / "existing-empty").mkdir()
    before = snapshot(sandbox.root)
    if subprocess_cache is None:
        outcome = run_in_process(sandbox, case.args)
    else:
        outcome = run_subprocess(sandbox, case.args, cache=subprocess_cache)
    after = snapshot(sandbox.root)
    broken = violations(case, sandbox, before, after, outcome)
    assert not broken, (
        f"{case.describe()}\nexit {outcome.code}\nstdout: {outcome.out[-2000:]}\n"
        f"stderr: {outcome.err[-2000:]}\nbroken:\n- " + "\n- ".join(broken)
    )


@hostile(40)
@given(case=check_cases())
def test_check(base: Path, case: Case) -> None:
    run_case(base, case)


@hostile(25)
@given(case=stats_cases())
def test_stats(base: Path, case: Case) -> None:
    run_case(base, case)


@hostile(20)
@given(case=split_cases())
def test_split(base: Path, case: Case) -> None:
    run_case(base, case)


@hostile(15)
@given(case=fix_cases())
def test_fix(base: Path, case: Case) -> None:
    run_case(base, case)


def _no_nul(case: Case) -> bool:
    # A NUL byte cannot be passed in a process's arguments at all.
    return not any("\x00" in arg for arg in case.args)


@hostile(3)
@given(case=st.one_of(split_cases(), check_cases()).filter(_no_nul))
def test_end_to_end(base: Path, case: Case, tmp_path_factory: pytest.TempPathFactory) -> None:
    run_case(base, case, subprocess_cache=tmp_path_factory.getbasetemp() / "mplconfig")
