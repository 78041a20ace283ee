"""What a SMART app does with the SMART on FHIR Python client `fhirclient`, step by step, against a
running Vigil. Prints one JSON report: {"steps": [{"name", "ok", "detail"}]}; every step is tried
even when an earlier one failed, so the report counts them all.

usage: fhirclient_app.py BASE_URL USERNAME PASSWORD
"""

import sys
import time
import uuid

import requests
from client_steps import Steps
from fhirclient import client
from fhirclient.models.observation import Observation
from fhirclient.models.patient import Patient

base, username, password = sys.argv[1], sys.argv[2], sys.argv[3]
steps = Steps("fhirclient")
step = steps.step
state = {}


smart = client.FHIRClient(settings={"app_id": "vigil-fhirclient-test", "api_base": base + "/fhir"})


@step("discovery: the CapabilityStatement's oauth-uris and /.well-known/smart-configuration agree")
def discovery():
    smart.server.get_capability()
    token_uri = smart.server.auth._token_uri
    configuration = requests.get(base + "/.well-known/smart-configuration", timeout=10).json()
    assert token_uri == configuration["token_endpoint"], (token_uri, configuration["token_endpoint"])
    state["token_uri"] = token_uri
    return token_uri


@step("token: OAuth password grant, form-encoded")
def token():
    answer = requests.post(
        state["token_uri"], data={"grant_type": "password", "username": username, "password": password}, timeout=10
    )
    answer.raise_for_status()
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["refresh_token"]
    state["refresh"] = body["refresh_token"]
    smart.server.auth.access_token = body["access_token"]


@step("create a Patient")
def create_patient():
    patient = Patient({"name": [{"family": "Client", "given": ["Fhir"]}], "birthDate": "1970-01-01",
                       "identifier": [{"system": "urn:test:mrn", "value": str(uuid.uuid4())}]})
    created = patient.create(smart.server)
    state["patient"] = created["id"]
    return created["id"]


@step("read it back")
def read_patient():
    patient = Patient.read(state["patient"], smart.server)
    assert patient.name[0].family == "Client"


@step("update it")
def update_patient():
    patient = Patient.read(state["patient"], smart.server)
    patient.gender = "female"
    patient.update(smart.server)
    assert Patient.read(state["patient"], smart.server).gender == "female"


def heart_rate(value, minutes_ago):
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60 * minutes_ago))
    return Observation({
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
        "subject": {"reference": "Patient/" + state["patient"]},
        "effectiveDateTime": at,
        "valueQuantity": {"value": value, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"},
    })


@step("create Observations of the patient")
def create_observations():
    for minutes, value in [(50, 70), (40, 72), (30, 74), (20, 76), (10, 78)]:
        heart_rate(value, minutes).create(smart.server)


@step("search with the >= date prefix fhirclient writes")
def search_date():
    search = Observation.where(struct={"patient": state["patient"], "date": {"$gte": "2020-01-01"}})
    found = search.perform_resources(smart.server)
    assert len(found) == 5, len(found)


@step("search with _include")
def search_include():
    bundle = Observation.where(struct={"patient": state["patient"]}).include("subject").perform(smart.server)
    modes = [entry.search.mode for entry in bundle.entry]
    assert modes.count("include") == 1 and modes.count("match") == 5, modes


@step("search with _revinclude")
def search_revinclude():
    bundle = Patient.where(struct={"_id": state["patient"]}).include("subject", Observation, reverse=True).perform(smart.server)
    assert len(bundle.entry) == 6, len(bundle.entry)


@step("paging while data arrives: no entry twice")
def paging():
    first = smart.server.request_json(f"Observation?patient={state['patient']}&_count=2")
    seen = [entry["resource"]["id"] for entry in first["entry"]]
    for minutes, value in [(1, 80), (1, 81), (1, 82)]:
        heart_rate(value, minutes).create(smart.server)
    following = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = smart.server.request_json(following.split("/fhir/", 1)[1])
    again = [entry["resource"]["id"] for entry in second.get("entry", []) if entry["resource"]["id"] in seen]
    assert not again, f"page 2 repeats {again}"


@step("delete, then the read answers 410 Gone")
def delete():
    observation = heart_rate(60, 5).create(smart.server)
    Observation.read(observation["id"], smart.server).delete(smart.server)
    gone = requests.get(f"{base}/fhir/Observation/{observation['id']}",
                        headers={"Authorization": "Bearer " + smart.server.auth.access_token}, timeout=10)
    assert gone.status_code == 410, gone.status_code


@step("instance _history")
def history():
    bundle = smart.server.request_json(f"Patient/{state['patient']}/_history")
    assert bundle["type"] == "history" and len(bundle["entry"]) == 2, bundle


@step("refresh the token")
def refresh():
    answer = requests.post(state["token_uri"], data={"grant_type": "refresh_token", "refresh_token": state["refresh"]}, timeout=10)
    answer.raise_for_status()
    smart.server.auth.access_token = answer.json()["access_token"]
    Patient.read(state["patient"], smart.server)


steps.report()
