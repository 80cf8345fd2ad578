#!/usr/bin/env python3
"""Isolation Forest fit + score of 1M rows x 9 features: scikit-learn against `recon eval`, in the same run.

Writes a seeded random dataset (1% planted outliers) to a temporary CSV, times scikit-learn's IsolationForest
(100 trees, max_samples 256, single-threaded as in the peer's baseline) fit + score_samples, then `recon eval`
(which reports fit + score, CSV loading excluded on both sides), and prints ROC-AUC and times side by side.

Usage: /usr/bin/python3 bench/e2e/iforest_1m_vs_sklearn.py [--rows 1000000] [--recon BIN]
"""
import argparse
import os
import tempfile
import time

from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

from planted_outliers import dataset, write_csv
from recon_eval import DEFAULT_RECON, recon_eval


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--recon", default=DEFAULT_RECON)
    a = ap.parse_args()
    X, y = dataset(a.rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.csv")
        write_csv(path, X, y)
        started = time.perf_counter()
        model = IsolationForest(n_estimators=100, max_samples=256, random_state=0, n_jobs=1).fit(X)
        scores = -model.score_samples(X)
        sk_seconds = time.perf_counter() - started
        sk_auc = roc_auc_score(y, scores)
        ours = recon_eval(a.recon, path, "--algo", "iforest", "--seeds", "1")
    recon_auc, recon_seconds = ours["auc"], ours["s"]
    print("| rows x features | scikit-learn fit+score s (1 thread) | recon fit+score s (%d threads) | speed-up | AUC sklearn | AUC recon |" % os.cpu_count())
    print("|---|---|---|---|---|---|")
    print("| %d x 9 | %.2f | %.3f | %.0fx | %.4f | %.4f |" % (a.rows, sk_seconds, recon_seconds, sk_seconds / recon_seconds, sk_auc, recon_auc))


if __name__ == "__main__":
    main()
