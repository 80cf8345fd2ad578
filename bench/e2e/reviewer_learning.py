#!/usr/bin/env python3
"""Learning from reviewer corrections (issue 17, point 5): a learning curve of category accuracy.

For each seed pair (A, B) it
  1. generates file A in an unfamiliar phrasing (tests/tools/gen_recon_data.py --templates, default the held-out
     tests/tools/other_team_templates.json) and runs `recon detect A` in a fresh directory (the model is trained on
     A, the store is new);
  2. for each N in --corrections: copies that directory, writes the true CATEGORY of the first N flagged true
     anomalies of A (in file order) to corrections.csv (anomaly_id, category) and imports it with
     `recon review import` (a row giving the category an anomaly already has changes nothing, so only the wrong
     ones become corrections: "applied" below);
  3. runs `recon detect B` on a new file in the same phrasing (fresh rows, seed B) with that store, and measures
     category accuracy on B's flagged true anomalies.

Also reported: the share of B's flagged true anomalies whose comment is, word for word, a corrected comment
("verbatim"), and the accuracy on B's flagged true anomalies whose comment occurs nowhere in file A ("unseen": the
same subset for every N), to tell memorised phrases from generalisation.

Using the held-out phrasing inside this benchmark's own store is the point of the benchmark; recon's defaults
never see it.

Python 3 standard library only. Example:
  /usr/bin/python3 bench/e2e/reviewer_learning.py --recon build/release/src/recon/cli/recon \\
      --rows 100000 --pairs 11:12 13:14 15:16 --corrections 0 100 200 400 800
"""
import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GENERATOR = os.path.join(ROOT, "tests", "tools", "gen_recon_data.py")
HELD_OUT = os.path.join(ROOT, "tests", "tools", "other_team_templates.json")
DEFAULT_RECON = os.path.join(ROOT, "build", "release", "src", "recon", "cli", "recon")


def generate(templates, rows, seed, path):
    subprocess.run([sys.executable, GENERATOR, "--rows", str(rows), "--seed", str(seed), "--labels",
                    "--templates", templates, "--out", path], check=True)


def detect(recon, data, out, workdir, config):
    command = [recon, "detect", data, "--all", "--out", out, "-q"]
    if config:
        command += ["--config", config]
    subprocess.run(command, check=True, cwd=workdir, stdout=subprocess.DEVNULL)


def start_lines(path):
    """The physical line each data record starts on (the store keys an anomaly by it)."""
    with open(path, newline="", encoding="utf-8") as raw:
        reader = csv.reader(raw)
        next(reader)
        lines = []
        previous_end = reader.line_num
        for _record in reader:
            lines.append(previous_end + 1)
            previous_end = reader.line_num
    return lines


def flagged_true(data, out):
    """Flagged true anomalies of a detect run, in file order, with their start line."""
    lines = start_lines(data)
    with open(out, newline="", encoding="utf-8") as result:
        return [dict(row, line=lines[idx]) for idx, row in enumerate(csv.DictReader(result))
                if row["flagged"] == "1" and row["IS_ANOMALY"] == "1"]


def import_corrections(recon, workdir, rows, config):
    """Imports rows [(anomaly_id, category)]; returns how many changed a category."""
    path = os.path.join(workdir, "corrections.csv")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["anomaly_id", "category"])
        writer.writerows(rows)
    command = [recon, "review", "import", path, "--reviewer", "bench"]
    if config:
        command += ["--config", config]
    answer = subprocess.run(command, check=True, cwd=workdir, capture_output=True, text=True).stdout
    # "  rows N: A corrected, U already so, R refused"
    counts = answer.splitlines()[1].split(":")[1].split(",")
    return int(counts[0].split()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recon", default=DEFAULT_RECON, help="recon binary (default: build/release)")
    parser.add_argument("--templates", default=HELD_OUT, help="phrasing of both files (default: held-out)")
    parser.add_argument("--rows", type=int, default=100000, help="rows per generated file")
    parser.add_argument("--pairs", nargs="+", default=["11:12", "13:14", "15:16"], help="seed pairs A:B")
    parser.add_argument("--corrections", type=int, nargs="+", default=[0, 100, 200, 400, 800],
                        help="how many of A's flagged true anomalies a reviewer labels")
    parser.add_argument("--config", default=None, help="YAML config for recon (e.g. categoriser.correction_weight)")
    args = parser.parse_args()
    recon = os.path.abspath(args.recon)
    templates = os.path.abspath(args.templates)
    config = os.path.abspath(args.config) if args.config else None
    # N -> [applied, correct on B, flagged true on B, verbatim on B, unseen on B, correct among the unseen]
    totals = {n: [0, 0, 0, 0, 0, 0] for n in args.corrections}
    for pair in args.pairs:
        seed_a, seed_b = (int(seed) for seed in pair.split(":"))
        with tempfile.TemporaryDirectory(prefix="reviewer_learning_") as scratch:
            base = os.path.join(scratch, "base")
            os.makedirs(base)
            data_a = os.path.join(scratch, "a.csv")
            data_b = os.path.join(scratch, "b.csv")
            generate(templates, args.rows, seed_a, data_a)
            generate(templates, args.rows, seed_b, data_b)
            detect(recon, data_a, os.path.join(scratch, "a_out.csv"), base, config)
            with sqlite3.connect(os.path.join(base, "var", "recon.db")) as db:
                id_of_line = dict(db.execute("SELECT line, id FROM anomalies"))
            truth_a = flagged_true(data_a, os.path.join(scratch, "a_out.csv"))
            with open(data_a, newline="", encoding="utf-8") as raw:
                comments_a = {row["COMMENT"] for row in csv.DictReader(raw)}
            for n in args.corrections:
                if n > len(truth_a):
                    sys.exit("A (seed %d) has only %d flagged true anomalies, fewer than %d" % (seed_a, len(truth_a), n))
                run = os.path.join(scratch, "n%d" % n)
                shutil.copytree(base, run)
                labelled = [(id_of_line[row["line"]], row["CATEGORY"]) for row in truth_a[:n]]
                applied = import_corrections(recon, run, labelled, config) if labelled else 0
                corrected_comments = {row["COMMENT"] for row in truth_a[:n] if row["category"] != row["CATEGORY"]}
                out_b = os.path.join(run, "b_out.csv")
                detect(recon, data_b, out_b, run, config)
                truth_b = flagged_true(data_b, out_b)
                correct = sum(row["category"] == row["CATEGORY"] for row in truth_b)
                verbatim = sum(row["COMMENT"] in corrected_comments for row in truth_b)
                unseen = [row["category"] == row["CATEGORY"] for row in truth_b if row["COMMENT"] not in comments_a]
                print("pair %d:%d  N %4d  applied %4d  B accuracy %.4f (%d/%d)  verbatim %.3f  unseen %.4f (%d)" %
                      (seed_a, seed_b, n, applied, correct / max(1, len(truth_b)), correct, len(truth_b),
                       verbatim / max(1, len(truth_b)), sum(unseen) / max(1, len(unseen)), len(unseen)),
                      flush=True)
                for slot, value in enumerate((applied, correct, len(truth_b), verbatim, len(unseen), sum(unseen))):
                    totals[n][slot] += value
    print()
    print("| reviewer labels N (per pair) | corrections applied (all pairs) | accuracy on B's flagged true anomalies | "
          "of them with a corrected comment, verbatim | accuracy where B's comment is unseen in A |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n in args.corrections:
        applied, correct, flagged, verbatim, unseen, correct_unseen = totals[n]
        print("| %d | %d | %.4f (%d/%d) | %.3f | %.4f (%d/%d) |" %
              (n, applied, correct / max(1, flagged), correct, flagged, verbatim / max(1, flagged),
               correct_unseen / max(1, unseen), correct_unseen, unseen))


if __name__ == "__main__":
    main()
