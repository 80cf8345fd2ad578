#!/usr/bin/env python3
"""Fits the local categoriser's confidence calibration (src/recon/categorise/confidence_calibration.cpp).

Runs `recon detect` with `categoriser.calibrate: false` on generated files in the given phrasings (default: the
project's and the development team's; never the held-out one), pairs each flagged true anomaly's raw probability
with whether its category was right, fits a non-decreasing map by isotonic regression (pool-adjacent-violators),
thins it to --max-knots knots by merging the adjacent blocks with the fewest verdicts, and prints the C++ table
to paste over kKnots.

Python 3 standard library only. Example (the fit shipped, see bench/RESULTS.md):
  /usr/bin/python3 bench/e2e/fit_confidence_calibration.py --rows 100000 --seeds 21 22 23 24
"""
import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import triage_quality  # noqa: E402  (beside this file)


def pool_adjacent_violators(pairs):
    """pairs: (raw, correct) sorted by raw. Returns blocks [sum_raw, sum_correct, count], means non-decreasing."""
    blocks = []
    for raw, correct in pairs:
        if blocks and blocks[-1][0] / blocks[-1][2] == raw:  # equal raw values share one block
            blocks[-1][0] += raw
            blocks[-1][1] += correct
            blocks[-1][2] += 1
        else:
            blocks.append([raw, float(correct), 1])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            for idx in range(3):
                blocks[-1][idx] += last[idx]
    return blocks


def thin(blocks, max_knots):
    """Merges the adjacent pair with the fewest verdicts until at most max_knots remain (stays monotone)."""
    blocks = [list(b) for b in blocks]
    while len(blocks) > max_knots:
        idx = min(range(len(blocks) - 1), key=lambda i: blocks[i][2] + blocks[i + 1][2])
        merged = [a + b for a, b in zip(blocks[idx], blocks[idx + 1])]
        blocks[idx:idx + 2] = [merged]
    return blocks


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recon", default=triage_quality.DEFAULT_RECON)
    parser.add_argument("--rows", type=int, default=100000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[21, 22, 23, 24])
    parser.add_argument("--phrasing", action="append", default=[], help="project, dev or NAME=TEMPLATES.json")
    parser.add_argument("--max-knots", type=int, default=16)
    args = parser.parse_args()
    phrasings = args.phrasing or ["project", "dev"]
    pairs = []
    with tempfile.TemporaryDirectory(prefix="fit_calibration_") as scratch:
        config = os.path.join(scratch, "raw.yaml")
        with open(config, "w", encoding="utf-8") as fh:
            fh.write("categoriser:\n  calibrate: false\n")
        for spec in phrasings:
            name, _eq, templates = spec.partition("=")
            templates = templates or triage_quality.KNOWN_PHRASINGS[name]
            if name == "held-out":
                sys.exit("the held-out phrasing is for measuring only")
            for seed in args.seeds:
                with tempfile.TemporaryDirectory(dir=scratch) as workdir:
                    rows = triage_quality.run_one(os.path.abspath(args.recon), os.path.abspath(templates), args.rows,
                                                  seed, workdir, config)
                pairs.extend((r["confidence"], r["category"] == r["CATEGORY"])
                             for r in rows if r["IS_ANOMALY"] == "1" and r["confidence"] is not None)
    pairs.sort()
    blocks = thin(pool_adjacent_violators(pairs), args.max_knots)
    print("// %d verdicts; phrasings %s; %d rows x seeds %s" %
          (len(pairs), ", ".join(phrasings), args.rows, " ".join(map(str, args.seeds))))
    print("constexpr std::array<CalibrationKnot, %d> kKnots{{" % len(blocks))
    for sum_raw, sum_correct, count in blocks:
        print("    {%.4f, %.4f},  // %d verdicts" % (sum_raw / count, sum_correct / count, count))
    print("}};")


if __name__ == "__main__":
    main()
