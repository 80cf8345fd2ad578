#!/usr/bin/python3
"""A local SMTP server for recon's e-mail tests (Debian's python3-aiosmtpd).

Prints "PORT <n>" once listening on 127.0.0.1. Each accepted message is saved in --out as msg-<n>.eml, with
msg-<n>.json (subject, message-id, header names, envelope recipients) and each attachment as
msg-<n>.att-<filename>, decoded, so a test can compare it byte for byte.
  --cert/--key   offer STARTTLS with this certificate and require it (with AUTH, AUTH requires TLS too)
  --user/--password   require AUTH with these credentials
"""
import argparse
import email
import email.policy
import json
import os
import signal
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Saver:
    def __init__(self, out):
        self.out = out
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            index = self.count
            self.count += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.out, f"msg-{index}")
        with open(base + ".eml", "wb") as handle:
            handle.write(raw)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        for part in message.iter_attachments():
            with open(f"{base}.att-{part.get_filename()}", "wb") as handle:
                handle.write(part.get_payload(decode=True))
        summary = {"subject": str(message["Subject"]), "message_id": str(message["Message-ID"]),
                   "headers": [name for name, _ in message.items()], "rcpt_tos": envelope.rcpt_tos,
                   "mail_from": envelope.mail_from}
        # The .json file is what tests wait for: it appears whole (renamed into place), after everything else.
        with open(base + ".json.tmp", "w") as handle:
            json.dump(summary, handle)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    port = args.port
    if port == 0:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    options = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        options.update(tls_context=context, require_starttls=True)
    if args.user:
        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself
        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=bool(args.cert))
    # Messages are written before "250" is answered, so nothing is lost by exiting at once on SIGTERM; a graceful
    # controller.stop() can hang in aiosmtpd when the signal lands during start-up.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    controller = Controller(Saver(args.out), hostname="127.0.0.1", port=port, ready_timeout=10, **options)
    controller.start()
    print(f"PORT {port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
