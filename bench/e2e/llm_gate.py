#!/usr/bin/env python3
"""LLM cost of `recon detect --llm` against one call per anomaly, on generated data, against the fake
OpenAI-compatible server (tests/tools/fake_llm_server.py) answering each trade's true category after a fixed
latency (an "oracle" LLM: the accuracy row is what a perfect model would add, the upper bound of local + LLM).

Prints a markdown table: flagged anomalies (= calls of the naive one-call-per-anomaly design), anomalies the
local-first gate routes to the LLM, calls after deduplication and cache, calls on a rerun, tokens, wall time, and
category accuracy on the flagged true anomalies for local-only and local + LLM.

Usage: /usr/bin/python3 bench/e2e/llm_gate.py [--rows 100000] [--latency-ms 200] [--concurrency 8] [--recon BIN]
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def accuracy(path):
    right = total = 0
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            if row["flagged"] == "1" and row["IS_ANOMALY"] == "1":
                total += 1
                right += row["category"] == row["CATEGORY"]
    return right / total if total else float("nan")


def run(recon, workdir, args):
    started = time.perf_counter()
    out = subprocess.run([recon, *args], cwd=workdir, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - started, out


def llm_line(summary):
    match = re.search(r"llm \(.*?\): (\d+) asked, cache (\d+) hits / (\d+) misses, (\d+) calls .*?tokens (\d+) in / "
                      r"(\d+) out", summary)
    if not match:
        raise SystemExit("no llm line in:\n" + summary)
    return [int(value) for value in match.groups()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--latency-ms", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--recon", default=os.path.join(ROOT, "build", "release", "src", "recon", "cli", "recon"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="recon-llm-bench-")
    try:
        data = os.path.join(work, "trades.csv")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "tools", "gen_recon_data.py"), "--rows",
                        str(a.rows), "--seed", "7", "--labels", "--out", data], check=True)
        server = subprocess.Popen(["/usr/bin/python3", os.path.join(ROOT, "tests", "tools", "fake_llm_server.py")],
                                  stdout=subprocess.PIPE, text=True)
        port = int(server.stdout.readline().split()[1])
        control = json.dumps({"oracle": data, "latency_ms": a.latency_ms}).encode()
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/control", data=control)).read()
        with open(os.path.join(work, "llm.yaml"), "w") as handle:
            handle.write(f"llm:\n  base_url: http://127.0.0.1:{port}/v1\n  model: oracle\n"
                         f"  max_concurrency: {a.concurrency}\n  requests_per_minute: 100000\n"
                         f"  tokens_per_minute: 100000000\n")
        local_dir, llm_dir = os.path.join(work, "local"), os.path.join(work, "llm")
        os.makedirs(local_dir)
        os.makedirs(llm_dir)
        local_s, local_out = run(a.recon, local_dir, ["detect", data, "--all", "--out", "all.csv"])
        flagged = int(re.search(r"anomalies flagged (\d+)", local_out).group(1))
        local_acc = accuracy(os.path.join(local_dir, "all.csv"))
        # The model is trained once (same seed, same file) so both runs flag the same rows; copy it to isolate
        # the LLM's cost from training.
        shutil.copytree(os.path.join(local_dir, "var", "models"), os.path.join(llm_dir, "var", "models"))
        llm_s, llm_out = run(a.recon, llm_dir, ["--config", "../llm.yaml", "detect", data, "--llm", "--all", "--out",
                                                "all.csv"])
        asked, hits, misses, calls, tokens_in, tokens_out = llm_line(llm_out)
        llm_acc = accuracy(os.path.join(llm_dir, "all.csv"))
        rerun_s, rerun_out = run(a.recon, llm_dir, ["--config", "../llm.yaml", "detect", data, "--llm", "--all",
                                                    "--out", "again.csv"])
        _, rerun_hits, _, rerun_calls, _, _ = llm_line(rerun_out)
        server.terminate()
        print(f"| rows | flagged (naive: 1 call each) | asked after local-first gate | calls after dedupe + cache | "
              f"calls / flagged | calls on rerun | tokens in / out | local-only s | local + LLM s | rerun s | "
              f"category accuracy local | local + oracle LLM |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        print(f"| {a.rows} | {flagged} | {asked} | {calls} | {calls / flagged:.1%} | {rerun_calls} "
              f"({rerun_hits} cache hits) | {tokens_in} / {tokens_out} | {local_s:.2f} | {llm_s:.2f} | {rerun_s:.2f} | "
              f"{local_acc:.3f} | {llm_acc:.3f} |")
        print(f"\nLLM latency {a.latency_ms} ms, concurrency {a.concurrency}: {calls} calls would take "
              f"{calls * a.latency_ms / 1000:.1f} s one after another.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
