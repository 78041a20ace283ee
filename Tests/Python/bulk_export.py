#!/usr/bin/env python3
"""Run a FHIR Bulk Data export as a client does: kick off, poll as Retry-After says, fetch every
file of the manifest, then delete the export.

Usage: bulk_export.py BASE USERNAME PASSWORD KICKOFF_PATH OUTPUT_DIRECTORY

Writes each exported resource as OUTPUT_DIRECTORY/TYPE-N.json. Prints the resources and files
fetched; exits 1 when a file's lines differ from the manifest's count or the protocol is not
followed.
"""
import json
import pathlib
import sys
import time
import urllib.request


def call(method, url, token=None, headers=None, body=None):
    request = urllib.request.Request(url, method=method, data=body, headers=headers or {})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    return urllib.request.urlopen(request, timeout=60)


def main(base, username, password, path, output):
    signed_in = call("POST", base + "/auth/token", headers={"Content-Type": "application/json"},
                     body=json.dumps({"username": username, "password": password}).encode())
    token = json.loads(signed_in.read())["access_token"]
    kickoff = call("GET", base + path, token, {"Prefer": "respond-async", "Accept": "application/fhir+json"})
    if kickoff.status != 202 or "Content-Location" not in kickoff.headers:
        print(f"kick-off answered {kickoff.status} without a status URL")
        return 1
    status_url = kickoff.headers["Content-Location"]
    for _ in range(120):
        status = call("GET", status_url, token)
        if status.status != 202:
            break
        time.sleep(float(status.headers.get("Retry-After", "1")))
    manifest = json.loads(status.read())
    if status.status != 200 or manifest.get("requiresAccessToken") is not True:
        print(f"status answered {status.status}: {manifest}")
        return 1
    directory = pathlib.Path(output)
    directory.mkdir(parents=True, exist_ok=True)
    total, wrong = 0, 0
    for item in manifest["output"]:
        fetched = call("GET", item["url"], token)
        lines = fetched.read().decode().splitlines()
        if len(lines) != item["count"] or fetched.headers["Content-Type"] != "application/fhir+ndjson":
            wrong += 1
            print(f"{item['type']}: {len(lines)} lines for a count of {item['count']}")
        for number, line in enumerate(lines):
            (directory / f"{item['type']}-{number}.json").write_text(line)
        total += len(lines)
    deleted = call("DELETE", status_url, token)
    print(f"{total} resources in {len(manifest['output'])} files; delete answered {deleted.status}")
    return 1 if wrong or deleted.status != 202 else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
