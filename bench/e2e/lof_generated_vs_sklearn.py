#!/usr/bin/env python3
"""Local Outlier Factor fit (which scores every row) on generated rows: scikit-learn against `recon eval --algo
lof`, in the same run, at sizes beyond the ODDS sets (recon's own use: model features of 10^5-10^6 trades).

Writes seeded normal data (9 features, 1% planted outliers) to a temporary CSV per size, times scikit-learn's
LocalOutlierFactor(n_neighbors=20) fit on standardised rows (single-threaded, as in the ODDS comparison; scaling
not timed) and `recon eval --algo lof --scaling standardise` (which times its own scaling too; CSV loading excluded
on both sides), and prints ROC-AUC and times side by side.

Usage: /usr/bin/python3 bench/e2e/lof_generated_vs_sklearn.py [--rows 100000 1000000] [--recon BIN]
"""
import argparse
import os
import tempfile
import time

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

from planted_outliers import dataset, write_csv
from recon_eval import DEFAULT_RECON, recon_eval


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--recon", default=DEFAULT_RECON)
    a = ap.parse_args()
    print("| rows x features | scikit-learn fit s (1 thread) | recon fit s (%d threads) | speed-up | AUC sklearn | AUC recon |"
          % os.cpu_count())
    print("|---|---|---|---|---|---|")
    for rows in a.rows:
        X, y = dataset(rows)
        X = X.astype(np.float32).astype(np.float64)  # the values recon reads (float32)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "data.csv")
            write_csv(path, X, y)
            Xs = StandardScaler().fit_transform(X)
            started = time.perf_counter()
            lof = LocalOutlierFactor(n_neighbors=20, novelty=False, n_jobs=1).fit(Xs)
            scores = -lof.negative_outlier_factor_
            sk_seconds = time.perf_counter() - started
            sk_auc = roc_auc_score(y, scores)
            ours = recon_eval(a.recon, path, "--algo", "lof", "--scaling", "standardise")
        recon_auc, recon_seconds = ours["auc"], ours["s"]
        print("| %d x 9 | %.2f | %.3f | %.0fx | %.4f | %.4f |" % (rows, sk_seconds, recon_seconds,
                                                                  sk_seconds / recon_seconds, sk_auc, recon_auc),
              flush=True)


if __name__ == "__main__":
    main()
