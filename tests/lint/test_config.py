"""LintConfig: typed once at the edge, frozen, read by the engine and the rules."""

from __future__ import annotations

import dataclasses

import pytest

from splitguard.core.errors import OptionError
from splitguard.core.options import IMBALANCE_THRESHOLD, MIN_POSITIVES
from splitguard.lint.config import LintConfig
from splitguard.rules.coverage_drift import DRIFT_TOLERANCE


def test_of_sorts_the_engine_s_fields_from_the_rules_options() -> None:
    config = LintConfig.of(
        {
            "select": ("SG3",),
            "fail-on": "warning",
            "hide-ids": True,
            "per-class-ignores": {"Hernia": ["SG4"]},
            "drift-tolerance": 0.5,
            "min-positives": {"test": 25},
            "baseline": None,  # unset
        }
    )
    assert (config.select, config.fail_on, config.hide_ids) == (("SG3",), "warning", True)
    assert config.per_class_ignores == {"Hernia": ["SG4"]}
    assert config.baseline is None
    assert config.value(DRIFT_TOLERANCE) == 0.5
    assert config.value(MIN_POSITIVES) == {"test": 25}
    assert config.value(IMBALANCE_THRESHOLD) == 0.01  # the declared default


def test_an_unknown_name_is_an_error_that_suggests_the_option() -> None:
    with pytest.raises(OptionError, match=r"no option 'drift-tolerence' .*'drift-tolerance'"):
        LintConfig.of({"drift-tolerence": 0.5})


def test_the_config_is_frozen_and_its_tables_read_only() -> None:
    config = LintConfig(severity={"SG301": "warning"}, options={"drift-tolerance": 0.5})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.fail_on = "info"  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.options["drift-tolerance"] = 0.9  # type: ignore[index]
    with pytest.raises(TypeError):
        config.severity["SG301"] = "error"  # type: ignore[index]
