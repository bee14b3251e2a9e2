"""Fixtures for the report tests: the NIH report dict (see nih_report.py) and its pages."""

from __future__ import annotations

from typing import Any

import pytest
from report.nih_report import nih_report
from report.rendered import Rendered, render

from splitguard.core.frame import LabelFrame


@pytest.fixture(scope="session")
def split_report(nih_frame: LabelFrame) -> dict[str, Any]:
    return nih_report(nih_frame)


@pytest.fixture(scope="session")
def split_pages(split_report: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    """The NIH split report as written by `split`, rendered once per session."""
    return render(tmp_path_factory.mktemp("split-report"), split_report)


@pytest.fixture(scope="session")
def fix_pages(nih_frame: LabelFrame, tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    return render(tmp_path_factory.mktemp("fix-report"), nih_report(nih_frame, "fix"))
