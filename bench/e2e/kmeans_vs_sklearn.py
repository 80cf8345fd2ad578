#!/usr/bin/env python3
"""KMeans against scikit-learn on the same standardised data, in the same run: inertia and fit time.

Data: seeded Gaussian blobs (and the model features of the 10k reconciliation sample when given), standardised
in Python so that recon's internal standardisation is the identity and both inertias are in the same units.
scikit-learn: KMeans(k, n_init, random_state, algorithm="lloyd"), single-threaded (threadpoolctl).

Usage: /usr/bin/python3 bench/e2e/kmeans_vs_sklearn.py [--tool BIN]
"""
import argparse
import os
import subprocess
import tempfile
import time

import numpy as np
from sklearn.cluster import KMeans

try:
    from threadpoolctl import threadpool_limits
except ImportError:
    threadpool_limits = None

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def blobs(rows, dims, centres, seed):
    rng = np.random.default_rng(seed)
    means = rng.normal(scale=5.0, size=(centres, dims))
    labels = rng.integers(0, centres, rows)
    return means[labels] + rng.normal(size=(rows, dims))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", default=os.path.join(ROOT, "build", "release", "bench", "recon_kmeans_tool"))
    a = ap.parse_args()
    cases = [("blobs 100k x 9, k=5", blobs(100_000, 9, 5, 1), 5), ("blobs 200k x 16, k=8", blobs(200_000, 16, 8, 2), 8),
             ("blobs 50k x 9, k=20", blobs(50_000, 9, 20, 3), 20)]
    print("| data | k | n_init | sklearn inertia | recon inertia | difference | sklearn s (1 thread) | recon s (2 threads) | speed-up |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, X, k in cases:
            X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32).astype(np.float64)
            path = os.path.join(tmp, "x.csv")
            np.savetxt(path, X, delimiter=",", header=",".join("f%d" % i for i in range(X.shape[1])), comments="", fmt="%.9g")
            X = np.loadtxt(path, delimiter=",", skiprows=1)
            started = time.perf_counter()
            if threadpool_limits:
                with threadpool_limits(1):
                    model = KMeans(n_clusters=k, n_init=10, random_state=42, algorithm="lloyd").fit(X)
            else:
                model = KMeans(n_clusters=k, n_init=10, random_state=42, algorithm="lloyd").fit(X)
            sk_seconds = time.perf_counter() - started
            out = subprocess.run([a.tool, path, str(k), "10", "42", "2"], check=True, capture_output=True, text=True).stdout.split()
            inertia, seconds = float(out[1]), float(out[3])
            print("| %s | %d | 10 | %.1f | %.1f | %+.3f%% | %.2f | %.3f | %.1fx |" % (
                name, k, model.inertia_, inertia, 100.0 * (inertia - model.inertia_) / model.inertia_, sk_seconds, seconds,
                sk_seconds / seconds))


if __name__ == "__main__":
    main()
