#!/usr/bin/env python3
"""Triage quality of `recon detect` on generated, labelled files, one per comment phrasing (issue 17).

For each phrasing it generates a file with tests/tools/gen_recon_data.py, runs
`recon detect FILE --all --out OUT` in a fresh temporary directory (so var/ starts empty: the model is
trained on that file and the store is new), and prints, over the flagged true anomalies:

  - category accuracy and the commonest confusions (true -> predicted);
  - auto-resolution precision (auto-resolved anomalies that truly are Timing Issues / auto-resolved) and
    recall (auto-resolved true Timing Issues / flagged true Timing Issues);
  - a reliability table: verdicts binned by confidence, with count, mean confidence and accuracy, and the
    expected calibration error (ECE, the count-weighted mean |accuracy - confidence| over the bins).

The confidence is read from the store (var/recon.db), which keeps it for every anomaly; the CSV does not.

Phrasings (--phrasing NAME=TEMPLATES, repeatable; default: project and held-out):
  project   the generator's default templates (tests/tools/recon_templates.json), which made the corpus
  dev       tests/tools/dev_team_templates.json: a third team's phrasing, for tuning generalisation
  held-out  tests/tools/other_team_templates.json: never trained or tuned on; measured once per candidate

--dump FILE writes one line per flagged true anomaly (phrasing, seed, trade id, true and predicted category,
confidence) for fitting or inspecting calibration.

Python 3 standard library only. Example:
  /usr/bin/python3 bench/e2e/triage_quality.py --rows 100000 --seeds 5 \
      --phrasing project=tests/tools/recon_templates.json --phrasing held-out=tests/tools/other_team_templates.json
"""
import argparse
import collections
import csv
import os
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATOR = os.path.join(ROOT, "tests", "tools", "gen_recon_data.py")
DEFAULT_RECON = os.path.join(ROOT, "build", "release", "src", "recon", "cli", "recon")
KNOWN_PHRASINGS = {
    "project": os.path.join(ROOT, "tests", "tools", "recon_templates.json"),
    "dev": os.path.join(ROOT, "tests", "tools", "dev_team_templates.json"),
    "held-out": os.path.join(ROOT, "tests", "tools", "other_team_templates.json"),
}
TIMING = "Timing Issue"
AUTO_RESOLVED = "Auto-Resolved"
BIN_EDGES = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0000001)


def run_one(recon, templates, rows, seed, workdir, config):
    """Generates a file, runs detect on it in `workdir`; returns its flagged rows with their confidence."""
    data = os.path.join(workdir, "data.csv")
    out = os.path.join(workdir, "out.csv")
    subprocess.run([sys.executable, GENERATOR, "--rows", str(rows), "--seed", str(seed), "--labels",
                    "--templates", templates, "--out", data], check=True)
    command = [recon, "detect", data, "--all", "--out", out]
    if config:
        command += ["--config", config]
    subprocess.run(command, check=True, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    confidence = {}
    with sqlite3.connect(os.path.join(workdir, "var", "recon.db")) as db:
        for trade_id, line, value in db.execute("SELECT trade_id, line, confidence FROM anomalies"):
            confidence[(trade_id, line)] = value
    # The store keys an anomaly by its first physical line; csv.reader's line_num is where a record ends.
    flagged = []
    with open(data, newline="", encoding="utf-8") as raw, open(out, newline="", encoding="utf-8") as result:
        reader = csv.reader(raw)
        next(reader)
        start_lines = []
        previous_end = reader.line_num
        for _record in reader:
            start_lines.append(previous_end + 1)
            previous_end = reader.line_num
        for row_idx, row in enumerate(csv.DictReader(result)):
            if row["flagged"] != "1":
                continue
            row["confidence"] = confidence.get((row["TRADE_ID"], start_lines[row_idx]))
            flagged.append(row)
    return flagged


def reliability(pairs):
    """Bins (confidence, correct) pairs; returns rows (low, high, count, mean confidence, accuracy) and the ECE."""
    table = []
    total = len(pairs)
    ece = 0.0
    for low, high in zip(BIN_EDGES, BIN_EDGES[1:]):
        members = [(c, ok) for c, ok in pairs if low <= c < high]
        if not members:
            continue
        mean_conf = sum(c for c, _ in members) / len(members)
        accuracy = sum(ok for _, ok in members) / len(members)
        ece += len(members) / total * abs(accuracy - mean_conf)
        table.append((low, min(high, 1.0), len(members), mean_conf, accuracy))
    return table, ece


def report(name, flagged, top_confusions):
    true_anomalies = [r for r in flagged if r["IS_ANOMALY"] == "1"]
    correct = [r["category"] == r["CATEGORY"] for r in true_anomalies]
    accuracy = sum(correct) / max(1, len(true_anomalies))
    print("## %s" % name)
    print("flagged %d, true anomalies among them %d, category accuracy %.4f" %
          (len(flagged), len(true_anomalies), accuracy))
    confusions = collections.Counter((r["CATEGORY"], r["category"]) for r in true_anomalies
                                     if r["category"] != r["CATEGORY"])
    print("commonest confusions (true -> predicted):")
    for (truth, predicted), count in confusions.most_common(top_confusions):
        print("  %5d  %s -> %s" % (count, truth, predicted))
    auto = [r for r in flagged if r["status"] == AUTO_RESOLVED]
    auto_right = sum(r["CATEGORY"] == TIMING for r in auto)
    timing = sum(r["CATEGORY"] == TIMING for r in true_anomalies)
    timing_auto = sum(r["CATEGORY"] == TIMING and r["status"] == AUTO_RESOLVED for r in true_anomalies)
    print("auto-resolved %d: precision %.4f (%d not Timing Issues), recall %.4f of %d flagged Timing Issues" %
          (len(auto), auto_right / max(1, len(auto)), len(auto) - auto_right, timing_auto / max(1, timing), timing))
    pairs = [(r["confidence"], ok) for r, ok in zip(true_anomalies, correct) if r["confidence"] is not None]
    table, ece = reliability(pairs)
    print("reliability (flagged true anomalies):")
    print("  | confidence | count | mean confidence | accuracy |")
    print("  | --- | ---: | ---: | ---: |")
    for low, high, count, mean_conf, acc in table:
        print("  | %.2f-%.2f | %d | %.3f | %.3f |" % (low, high, count, mean_conf, acc))
    print("  ECE %.4f over %d verdicts" % (ece, len(pairs)))
    print()
    return accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recon", default=DEFAULT_RECON, help="recon binary (default: build/release)")
    parser.add_argument("--rows", type=int, default=100000, help="rows per generated file")
    parser.add_argument("--seeds", type=int, nargs="+", default=[5], help="generator seeds (one file each)")
    parser.add_argument("--phrasing", action="append", default=[],
                        help="NAME=TEMPLATES.json, or a known NAME (project, dev, held-out); repeatable")
    parser.add_argument("--config", default=None, help="YAML config passed to recon detect")
    parser.add_argument("--top-confusions", type=int, default=8)
    parser.add_argument("--dump", default=None, help="write per-anomaly verdicts to this CSV")
    args = parser.parse_args()
    phrasings = args.phrasing or ["project", "held-out"]
    config = os.path.abspath(args.config) if args.config else None
    dump_rows = []
    for spec in phrasings:
        name, _eq, templates = spec.partition("=")
        templates = templates or KNOWN_PHRASINGS.get(name)
        if not templates:
            sys.exit("unknown phrasing %r: give NAME=TEMPLATES.json" % spec)
        flagged = []
        for seed in args.seeds:
            with tempfile.TemporaryDirectory(prefix="triage_quality_") as workdir:
                rows = run_one(os.path.abspath(args.recon), os.path.abspath(templates), args.rows, seed, workdir,
                               config)
            for row in rows:
                row["seed"] = seed
            flagged.extend(rows)
        report("%s (%s, %d rows x seeds %s)" % (name, os.path.relpath(templates, ROOT), args.rows,
                                                " ".join(map(str, args.seeds))),
               flagged, args.top_confusions)
        dump_rows.extend((name, r["seed"], r["TRADE_ID"], r["CATEGORY"], r["category"], r["confidence"])
                         for r in flagged if r["IS_ANOMALY"] == "1")
    if args.dump:
        with open(args.dump, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["phrasing", "seed", "trade_id", "truth", "predicted", "confidence"])
            writer.writerows(dump_rows)


if __name__ == "__main__":
    main()
