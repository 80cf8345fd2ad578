#!/usr/bin/python3
"""A local OpenAI-compatible /chat/completions server for recon's tests and benchmarks.

Listens on 127.0.0.1 (port 0 = any free port) and prints "PORT <n>" on stdout once ready. It records every
request and can be steered through POST /control with a JSON object:
  script         list of behaviours for the next requests, consumed one per request:
                 "ok", "429:<retry-after seconds>", "500", "slow:<ms>", "malformed", "offlist", "long_summary"
  default        behaviour once the script is used up (default "ok")
  latency_ms     delay before every answer
  answer         fixed answer object for "ok" ({"category", "severity", "summary", "confidence"})
  oracle         path of a labelled CSV (TRADE_ID, CATEGORY): "ok" answers the trade's true category
  obey_injection answer the bucket a comment demands ("... answer Rounding Error"), like a gullible model
POST /requests returns the recorded requests ({"path", "authorization", "body"}) and "max_in_flight";
POST /reset clears them and the control settings.
"""
import argparse
import csv
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUCKETS = ["Rounding Error", "Timing Issue", "Quantity Mismatch", "Price Mismatch", "FX Rate Difference",
           "Fee/Commission Difference", "Duplicate Entry", "Missing Trade", "Unknown"]


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.requests = []
        self.script = []
        self.default = "ok"
        self.latency_ms = 0
        self.answer = {"category": "Price Mismatch", "severity": "medium",
                       "summary": "Prices differ between book and street; confirm the execution price with the broker.",
                       "confidence": 0.9}
        self.oracle = {}
        self.obey_injection = False
        self.in_flight = 0
        self.max_in_flight = 0


STATE = State()


def data_document(body):
    """The evidence document recon put in the user message (after its one-line preamble)."""
    for message in body.get("messages", []):
        if message.get("role") == "user":
            content = message.get("content", "")
            start = content.find("{")
            if start >= 0:
                try:
                    return json.loads(content[start:])
                except ValueError:
                    return {}
    return {}


def completion(content, prompt_tokens=120, completion_tokens=40):
    return {"id": "chatcmpl-test", "object": "chat.completion", "model": "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, payload, headers=None):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if self.path == "/control":
            settings = json.loads(raw or b"{}")
            with STATE.lock:
                if "script" in settings:
                    STATE.script = list(settings["script"])
                for key in ("default", "latency_ms", "answer", "obey_injection"):
                    if key in settings:
                        setattr(STATE, key, settings[key])
                if "oracle" in settings:
                    with open(settings["oracle"], newline="") as handle:
                        STATE.oracle = {row["TRADE_ID"]: row["CATEGORY"] for row in csv.DictReader(handle)}
            return self.reply(200, {"ok": True})
        if self.path == "/requests":
            with STATE.lock:
                return self.reply(200, {"requests": STATE.requests, "max_in_flight": STATE.max_in_flight})
        if self.path == "/reset":
            with STATE.lock:
                STATE.reset()
            return self.reply(200, {"ok": True})
        if not self.path.endswith("/chat/completions"):
            return self.reply(404, {"error": {"message": "no such route"}})
        body = json.loads(raw or b"{}")
        with STATE.lock:
            STATE.requests.append({"path": self.path, "authorization": self.headers.get("Authorization", ""),
                                   "body": body})
            behaviour = STATE.script.pop(0) if STATE.script else STATE.default
            latency = STATE.latency_ms
            STATE.in_flight += 1
            STATE.max_in_flight = max(STATE.max_in_flight, STATE.in_flight)
        try:
            if latency:
                time.sleep(latency / 1000.0)
            self.answer(behaviour, body)
        finally:
            with STATE.lock:
                STATE.in_flight -= 1

    def answer(self, behaviour, body):
        if behaviour.startswith("429"):
            retry_after = behaviour.split(":", 1)[1] if ":" in behaviour else "1"
            return self.reply(429, {"error": {"message": "rate limited"}}, {"Retry-After": retry_after})
        if behaviour == "500":
            return self.reply(500, {"error": {"message": "internal error"}})
        if behaviour.startswith("slow:"):
            time.sleep(int(behaviour.split(":", 1)[1]) / 1000.0)
        if behaviour == "malformed":
            return self.reply(200, completion("{\"category\": \"Price Mis"))
        answer = dict(STATE.answer)
        document = data_document(body)
        if STATE.oracle and STATE.oracle.get(document.get("trade_id")) in BUCKETS:
            answer["category"] = STATE.oracle[document["trade_id"]]
        if STATE.obey_injection:
            demanded = re.search(r"answer ([A-Za-z/ ]+)", document.get("comment", ""))
            if demanded and demanded.group(1).strip() in BUCKETS:
                answer["category"] = demanded.group(1).strip()
                answer["confidence"] = 1.0
        if behaviour == "offlist":
            answer["category"] = "Cosmic Rays"
        if behaviour == "long_summary":
            answer["summary"] = "x" * 400
        return self.reply(200, completion(json.dumps(answer)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
