"""A rule's documentation as one Markdown page: `splitguard rule CODE` and `rules/CODE.md`.

`python -m splitguard.rules.docs rules` rewrites the pages from the docstrings; a test
proves pages, docstrings and registry agree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from splitguard.rules.base import Rule


def rule_markdown(rule: type[Rule]) -> str:
    body = rule.documentation()
    summary, _, rest = body.partition("\n")
    return (
        f"# {rule.code} {rule.name}\n\n"
        f"{summary}\n\n"
        f"Family: {rule.family}. Default severity: {rule.severity}.\n"
        f"{rest.rstrip()}\n"
    )


def write_pages(folder: Path) -> list[Path]:
    from splitguard.rules.registry import registered_rules

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for code, rule in registered_rules().items():
        path = folder / f"{code}.md"
        path.write_text(rule_markdown(rule), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for page in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "rules")):
        print(page)
