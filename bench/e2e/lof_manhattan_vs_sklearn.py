#!/usr/bin/env python3
"""LOF with the Manhattan metric on the ODDS sets: scikit-learn's LocalOutlierFactor(n_neighbors=20,
metric="manhattan") against `recon eval --algo lof --metric manhattan`, raw and standardised, in the same run.

scikit-learn runs single-threaded on the rows as loaded (standardised with StandardScaler, not timed); recon's time
includes its own scaling. Both sides are timed as the median of FITS (15) fits in one process, as in
odds_vs_sklearn.py (a single fit of a few milliseconds is mostly first-run costs on either side). Prints a markdown
table (bench/RESULTS.md records it).

Usage: /usr/bin/python3 bench/e2e/lof_manhattan_vs_sklearn.py [--odds DIR] [--recon BIN]
"""
import argparse
import glob
import os
import statistics
import time

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

from recon_eval import DEFAULT_RECON, ROOT, recon_eval

FITS = 15


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--odds", default=os.path.join(ROOT, "..", "shared", "data", "odds"))
    ap.add_argument("--recon", default=DEFAULT_RECON)
    a = ap.parse_args()
    print("| dataset | scaling | AUC sklearn | AUC recon | s sklearn | s recon | speed-up |")
    print("|---|---|---|---|---|---|---|")
    for path in sorted(glob.glob(os.path.join(a.odds, "*.csv"))):
        data = np.loadtxt(path, delimiter=",", skiprows=1)
        X, y = data[:, :-1], data[:, -1]
        for scaling in ("none", "standardise"):
            rows = X if scaling == "none" else StandardScaler().fit_transform(X)
            runs = []
            for _ in range(FITS):
                started = time.perf_counter()
                lof = LocalOutlierFactor(n_neighbors=20, metric="manhattan", n_jobs=1).fit(rows)
                runs.append(time.perf_counter() - started)
            sk_seconds = statistics.median(runs)
            sk_auc = roc_auc_score(y, -lof.negative_outlier_factor_)
            ours = recon_eval(a.recon, path, "--algo", "lof", "--metric", "manhattan", "--scaling", scaling,
                              "--repeat", str(FITS))
            auc, seconds = ours["auc"], ours["s"]
            print("| %s | %s | %.4f | %.4f | %.4f | %.4f | %.1fx |" % (
                os.path.splitext(os.path.basename(path))[0], scaling, sk_auc, auc, sk_seconds, seconds,
                sk_seconds / max(seconds, 1e-4)), flush=True)


if __name__ == "__main__":
    main()
