#!/usr/bin/env python3
"""A researcher's session, as a notebook would run it (docs/research.md): export a research
project's data, check the export's signature and files, load it into DuckDB and pandas, and
reproduce the statistics the server's aggregates endpoint reports.

Usage: research_notebook.py BASE USERNAME PASSWORD PROJECT CODE DIRECTORY

Prints what it reproduced; exits 1 when anything differs.
"""
import base64
import hashlib
import json
import pathlib
import sys
import time
import urllib.request

import duckdb
import pandas
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def call(method, url, token=None, headers=None, body=None):
    request = urllib.request.Request(url, method=method, data=body, headers=headers or {})
    if token:
        request.add_header("Authorization", "Bearer " + token)
    return urllib.request.urlopen(request, timeout=60)


def export(base, token, project, directory):
    """Runs the project's bulk export; the manifest, with every file saved in `directory`."""
    kickoff = call("GET", f"{base}/fhir/$export?project={project}", token,
                   {"Prefer": "respond-async", "Accept": "application/fhir+json"})
    status_url = kickoff.headers["Content-Location"]
    while (status := call("GET", status_url, token)).status == 202:
        time.sleep(float(status.headers.get("Retry-After", "1")))
    manifest = json.loads(status.read())
    for item in manifest["output"]:
        (directory / f"{item['type']}.ndjson").write_bytes(call("GET", item["url"], token).read())
    return manifest


def check_signature(manifest, directory):
    """The statement's Ed25519 signature, then each file's SHA-256 and count against it."""
    extension = manifest["extension"]
    signature = extension["signature"]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(signature["publicKey"]))
    key.verify(base64.b64decode(signature["value"]), extension["statement"].encode())  # raises if forged
    listed = [line.split() for line in extension["statement"].splitlines() if line.startswith("file: ")]
    for _, name, count, digest in listed:
        data = (directory / name).read_bytes()
        assert digest == "sha256:" + hashlib.sha256(data).hexdigest(), name
        assert int(count) == data.count(b"\n"), name
    return len(listed)


def main(base, username, password, project, code, output):
    directory = pathlib.Path(output)
    directory.mkdir(parents=True, exist_ok=True)
    token = json.loads(call("POST", base + "/auth/token", headers={"Content-Type": "application/json"},
                            body=json.dumps({"username": username, "password": password}).encode()).read())["access_token"]
    manifest = export(base, token, project, directory)
    files = check_signature(manifest, directory)
    counts = {item["type"]: item["count"] for item in manifest["output"]}

    # DuckDB reads the NDJSON as it is.
    db = duckdb.connect()
    patients = directory / "Patient.ndjson"
    observations = directory / "Observation.ndjson"
    db.execute(f"CREATE VIEW patient AS SELECT * FROM read_json('{patients}', format = 'newline_delimited')")
    db.execute(f"CREATE VIEW observation AS SELECT * FROM read_json('{observations}', format = 'newline_delimited')")
    assert db.sql("SELECT count(*) FROM patient").fetchone()[0] == counts["Patient"]
    assert db.sql("SELECT count(*) FROM observation").fetchone()[0] == counts["Observation"]
    by_sex = db.sql(f"""
        SELECT p.gender AS sex, count(DISTINCT p.id) AS patients, count(*) AS "values",
               avg(o.valueQuantity.value) AS mean, quantile_cont(o.valueQuantity.value, 0.5) AS median,
               quantile_cont(o.valueQuantity.value, 0.9) AS p90
        FROM observation o JOIN patient p ON o.subject.reference = 'Patient/' || p.id
        WHERE list_contains(list_transform(o.code.coding, c -> c.code), '{code}')
        GROUP BY p.gender ORDER BY p.gender""").df()

    # pandas reads it too.
    frame = pandas.read_json(observations, lines=True)
    frame = frame[frame["code"].apply(lambda c: any(coding["code"] == code for coding in c["coding"]))]
    frame["patient"] = frame["subject"].apply(lambda s: s["reference"].removeprefix("Patient/"))
    frame["value"] = frame["valueQuantity"].apply(lambda q: q["value"])
    people = pandas.read_json(patients, lines=True)[["id", "gender"]].rename(columns={"id": "patient"})
    merged = frame.merge(people, on="patient")
    medians = merged.groupby("gender")["value"].median()

    # The server's aggregates over the same population.
    reported = json.loads(call("GET", f"{base}/api/research/{project}/aggregates?code={code}&by=sex", token).read())
    reproduced = 0
    for cell in reported["cells"]:
        if cell.get("suppressed"):
            continue
        row = by_sex[by_sex["sex"] == cell["sex"]].iloc[0]
        assert (row["patients"], row["values"]) == (cell["patients"], cell["values"]), (row, cell)
        for name in ["mean", "median", "p90"]:
            assert abs(row[name] - cell[name]) < 1e-9, (name, row[name], cell[name])
        assert abs(medians[cell["sex"]] - cell["median"]) < 1e-9
        reproduced += 1
    print(f"signature and {files} files checked; {counts['Patient']} patients and {counts['Observation']} observations "
          f"in DuckDB and pandas; reproduced {reproduced} of {len(reported['cells'])} cells")
    return 0 if reproduced > 0 else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
