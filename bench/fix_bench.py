"""Benchmark `fix` on a random 80/10/10 row split of NIH against the LP bound of its problem.

    .venv/bin/python bench/fix_bench.py            # seeds 0-2 of the random row split
    .venv/bin/python bench/fix_bench.py --quick    # seed 0 only

The rows of NIH go to train, val and test at random (80/10/10), ignoring patients, so
about 8,000 patients sit in two or three splits. `fix` must put every patient wholly in
one split and keep every split within one point of its input share.

The bound is the LP relaxation of that problem, solved with HiGHS: assign each group
(fractionally) to the splits, every group free to move (a non-leaked group may move to
make room), minimise the rows moved (a group's rows outside its destination), subject to
each split's row count inside its window. Groups with the same rows per split cost the
same and weigh the same, so the LP is written over these types (about a thousand, against
30,805 groups): any fractional assignment of groups adds up to one of types with the same
cost and sizes, and a type's assignment spread evenly over its groups is one of groups.
The relaxation's optimum is thus a lower bound on any whole-group repair's rows moved.

Printed per seed: the rows moved by the balanced fix and by --fewest-moves, the bound,
the ratio, the split sizes before and after, the worst class-share drift (the largest gap,
in points, between a class's share of positives in a split and the split's share of
rows), and the repair's time.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import numpy.typing as npt

from splitguard.split.repair import RepairResult, leak_lower_bound, repair
from splitguard.split.resize import size_windows

FRACTIONS = (0.8, 0.1, 0.1)
SPLITS = ("train", "val", "test")
SEEDS = (0, 1, 2)
GOAL_RATIO = 1.10

Counts = npt.NDArray[np.int64]


def random_row_split(seed: int) -> tuple[Counts, Counts]:
    """NIH's rows per group and split after a random 80/10/10 row split, and its labels."""
    from splitguard.core.example import load_example

    frame = load_example()
    draw = np.random.default_rng(seed).random(frame.groups.size)
    row_split = np.searchsorted(np.cumsum(FRACTIONS)[:-1], draw, side="right")
    rows_by_split = np.zeros((frame.n_groups, len(FRACTIONS)), dtype=np.int64)
    np.add.at(rows_by_split, (frame.groups, row_split), 1)
    return rows_by_split, frame.group_label_counts.toarray().astype(np.int64)


def lp_bound(rows_by_split: Counts, shares: npt.NDArray[np.float64]) -> float:
    """Fewest rows any whole-group repair within the size windows moves (LP relaxation)."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    type_rows, members = np.unique(rows_by_split, axis=0, return_counts=True)
    n_types, n_splits = type_rows.shape
    sizes = type_rows.sum(axis=1)
    low, high = size_windows(shares, int(rows_by_split.sum()))
    # Variable (t, s): how many groups of type t end in split s.
    variables = np.arange(n_types * n_splits)
    cost = (sizes[:, None] - type_rows).ravel()
    each_type = coo_matrix(
        (np.ones(variables.size), (np.repeat(np.arange(n_types), n_splits), variables)),
        shape=(n_types, variables.size),
    )
    split_rows = coo_matrix(
        (np.repeat(sizes, n_splits), (np.tile(np.arange(n_splits), n_types), variables)),
        shape=(n_splits, variables.size),
    )
    result = linprog(
        cost,
        A_ub=vstack([split_rows, -split_rows]),
        b_ub=np.concatenate([high, -low]),
        A_eq=each_type,
        b_eq=members,
        bounds=(0, None),
        method="highs",
    )
    if result.status != 0:
        raise SystemExit(f"the LP found no solution: {result.message}")
    return float(result.fun)


def class_share_drift(result: RepairResult, rows_by_split: Counts, counts: Counts) -> float:
    """Largest gap, in points, between a class's share in a split and the split's share."""
    n_splits = rows_by_split.shape[1]
    sizes = np.bincount(result.group_split, weights=rows_by_split.sum(axis=1), minlength=n_splits)
    positives = np.stack([counts[result.group_split == s].sum(axis=0) for s in range(n_splits)])
    class_share = positives / np.maximum(positives.sum(axis=0), 1)
    return float(100 * np.abs(class_share - (sizes / sizes.sum())[:, None]).max())


def sizes_text(rows: npt.ArrayLike) -> str:
    counts = np.asarray(rows, dtype=np.float64)
    total = counts.sum()
    return ", ".join(
        f"{name} {int(n):,} ({n / total:.1%})" for name, n in zip(SPLITS, counts, strict=True)
    )


def bench(seed: int) -> float:
    """Print one seed's figures; return the balanced fix's ratio to the bound."""
    rows_by_split, counts = random_row_split(seed)
    total = rows_by_split.sum(axis=1)
    shares = rows_by_split.sum(axis=0) / rows_by_split.sum()
    started = time.perf_counter()
    balanced = repair(rows_by_split, counts, shares.tolist(), seed=seed)
    seconds = time.perf_counter() - started
    fewest = repair(rows_by_split, counts, shares.tolist(), seed=seed, fewest_moves=True)
    bound = lp_bound(rows_by_split, shares)
    ratio = balanced.rows_moved / bound
    leaked = int(((rows_by_split > 0).sum(axis=1) > 1).sum())
    print(f"seed {seed}: {leaked:,} leaked groups of {rows_by_split.shape[0]:,}")
    print(f"  sizes before       {sizes_text(rows_by_split.sum(axis=0))}")
    for name, result in (("balanced", balanced), ("--fewest-moves", fewest)):
        after = np.bincount(result.group_split, weights=total, minlength=len(SPLITS))
        print(
            f"  {name:<18} {result.rows_moved:,} rows moved; sizes {sizes_text(after)}; "
            f"class-share drift {class_share_drift(result, rows_by_split, counts):.2f} points"
        )
    print(
        f"  LP bound (sizes within 1 point) {bound:,.1f} rows; balanced / bound = {ratio:.3f} "
        f"(goal <= {GOAL_RATIO}); leak-only bound {leak_lower_bound(rows_by_split):,} rows; "
        f"balanced repair {seconds:.2f} s"
    )
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="seed 0 only")
    args = parser.parse_args()
    ratios = [bench(seed) for seed in (SEEDS[:1] if args.quick else SEEDS)]
    worst = max(ratios)
    verdict = "meets" if worst <= GOAL_RATIO else "misses"
    print(f"worst balanced / bound = {worst:.3f}: {verdict} the goal of {GOAL_RATIO}")


if __name__ == "__main__":
    main()
