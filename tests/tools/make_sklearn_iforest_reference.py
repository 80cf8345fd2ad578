#!/usr/bin/env python3
"""Writes the scikit-learn IsolationForest references that tests/unit/models/sklearn_iforest_test.cpp checks
recon's forest against, tree by tree: tests/data/sklearn_iforest/<case>.txt.

Needs Debian's python3-sklearn (scripts/setup.sh --bench); the files are committed, so the tests themselves do
not. Recorded with scikit-learn 1.2.1 and numpy 1.24.2 (Debian 12). Usage:
  /usr/bin/python3 tests/tools/make_sklearn_iforest_reference.py

Each case covers one way scikit-learn draws a tree's rows (sample_without_replacement, method "auto"):
  breastw   683 rows of tests/data/odds/breastw.csv (many duplicates): permutation (256/683 in (0.01, 0.99))
  pattern30000  30000 generated rows: tracking selection (256/30000 < 0.01)
  pattern258    258 generated rows: reservoir sampling (256/258 >= 0.99)
The generated rows are Pattern(rows) below, which the C++ test computes the same way.

Format: a line "case <name> rows <n> cols <d> seed <s> trees <t>", then per tree "tree <i> nodes <m>" followed by
its nodes in scikit-learn's order (depth first, left child first) as "<feature> <threshold %.17g> <samples>"
(feature -1 at a leaf), then "scores step <k>" and the score_samples value of every k-th row (%.17g).
"""
import csv
import os

import numpy as np
from sklearn.ensemble import IsolationForest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "sklearn_iforest")
TREES = 10


def pattern(rows, cols=3):
    """Coarse, repetitive values (duplicates and constant columns within small nodes), exact in float32."""
    values = np.empty((rows, cols), dtype=np.float32)
    for i in range(rows):
        for j in range(cols):
            values[i, j] = np.float32(((i * 7919 + j * 104729) * (j + 1)) % 997 / 10.0)
    return values


def odds(name):
    with open(os.path.join(ROOT, "tests", "data", "odds", name + ".csv")) as f:
        rows = list(csv.reader(f))[1:]
    return np.array([[float(v) for v in r[:-1]] for r in rows]).astype(np.float32)


def write(name, X, seed):
    forest = IsolationForest(n_estimators=TREES, random_state=seed).fit(X)
    lines = ["case %s rows %d cols %d seed %d trees %d" % (name, X.shape[0], X.shape[1], seed, TREES)]
    for idx, estimator in enumerate(forest.estimators_):
        tree = estimator.tree_
        lines.append("tree %d nodes %d" % (idx, tree.node_count))
        for node in range(tree.node_count):
            leaf = tree.children_left[node] < 0
            lines.append("%d %.17g %d" % (-1 if leaf else tree.feature[node], 0.0 if leaf else tree.threshold[node],
                                          tree.n_node_samples[node]))
    step = max(1, X.shape[0] // 1000)  # at most about a thousand scores per case keeps the files small
    lines.append("scores step %d" % step)
    lines.extend("%.17g" % s for s in forest.score_samples(X)[::step])
    with open(os.path.join(OUT, name + ".txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    write("breastw", odds("breastw"), 3)
    write("pattern30000", pattern(30000), 7)
    write("pattern258", pattern(258), 42)


if __name__ == "__main__":
    main()
