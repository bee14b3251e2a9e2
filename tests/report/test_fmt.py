from __future__ import annotations

from splitguard.report.fmt import number


def test_report_numbers_never_use_exponents() -> None:
    # A shortfall of min-positives test=20000 read '2e+04 reached of ...' in the report.
    assert number(20000.0, 3) == "20,000"
    assert number(2.113811410746069e-05, 3) == "0.0000211"
    assert number(None) == "-"
