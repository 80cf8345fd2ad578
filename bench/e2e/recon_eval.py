"""Running `recon eval` from the scikit-learn comparisons and reading its result line."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_RECON = os.path.join(ROOT, "build", "release", "src", "recon", "cli", "recon")
LINE = re.compile(r"ROC-AUC ([0-9.]+) \+- ([0-9.]+), AP ([0-9.]+) \+- ([0-9.]+), fit\+score ([0-9.]+)s")


def recon_eval(binary, path, *args):
    """`recon eval path args...`: mean ROC-AUC and AP with their spreads, and seconds per run (fit + score)."""
    out = subprocess.run([binary, "eval", path, *args], check=True, capture_output=True, text=True).stdout
    match = LINE.search(out)
    if not match:
        sys.exit("unexpected recon eval output: " + out)
    auc, auc_sd, ap, ap_sd, secs = (float(g) for g in match.groups())
    return {"auc": auc, "auc_sd": auc_sd, "ap": ap, "ap_sd": ap_sd, "s": secs}
