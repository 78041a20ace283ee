#!/usr/bin/env python3
"""An HTTPS webhook receiver for Vigil's tests, as an integrator would write one.

Checks each delivery's signature (HMAC-SHA256 over "TIMESTAMP.BODY" with the webhook's secret,
read from --secret-file at each request), drops event ids it has already accepted, and writes one
JSON line per request to --log. Answers 500 while the file --fail-while exists, and holds the
request without answering while --hang-while exists (a receiver stuck mid-delivery), leaving
the file --hang-while.held when it holds one."""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import ssl
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--port-file", required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--secret-file", required=True)
parser.add_argument("--fail-while", default="")
parser.add_argument("--hang-while", default="")
args = parser.parse_args()

lock = threading.Lock()
accepted = set()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received = time.time()
        if args.hang_while and os.path.exists(args.hang_while):
            open(args.hang_while + ".held", "w").close()
            while os.path.exists(args.hang_while):
                time.sleep(0.05)
        status = 500 if args.fail_while and os.path.exists(args.fail_while) else 200
        event_id = self.headers.get("Vigil-Event-Id", "")
        timestamp = self.headers.get("Vigil-Timestamp", "")
        secret = open(args.secret_file).read().strip() if os.path.exists(args.secret_file) else ""
        expected = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        valid = bool(secret) and hmac.compare_digest(expected, self.headers.get("Vigil-Signature", ""))
        event = json.loads(body)
        with lock:
            duplicate = status == 200 and event_id in accepted
            if status == 200:
                accepted.add(event_id)
            with open(args.log, "a") as log:
                log.write(json.dumps({
                    "event": event_id, "status": status, "valid": valid, "duplicate": duplicate, "type": event.get("type"),
                    "alert": event.get("alert", {}).get("id"), "at": event.get("at"), "idInBody": event.get("id") == event_id, "link": event.get("link"), "received": received,
                }) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *arguments):
        pass


# socketserver listens with a backlog of 5: more simultaneous connections than that had their SYN
# dropped and retried by the client a second later, which looked like a slow sender.
http.server.ThreadingHTTPServer.request_queue_size = 128
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(args.cert, args.key)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(args.port_file + ".tmp", "w") as port:
    port.write(str(server.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
server.serve_forever()
