"""Choose and silence rules as linters do: codes or code prefixes, the most specific wins.

`--select SG3 --ignore SG304` runs SG301-SG306 but SG304; `--ignore SG3 --select SG302`
runs SG302 alone of the family. An entry that matches no rule is an error, not silence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from splitguard.core.errors import OptionError, closest
from splitguard.lint.findings import SEVERITIES, Finding, Severity

ALL = "ALL"


def _check_known(entries: Iterable[str], codes: Sequence[str], where: str) -> None:
    for entry in entries:
        if entry != ALL and not any(code.startswith(entry) for code in codes):
            raise OptionError(
                f"{where} names {entry!r}, which is no rule code or prefix"
                f"{closest(entry, codes)}. `splitguard rules` lists the codes."
            )


def _longest_match(code: str, entries: Iterable[str]) -> int:
    """Length of the longest entry that `code` starts with; ALL matches at 0; none is -1."""
    return max(
        (0 if e == ALL else len(e) for e in entries if e == ALL or code.startswith(e)), default=-1
    )


def select_codes(
    codes: Sequence[str],
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
) -> list[str]:
    """The codes to run, in the given order."""
    _check_known(select, codes, "--select")
    _check_known(ignore, codes, "--ignore")
    _check_known(extend_select, codes, "--extend-select")
    chosen = [*(select or (ALL,)), *extend_select]
    return [code for code in codes if _longest_match(code, chosen) > _longest_match(code, ignore)]


def severity_overrides(table: Mapping[str, Any], codes: Sequence[str]) -> dict[str, Severity]:
    """The config's `severity` table checked: code or prefix -> a severity."""
    _check_known(table, codes, "the config's `severity` table")
    for entry, severity in table.items():
        if severity not in SEVERITIES:
            raise OptionError(
                f"the config's `severity` gives {entry} {severity!r}; use one of "
                f"{', '.join(SEVERITIES)}."
            )
    return dict(table)


def override(finding: Finding, overrides: Mapping[str, Severity]) -> Finding:
    matches = [entry for entry in overrides if finding.code.startswith(entry)]
    if not matches:
        return finding
    return finding.with_severity(overrides[max(matches, key=len)])


def place_ignores(table: Mapping[str, Any], codes: Sequence[str], key: str) -> dict[str, list[str]]:
    """A `per-class-ignores` or `per-split-ignores` table checked: name -> code prefixes."""
    checked: dict[str, list[str]] = {}
    for name, entries in table.items():
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise OptionError(
                f"the config's `{key}` gives {name!r} {entries!r}; use a list of codes."
            )
        _check_known(entries, codes, f"the config's `{key}` for {name!r}")
        checked[str(name)] = entries
    return checked


def silenced(
    finding: Finding, by_class: Mapping[str, list[str]], by_split: Mapping[str, list[str]]
) -> bool:
    """True when a per-class or per-split ignore covers the finding."""
    where = finding.location
    for place, table in ((where.label, by_class), (where.split, by_split)):
        entries = table.get(place, []) if place is not None else []
        if _longest_match(finding.code, entries) >= 0:
            return True
    return False
