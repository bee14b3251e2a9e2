"""The engine: select the rules, run them on shared aggregates, filter, decide the exit.

    result = lint(frame, LintConfig(select=("SG2",), options={"min-positives": {"test": 25}}))
    status = exit_status(result.findings, fail_on="error")

The `LintConfig` is built once at the edge (the command line and its config file, the
Python API, a test); the engine and the rules only read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from splitguard.core.errors import EXIT_FAIL, EXIT_SUCCESS, SplitguardError
from splitguard.lint.aggregated import aggregate
from splitguard.lint.config import LintConfig
from splitguard.lint.findings import SEVERITIES, Finding, Severity, severity_rank
from splitguard.lint.sampled import Sample, SampledTable
from splitguard.rules.base import Context, Rule

if TYPE_CHECKING:
    from splitguard.core.frame import LabelFrame

OUTPUT_VERSION = 1


class RuleError(SplitguardError):
    """A rule that raised instead of yielding findings."""


@dataclass(frozen=True, slots=True)
class LintResult:
    """The findings to report, the rules that ran, and what baseline and ignores held back."""

    findings: tuple[Finding, ...]
    rules: tuple[type[Rule], ...]
    accepted: tuple[Finding, ...] = ()
    ignored: int = 0
    fail_on: Severity = "error"
    # Set when the rules that read rows saw a sample of the table (an engine's check).
    sample: Sample | None = None

    @property
    def sampled_rules(self) -> tuple[type[Rule], ...]:
        """The rules that ran on the sample (none when the whole table was read)."""
        if self.sample is None or self.sample.whole:
            return ()
        return tuple(rule for rule in self.rules if rule.reads == "rows")

    @property
    def failing(self) -> tuple[Finding, ...]:
        return failing(self.findings, self.fail_on)

    def summary(self) -> dict[str, Any]:
        counts = {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}
        return {
            "total": len(self.findings),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "failing": len(self.failing),
            "fail_on": self.fail_on,
            "accepted": len(self.accepted),
            "ignored": self.ignored,
            "rules_run": [rule.code for rule in self.rules],
        } | self._sample_summary()

    def _sample_summary(self) -> dict[str, Any]:
        """{"sample": ...} when the rules that read rows saw a sample, else nothing."""
        if self.sample is None:
            return {}
        return {"sample": self.sample.as_dict([rule.code for rule in self.sampled_rules])}

    def as_dict(self) -> dict[str, Any]:
        """The JSON output: `{"version": 1, "findings": [...], "summary": {...}}`."""
        return {
            "version": OUTPUT_VERSION,
            "findings": [finding.as_dict() for finding in self.findings],
            "summary": self.summary(),
        }


def failing(findings: Iterable[Finding], fail_on: str = "error") -> tuple[Finding, ...]:
    """The findings at or above the `fail_on` severity."""
    limit = severity_rank(fail_on)
    return tuple(f for f in findings if severity_rank(f.severity) <= limit)


def exit_status(
    findings: Iterable[Finding], fail_on: str = "error", exit_zero: bool = False
) -> int:
    """EXIT_FAIL when a finding is at or above `fail_on`, unless `exit_zero`; else EXIT_SUCCESS."""
    if exit_zero or not failing(findings, fail_on):
        return EXIT_SUCCESS
    return EXIT_FAIL


def lint(
    table: LabelFrame | SampledTable,
    config: LintConfig | None = None,
    *,
    rules: Mapping[str, type[Rule]] | None = None,
) -> LintResult:
    """Run the selected rules on `table` and filter their findings as `config` says.

    `table` is a frame, or an engine's counts with a sample of rows (`SampledTable`):
    then the rules that read counts run on the counts, the others on the sample.
    """
    from splitguard.rules import select

    if config is None:
        config = LintConfig()
    if rules is None:
        from splitguard.rules.registry import registered_rules

        rules = registered_rules()
    if isinstance(table, SampledTable):
        context = Context(table.frame, config, table.counts, table.sample)
    else:
        context = Context(table, config)
    codes = list(rules)
    chosen = select.select_codes(codes, config.select, config.ignore, config.extend_select)
    overrides = select.severity_overrides(config.severity, codes)
    by_class = select.place_ignores(config.per_class_ignores, codes, "per-class-ignores")
    by_split = select.place_ignores(config.per_split_ignores, codes, "per-split-ignores")
    runnable = [rules[c] for c in chosen if context.has_splits or not rules[c].needs_splits]

    found: list[Finding] = []
    ignored = 0
    for rule in runnable:
        for finding in _run(rule, context):
            if select.silenced(finding, by_class, by_split):
                ignored += 1
            else:
                found.append(select.override(finding, overrides))

    accepted: list[Finding] = []
    if config.baseline:
        from splitguard.lint.baseline import read_baseline

        known = read_baseline(config.baseline)
        accepted = [f for f in found if f.fingerprint in known]
        found = [f for f in found if f.fingerprint not in known]
    # After the baseline, which accepts class by class: a class new to the tail still fails.
    found = aggregate(found, rules)
    if config.hide_ids:
        found = [f.masked() for f in found]
        accepted = [f.masked() for f in accepted]
    found.sort(key=lambda f: (f.code, f.location.split or "", f.location.label or ""))
    return LintResult(
        tuple(found), tuple(runnable), tuple(accepted), ignored, config.fail_on, context.sample
    )


def _run(rule: type[Rule], context: Context) -> list[Finding]:
    try:
        return list(rule().check(context))
    except SplitguardError:
        raise
    except Exception as exc:
        raise RuleError(
            f"rule {rule.code} ({rule.name}, {rule.__module__}) failed: "
            f"{type(exc).__name__}: {exc}. Run with --debug for the traceback; "
            f"--ignore {rule.code} skips it."
        ) from exc
