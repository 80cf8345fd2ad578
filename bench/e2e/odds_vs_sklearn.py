#!/usr/bin/env python3
"""Accuracy and time of recon's detectors against scikit-learn on the ODDS sets, in the same run.

Runs ../shared/peers/sklearn_baseline.py (IsolationForest seeds 0-4; LOF n_neighbors=20 raw and standardised;
single-threaded) and `recon eval` with the same parameters on every CSV of the ODDS folder, plus recon's Extended
Isolation Forest (`--algo eif`, same settings as the Isolation Forest; scikit-learn has none), then prints a
markdown table (bench/RESULTS.md records it).

LOF times (standardised) are the median of FITS (15) fits in one process on both sides: scikit-learn's here, on the
baseline script's data and settings, and recon's with `recon eval --repeat 15`. The baseline script times a
single fit, the second LOF fit of its process; one-shot timings of 1-20 ms fits vary by a third or more from
run to run on either side.

Usage: /usr/bin/python3 bench/e2e/odds_vs_sklearn.py [--odds DIR] [--recon BIN] [--peers DIR]
"""
import argparse
import glob
import json
import os
import subprocess
import tempfile

from recon_eval import DEFAULT_RECON, ROOT, recon_eval

# Fits per LOF timing, on both sides. Five (the sessions before) left a single 1-ms fit's timing at the mercy of
# this machine's 10-40% swings between runs; fifteen give a steadier median, the same way on both sides.
FITS = 15

SKLEARN_LOF_TIMES = r"""
import glob, json, os, statistics, sys, time
import numpy as np, pandas as pd
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits
times = {}
with threadpool_limits(limits=1):
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.csv"))):
        X = pd.read_csv(path, float_precision="round_trip").iloc[:, :-1].to_numpy(dtype=np.float64)
        X = StandardScaler().fit_transform(X)
        runs = []
        for _ in range(int(sys.argv[2])):
            started = time.perf_counter()
            LocalOutlierFactor(n_neighbors=20, novelty=False, n_jobs=1).fit(X)
            runs.append(time.perf_counter() - started)
        times[os.path.splitext(os.path.basename(path))[0]] = statistics.median(runs)
print(json.dumps(times))
"""
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--odds", default=os.path.join(ROOT, "..", "shared", "data", "odds"))
    ap.add_argument("--peers", default=os.path.join(ROOT, "..", "shared", "peers"))
    ap.add_argument("--recon", default=DEFAULT_RECON)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out_json = os.path.join(tmp, "sklearn.json")
        subprocess.run(["/usr/bin/python3", os.path.join(a.peers, "sklearn_baseline.py"), a.odds, "--out-json", out_json],
                       check=True, capture_output=True)
        sk = {r["dataset"]: r for r in json.load(open(out_json))["results"]}
    sk_lof_s = json.loads(subprocess.run(["/usr/bin/python3", "-c", SKLEARN_LOF_TIMES, a.odds, str(FITS)], check=True,
                                         capture_output=True, text=True).stdout)
    for name, seconds in sk_lof_s.items():
        sk[name]["lof_std"]["time_s"] = seconds
    rows = []
    for path in sorted(glob.glob(os.path.join(a.odds, "*.csv"))):
        name = os.path.splitext(os.path.basename(path))[0]
        ours = {
            "if": recon_eval(a.recon, path, "--algo", "iforest", "--seeds", "5"),
            "eif": recon_eval(a.recon, path, "--algo", "eif", "--seeds", "5"),
            "lof_raw": recon_eval(a.recon, path, "--algo", "lof", "--scaling", "none"),
            "lof_std": recon_eval(a.recon, path, "--algo", "lof", "--scaling", "standardise", "--repeat", str(FITS)),
        }
        rows.append((name, sk[name], ours))
    print("| dataset | n | d | IF AUC sklearn | IF AUC recon | IF AP sklearn | IF AP recon | IF s sklearn | IF s recon "
          "| EIF AUC recon | EIF AP recon | EIF s recon | LOF raw AUC sklearn | LOF raw AUC recon | LOF std AUC sklearn | LOF std AUC recon | LOF std s sklearn "
          "| LOF std s recon | LOF speed-up |")
    print("|" + "---|" * 19)
    sums = {k: 0.0 for k in ("sif", "rif", "reif", "sraw", "rraw", "sstd", "rstd", "slof_s", "rlof_s")}
    for name, s, r in rows:
        print("| %s | %d | %d | %.4f | %.4f | %.4f | %.4f | %.3f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f "
              "| %.4f | %.5f | %.1fx |" % (
            name, s["rows"], s["dims"], s["iforest"]["roc_auc_mean"], r["if"]["auc"], s["iforest"]["ap_mean"], r["if"]["ap"],
            s["iforest"]["time_s_mean"], r["if"]["s"], r["eif"]["auc"], r["eif"]["ap"], r["eif"]["s"],
            s["lof_raw"]["roc_auc"], r["lof_raw"]["auc"],
            s["lof_std"]["roc_auc"], r["lof_std"]["auc"], s["lof_std"]["time_s"], r["lof_std"]["s"],
            s["lof_std"]["time_s"] / max(r["lof_std"]["s"], 1e-4)))
        sums["sif"] += s["iforest"]["roc_auc_mean"]; sums["rif"] += r["if"]["auc"]; sums["reif"] += r["eif"]["auc"]
        sums["sraw"] += s["lof_raw"]["roc_auc"]; sums["rraw"] += r["lof_raw"]["auc"]
        sums["sstd"] += s["lof_std"]["roc_auc"]; sums["rstd"] += r["lof_std"]["auc"]
        sums["slof_s"] += s["lof_std"]["time_s"]; sums["rlof_s"] += r["lof_std"]["s"]
    n = len(rows)
    print("| **mean** (LOF times: total) | | | %.4f | %.4f | | | | | %.4f | | | %.4f | %.4f | %.4f | %.4f | %.4f | %.5f "
          "| %.1fx |" % (
        sums["sif"] / n, sums["rif"] / n, sums["reif"] / n, sums["sraw"] / n, sums["rraw"] / n, sums["sstd"] / n, sums["rstd"] / n,
        sums["slof_s"], sums["rlof_s"], sums["slof_s"] / sums["rlof_s"]))


if __name__ == "__main__":
    main()
