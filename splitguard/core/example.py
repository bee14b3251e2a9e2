"""The bundled example: the NIH ChestX-ray14 label table, with its options preset.

112,120 frontal chest X-rays of 30,805 patients, 14 findings (Wang et al., CVPR 2017;
released by the NIH Clinical Center). `No Finding` means no positive label.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from splitguard.core.frame import LabelFrame
from splitguard.core.load import load_frame
from splitguard.core.spec import LabelSpec

NIH_SPEC = LabelSpec(
    labels="Finding Labels",
    sep="|",
    none=("No Finding",),
    id="Image Index",
    group=("Patient ID",),
)


def example_path() -> Path:
    """Where the bundled NIH label table (CSV.gz) lies."""
    return Path(str(resources.files("splitguard") / "data" / "nih_chestxray14_labels.csv.gz"))


def load_example() -> LabelFrame:
    """The NIH ChestX-ray14 label table as a label frame."""
    return load_frame(example_path(), NIH_SPEC)
