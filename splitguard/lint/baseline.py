"""Accepted findings: `--write-baseline FILE` records them, `--baseline FILE` forgives them.

A finding is recognised by its fingerprint (code, split, class, column), not by
its message: counts and samples change from run to run, the place does not. A finding
not in the baseline still fails, so the gate holds against new problems.

An aggregated finding (a rule firing on many classes of one split) is recorded class by
class: the baseline accepts exactly the classes it listed, and a class that joins the
list later fails as a new finding. The baseline is applied before aggregation, so the
accepted classes leave the list and the rest are still reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from splitguard.core.errors import InputError
from splitguard.lint.findings import Finding

VERSION = 1


def read_baseline(path: str | Path) -> frozenset[str]:
    """The fingerprints a baseline file accepts."""
    path = Path(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{path}: no such baseline file. Write one with --write-baseline."
        ) from None
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{path}: not a readable baseline file ({exc}). "
            "Give the JSON file that --write-baseline wrote."
        ) from None
    if not isinstance(payload, dict) or payload.get("version") != VERSION:
        raise InputError(f"{path}: not a splitguard baseline (version {VERSION}); write it again.")
    entries = payload.get("findings", [])
    if not isinstance(entries, list):
        raise InputError(
            f"{path}: 'findings' must be a list of findings, not {type(entries).__name__}. "
            "Write the baseline again with --write-baseline."
        )
    fingerprints = []
    for number, entry in enumerate(entries, 1):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise InputError(
                f"{path}: finding #{number} has no 'fingerprint' string ({_short(entry)}). "
                "Write the baseline again with --write-baseline."
            )
        fingerprints.append(fingerprint)
    return frozenset(fingerprints)


def _short(value: object, limit: int = 80) -> str:
    """`value` as JSON, cut to `limit` characters: enough to find it in the file."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def baseline_payload(findings: Iterable[Finding]) -> dict[str, object]:
    """A baseline file's content: fingerprints, with code and message to read it by."""
    entries = [
        {"fingerprint": fingerprint, "code": f.code, "message": message}
        for f in findings
        for fingerprint, message in zip(
            f.class_fingerprints(), [e.message for e in f.classes] or [f.message], strict=True
        )
    ]
    return {"version": VERSION, "findings": sorted(entries, key=lambda e: e["fingerprint"])}
