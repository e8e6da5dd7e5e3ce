#!/usr/bin/env python3
"""Reference values for WavesStats/Agreement (AgreementTests.swift).

Krippendorff's alpha (nominal) from the Python package `krippendorff` (Castro, PyPI),
Cohen's kappa from scikit-learn's `cohen_kappa_score`, and pairwise percent agreement
computed directly from its definition, on Krippendorff's (2011) worked examples and on
seeded random data. Run from this folder:  python3 make.py > expected.json
"""
import json
import itertools
import numpy as np
import krippendorff
from sklearn.metrics import cohen_kappa_score


def percent_agreement(units):
    shares = []
    for row in units:
        v = [x for x in row if x is not None]
        if len(v) < 2:
            continue
        pairs = list(itertools.combinations(v, 2))
        shares.append(sum(a == b for a, b in pairs) / len(pairs))
    return sum(shares) / len(shares) if shares else None


def entry(name, units, published=None):
    coders = len(units[0])
    data = [[np.nan if row[c] is None else row[c] for row in units] for c in range(coders)]
    alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    out = {"name": name, "units": units, "alpha": alpha, "percent_agreement": percent_agreement(units)}
    if coders == 2:
        both = [(r[0], r[1]) for r in units if r[0] is not None and r[1] is not None]
        out["kappa"] = float(cohen_kappa_score([a for a, _ in both], [b for _, b in both]))
    if published is not None:
        out["published_alpha"] = published
    return out


sets = []
# Krippendorff (2011), A: binary data, two observers, no missing data (alpha = 0.095).
a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
sets.append(entry("k2011-binary", [[x, y] for x, y in zip(a, b)], 0.095))
# Krippendorff (2011), B: nominal data, two observers (a..e as 1..5; alpha = 0.692).
a = [1, 1, 2, 2, 4, 3, 3, 3, 5, 4, 4, 1]
b = [2, 1, 2, 2, 2, 3, 3, 3, 5, 4, 4, 4]
sets.append(entry("k2011-nominal-two", [[x, y] for x, y in zip(a, b)], 0.692))
# Krippendorff (2011), C: nominal data, four observers, missing data (alpha = 0.743).
N = None
rows = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
sets.append(entry("k2011-nominal-four-missing", [[rows[c][u] for c in range(4)] for u in range(12)], 0.743))

rng = np.random.default_rng(2026)
for i, (coders, n, cats, miss, agree) in enumerate([
    (2, 40, 2, 0.0, 0.7), (2, 120, 2, 0.1, 0.85), (2, 60, 4, 0.05, 0.6),
    (3, 50, 2, 0.15, 0.8), (4, 80, 3, 0.2, 0.7), (5, 30, 2, 0.3, 0.5), (2, 200, 2, 0.0, 0.95),
]):
    units = []
    for _ in range(n):
        truth = int(rng.integers(cats))
        row = []
        for _ in range(coders):
            if rng.random() < miss:
                row.append(None)
            elif rng.random() < agree:
                row.append(truth)
            else:
                row.append(int(rng.integers(cats)))
        units.append(row)
    sets.append(entry(f"random-{i + 1}-c{coders}-n{n}-k{cats}", units))

print(json.dumps({"source": "make.py: krippendorff %s, scikit-learn cohen_kappa_score" % "1.9.1", "sets": sets}, indent=1))
