"""Fixtures for the report tests: the NIH split report (see nih_report.py), the report
of a real `fix` run, and their pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report.nih_report import NIH_ARGS, leaky_split, nih_report
from report.rendered import Rendered, read, render

from splitguard.core.frame import LabelFrame
from splitguard.report.model import RunReport


@pytest.fixture(scope="session")
def split_report(nih_frame: LabelFrame) -> RunReport:
    return nih_report(nih_frame)


@pytest.fixture(scope="session")
def split_pages(split_report: RunReport, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The NIH split report as written by `split`, rendered once per session."""
    return render(tmp_path_factory.mktemp("split-report"), split_report)


@pytest.fixture(scope="session")
def fix_run(nih_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `splitguard fix` wrote, repairing a leaky random row split of NIH."""
    from splitguard.cli.main import main

    inputs = leaky_split(nih_path, tmp_path_factory.mktemp("leaky"))
    out = tmp_path_factory.mktemp("fix-run") / "fixed"
    args = ["fix", *inputs, *NIH_ARGS, "--min-positives", "val=20,test=20", "--out", str(out)]
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    assert not code, f"fix exited {code}"
    return out


@pytest.fixture(scope="session")
def fix_report(fix_run: Path) -> RunReport:
    return RunReport.from_dict(json.loads((fix_run / "report.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def fix_pages(fix_run: Path, fix_report: RunReport) -> Rendered:
    return read(fix_run, fix_report)
