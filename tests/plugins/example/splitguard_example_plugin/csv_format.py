"""An example third-party output format: `splitguard check --format csv`, one row per finding."""

from __future__ import annotations

import csv
import io

from splitguard.lint.engine import LintResult
from splitguard.lint.formats import Format, View


class Csv(Format):
    name = "csv"
    help = "a CSV row per finding"

    def render(self, result: LintResult, view: View) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["code", "severity", "file", "line", "message"])
        for finding in view.shown(result).findings:
            where = finding.location
            writer.writerow(
                [
                    finding.code,
                    finding.severity,
                    where.file or "",
                    where.line or "",
                    finding.message,
                ]
            )
        return out.getvalue().rstrip("\n")
