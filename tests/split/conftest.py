"""The NIH ChestX-ray14 frame under the name the splitter tests use."""

from __future__ import annotations

import pytest

from splitguard.core.frame import LabelFrame


@pytest.fixture(scope="session")
def nih(nih_frame: LabelFrame) -> LabelFrame:
    """NIH read by the package's own loader: labels, groups, group counts and sizes."""
    return nih_frame
