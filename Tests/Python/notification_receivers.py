#!/usr/bin/env python3
"""A local mail server (aiosmtpd) and a text-message gateway (plain HTTP) for Vigil's tests.

Writes one JSON line per message received to --log: {"channel": "email", "from", "to", "subject",
"messageId", "body"} or {"channel": "sms"|"pager", "to", "text", "priority", "eventId",
"authorization"}. Answers 451 (mail) and 503 (gateway) while the file --fail-while exists. Writes
"SMTP_PORT HTTP_PORT" to --port-file when both listen."""
import argparse
import email
import email.policy
import http.server
import json
import os
import socket
import threading
import time

from aiosmtpd.controller import Controller

parser = argparse.ArgumentParser()
parser.add_argument("--port-file", required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--fail-while", default="")
args = parser.parse_args()
lock = threading.Lock()


def record(entry):
    entry["received"] = time.time()
    with lock, open(args.log, "a") as log:
        log.write(json.dumps(entry) + "\n")


def failing():
    return args.fail_while and os.path.exists(args.fail_while)


class Mail:
    async def handle_DATA(self, server, session, envelope):
        if failing():
            return "451 4.3.0 try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record({
            "channel": "email", "from": envelope.mail_from, "to": ",".join(envelope.rcpt_tos), "subject": str(message["Subject"]),
            "messageId": str(message["Message-ID"]), "body": message.get_content(),
        })
        return "250 2.0.0 queued"


class Gateway(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        status = 503 if failing() else 200
        if status == 200:
            body["authorization"] = self.headers.get("Authorization")
            record(body)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *arguments):
        pass


probe = socket.socket()
probe.bind(("127.0.0.1", 0))
smtp_port = probe.getsockname()[1]
probe.close()
controller = Controller(Mail(), hostname="127.0.0.1", port=smtp_port)
controller.start()
# socketserver listens with a backlog of 5: more simultaneous connections than that had their SYN
# dropped and retried by the client a second later, which looked like a slow sender.
http.server.ThreadingHTTPServer.request_queue_size = 128
gateway = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
with open(args.port_file + ".tmp", "w") as ports:
    ports.write(f"{smtp_port} {gateway.server_address[1]}")
os.rename(args.port_file + ".tmp", args.port_file)
gateway.serve_forever()
