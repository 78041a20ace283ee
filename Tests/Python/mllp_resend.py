"""Sends HL7 messages over MLLP like a monitor's gateway does: each message until it comes back
`AA`, reconnecting and resending whatever was not acknowledged (the server may die on the way).

Usage: mllp_resend.py HOST PORT MESSAGES ACKED
  MESSAGES  a file of HL7 messages, segments one per line, messages separated by a blank line
  ACKED     appended with the control id (MSH-10) of each message once it is acknowledged AA
Exit status 0 when every message was acknowledged within 90 seconds.
"""
import sys
import time

from hl7.client import MLLPClient

host, port, messages_path, acked_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
messages = [m.strip().replace("\n", "\r") for m in open(messages_path).read().split("\n\n") if m.strip()]
deadline = time.time() + 90
client = None
with open(acked_path, "a", buffering=1) as acked:
    for message in messages:
        control = message.split("\r")[0].split("|")[9]
        while True:
            try:
                if client is None:
                    client = MLLPClient(host, port)
                reply = client.send_message(message).decode("utf-8", "replace")
                if ("MSA|AA|" + control) in reply:
                    acked.write(control + "\n")
                    break
                raise OSError("no AA: " + repr(reply))
            except OSError:
                if client is not None:
                    client.close()
                    client = None
                if time.time() > deadline:
                    sys.exit("not acknowledged: " + control)
                time.sleep(0.1)
