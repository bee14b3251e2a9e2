"""`splitguard.spark.split(sdf, ...)`: a Spark DataFrame's rows with a `split` column.

The keywords are `splitguard.split`'s (the command line's long options with `_`), read
by the same parsers, so a bad value is the same `OptionError`:

    from splitguard.spark import split
    out = split(sdf, labels="Finding Labels", sep="|", group="Patient ID", seed=0)
    out.write.partitionBy("split").parquet("splits")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def split(
    sdf: DataFrame,
    *,
    labels: str | None = None,
    sep: str | None = None,
    none: str | list[str] | None = None,
    label_cols: str | list[str] | None = None,
    uncertain: str | None = None,
    blank: str | None = None,
    id: str | None = None,
    group: str | list[str] | None = None,
    fractions: Mapping[str, float] | str | None = None,
    folds: int | None = None,
    min_positives: Mapping[str, int | str] | str | None = None,
    min_positive_groups: Mapping[str, int] | str | None = None,
    min_prevalence: Mapping[str, float] | str | None = None,
    min_classes: str | list[str] | None = None,
    imbalance_threshold: float | None = None,
    train_floor: float | None = None,
    seed: int | None = None,
    keep: str | Mapping[str, str] | None = None,
    **unknown: Any,
) -> DataFrame:
    """`sdf`'s rows plus a `split` column (`fold` with `folds`), as `splitguard.split`
    assigns them: the same groups in the same splits for the same rows and seed.

    Only the group x class counts reach the driver; the result is a lazy DataFrame
    joined to a small one of group -> split. Rows are split as the in-memory engine
    would split them read in `sdf`'s partition order (a row without a group key is
    named by its place in that order). `keep` is an earlier split whose groups stay
    where they are, as `splitguard split --keep` takes it.
    """
    given = {k: v for k, v in locals().items() if k not in ("sdf", "unknown")}
    from splitguard.app.requests import keyword_values, split_request
    from splitguard.core.options import label_spec
    from splitguard.spark.run import assigned_rows

    names = [key.replace("_", "-") for key in given]
    values = keyword_values("splitguard.spark.split", {**given, **unknown}, names)
    spec, request = label_spec(values), split_request(values)
    return assigned_rows(request, spec, sdf)
