#!/usr/bin/env python3
"""`recon serve` against the Python peer's FastAPI service (../shared/peers/seed_py/app.py under uvicorn), in the
same run, on the same trades and a model trained on the same file.

Measures, for each: wrk on GET /health and POST /realtime_anomaly/ (a normal and an anomalous trade; 32
connections, and 1 connection for uncontended latency), POST /batch_anomaly/ with 1000 trades (median of 5), and
5,000 trades round trip over one WebSocket (window of 100 unanswered messages). Prints markdown tables.

Usage: /usr/bin/python3 bench/e2e/serve_vs_peer.py [--rows 100000] [--duration 10] [--recon BIN]
Needs: scripts/setup.sh --bench (wrk, python3-fastapi, python3-uvicorn, scikit-learn, pandas).
"""
import argparse
import csv
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PEER = os.path.join(os.path.dirname(ROOT), "shared", "peers", "seed_py")
LABELS = ("IS_ANOMALY", "CATEGORY")
NUMBERS = ("BOOK_QUANTITY", "STREET_QUANTITY", "QUANTITY_DIFF", "BOOK_PRICE", "STREET_PRICE", "PRICE_DIFF",
           "BOOK_AMOUNT", "STREET_AMOUNT", "AMOUNT_DIFF")


def trades_from(path, count):
    rows = []
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle):
            trade = {k: v for k, v in row.items() if k not in LABELS}
            for key in NUMBERS:
                trade[key] = float(trade[key])
            rows.append((trade, row["IS_ANOMALY"] == "1"))
            if len(rows) >= count:
                break
    return rows


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def wait_healthy(url, proc, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("server did not become healthy: " + url)


def wrk(url, duration, body=None, connections=32, threads=2, workdir="."):
    cmd = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if body is not None:
        script = os.path.join(workdir, f"post_{abs(hash(body))}.lua")
        with open(script, "w") as handle:
            escaped = body.replace("\\", "\\\\").replace('"', '\\"')
            handle.write(f'wrk.method = "POST"\nwrk.body = "{escaped}"\nwrk.headers["Content-Type"] = "application/json"\n')
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True).stdout

    def ms(percent):
        match = re.search(percent + r"%\s+([\d.]+)(us|ms|s|m)\b", out)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms("50")
    p99 = ms("99")
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non2xx": int(non2xx.group(1)) if non2xx else 0}


def batch_seconds(url, trades, repeats=5):
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        post(url, trades)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def ws(tool, port, path, count, window=100):
    out = subprocess.run([tool, "127.0.0.1", str(port), "/ws", path, str(window)], capture_output=True, text=True,
                         timeout=3600).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--recon", default=os.path.join(ROOT, "build", "release", "src", "recon", "cli", "recon"))
    ap.add_argument("--ws-tool", default=os.path.join(ROOT, "build", "release", "bench", "recon_ws_bench"))
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="recon-serve-bench-")
    results = {}
    try:
        data = os.path.join(work, "trades.csv")
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "tools", "gen_recon_data.py"), "--rows",
                        str(a.rows), "--seed", "7", "--labels", "--out", data], check=True)
        rows = trades_from(data, 6000)
        normal = next(trade for trade, label in rows if not label)
        candidates = [trade for trade, label in rows if label][:100]
        batch = [trade for trade, _ in rows[:1000]]
        ws_file = os.path.join(work, "ws.jsonl")
        with open(ws_file, "w") as handle:
            for trade, _ in rows[:5000]:
                handle.write(json.dumps(trade) + "\n")

        # Models: each system trains on the same file its own way.
        peer_dir, recon_dir = os.path.join(work, "peer"), os.path.join(work, "recon")
        os.makedirs(peer_dir)
        os.makedirs(recon_dir)
        subprocess.run(["/usr/bin/python3", os.path.join(PEER, "pipeline.py"), "--input", data, "--output",
                        os.path.join(peer_dir, "out.csv"), "--model-dir", os.path.join(peer_dir, "models"),
                        "--cache", os.path.join(peer_dir, "cache")], check=True, capture_output=True)
        subprocess.run([a.recon, "-q", "train", data], cwd=recon_dir, check=True)

        systems = {
            "peer": (subprocess.Popen(["/usr/bin/python3", "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port",
                                       "8765", "--workers", "1", "--log-level", "warning"], cwd=PEER,
                                      env=dict(os.environ, RECON_MODEL_DIR=os.path.join(peer_dir, "models"),
                                               RECON_CACHE=os.path.join(peer_dir, "cache", "llm_cache"),
                                               RECON_OUT_DIR=peer_dir,
                                               RECON_LOG_FILE=os.path.join(peer_dir, "api.log")),
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), 8765),
        }
        recon_proc = subprocess.Popen([a.recon, "serve", "--port", "8766"], cwd=recon_dir, stdout=subprocess.DEVNULL)
        systems["recon"] = (recon_proc, 8766)
        for name, (proc, port) in systems.items():
            wait_healthy(f"http://127.0.0.1:{port}/health", proc)
        for name, (proc, port) in systems.items():
            base = f"http://127.0.0.1:{port}"
            anomalous = candidates[0]
            for candidate in candidates:
                verdict = post(base + "/realtime_anomaly/", candidate)
                if verdict.get("flagged", verdict.get("anomaly")):
                    anomalous = candidate
                    break
            result = {"health": wrk(base + "/health", a.duration, workdir=work)}
            for label, trade in (("normal", normal), ("anomalous", anomalous)):
                body = json.dumps(trade)
                result[f"rt_{label}_c32"] = wrk(base + "/realtime_anomaly/", a.duration, body, workdir=work)
                result[f"rt_{label}_c1"] = wrk(base + "/realtime_anomaly/", a.duration, body, connections=1,
                                               workdir=work)
            result["batch_1000_s"] = batch_seconds(base + "/batch_anomaly/", batch)
            result["ws"] = ws(a.ws_tool, port, ws_file, 5000)
            results[name] = result
        for proc, _ in systems.values():
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    finally:
        for proc, _ in locals().get("systems", {}).values():
            if proc.poll() is None:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)

    peer, recon = results["peer"], results["recon"]
    print("| measure | peer | recon | recon / peer |")
    print("|---|---|---|---|")
    def row(label, key, field, better="higher"):
        p, r = peer[key][field], recon[key][field]
        ratio = r / p if better == "higher" else p / r
        print(f"| {label} | {p:,.1f} | {r:,.1f} | {ratio:,.1f}x |")
    row("GET /health req/s (32 conn)", "health", "rps")
    row("GET /health p99 ms (32 conn)", "health", "p99_ms", "lower")
    for label in ("normal", "anomalous"):
        row(f"POST /realtime_anomaly/ {label} req/s (32 conn)", f"rt_{label}_c32", "rps")
        row(f"POST /realtime_anomaly/ {label} p50 ms (32 conn)", f"rt_{label}_c32", "p50_ms", "lower")
        row(f"POST /realtime_anomaly/ {label} p99 ms (32 conn)", f"rt_{label}_c32", "p99_ms", "lower")
        row(f"POST /realtime_anomaly/ {label} req/s (1 conn)", f"rt_{label}_c1", "rps")
        row(f"POST /realtime_anomaly/ {label} p50 ms (1 conn)", f"rt_{label}_c1", "p50_ms", "lower")
        row(f"POST /realtime_anomaly/ {label} p99 ms (1 conn)", f"rt_{label}_c1", "p99_ms", "lower")
    p, r = peer["batch_1000_s"], recon["batch_1000_s"]
    print(f"| POST /batch_anomaly/ 1000 trades, s (median of 5) | {p:.3f} | {r:.4f} | {p / r:,.1f}x |")
    row("WebSocket 5,000 trades round trip, trades/s", "ws", "trades_per_s")
    health, realtime = recon["health"]["rps"], recon["rt_anomalous_c32"]["rps"]
    print(f"\nrecon /realtime_anomaly/ (anomalous) at {realtime / health:.0%} of its own /health throughput; "
          f"non-2xx: peer {sum(v.get('non2xx', 0) for v in peer.values() if isinstance(v, dict))}, "
          f"recon {sum(v.get('non2xx', 0) for v in recon.values() if isinstance(v, dict))}.")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
