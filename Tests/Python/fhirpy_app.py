"""What an app does with the Python FHIR client `fhirpy`, step by step, against a running Vigil.
Prints one JSON report: {"steps": [{"name", "ok", "detail"}]}; every step is tried even when an
earlier one failed, so the report counts them all.

usage: fhirpy_app.py BASE_URL USERNAME PASSWORD
"""

import sys
import uuid

import requests
from client_steps import Steps
from fhirpy import SyncFHIRClient

base, username, password = sys.argv[1], sys.argv[2], sys.argv[3]
steps = Steps("fhirpy")
step = steps.step
state = {}


@step("discovery and an OAuth token")
def sign_in():
    endpoint = requests.get(base + "/.well-known/smart-configuration", timeout=10).json()["token_endpoint"]
    answer = requests.post(endpoint, data={"grant_type": "password", "username": username, "password": password}, timeout=10)
    answer.raise_for_status()
    state["client"] = SyncFHIRClient(base + "/fhir", authorization="Bearer " + answer.json()["access_token"])


def fhir():
    return state["client"]


@step("create a Patient")
def create():
    mrn = str(uuid.uuid4())
    patient = fhir().resource("Patient", name=[{"family": "Py", "given": ["Fhir"]}], birthDate="1980-05-05",
                              identifier=[{"system": "urn:test:mrn", "value": mrn}])
    patient.save()
    state["patient"], state["mrn"] = patient.id, mrn


@step("get_or_create twice: one resource (If-None-Exist)")
def get_or_create():
    mrn = str(uuid.uuid4())
    search = fhir().resources("Patient").search(identifier=f"urn:test:mrn|{mrn}")
    made = fhir().resource("Patient", identifier=[{"system": "urn:test:mrn", "value": mrn}])
    first, created = search.get_or_create(made)
    second, again = search.get_or_create(made)
    assert created and not again and first.id == second.id, (created, again, first.id, second.id)


@step("count")
def count():
    assert fhir().resources("Patient").search(identifier=f"urn:test:mrn|{state['mrn']}").count() == 1


@step("create Observations")
def observations():
    for minute, value in [(10, 70), (20, 72), (30, 74)]:
        fhir().resource(
            "Observation", status="final", code={"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
            subject={"reference": "Patient/" + state["patient"]}, effectiveDateTime=f"2026-01-01T08:{minute}:00Z",
            valueQuantity={"value": value, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"},
        ).save()


@step("search with include")
def include():
    bundle = fhir().resources("Observation").search(patient=state["patient"]).include("Observation", "subject").fetch_raw()
    modes = [entry["search"]["mode"] for entry in bundle.entry]
    assert modes.count("include") == 1, modes


@step("search with revinclude")
def revinclude():
    bundle = fhir().resources("Patient").search(_id=state["patient"]).revinclude("Observation", "subject").fetch_raw()
    assert len(bundle.entry) == 4, len(bundle.entry)


@step("sort by a date parameter")
def sort():
    found = fhir().resources("Observation").search(patient=state["patient"]).sort("date").fetch()
    assert [o.effectiveDateTime[-6:-4] for o in found] == ["10", "20", "30"], [o.effectiveDateTime for o in found]


@step("fetch_all follows the paging links")
def fetch_all():
    found = fhir().resources("Observation").search(patient=state["patient"]).limit(2).fetch_all()
    assert len(found) == 3, len(found)


@step("_elements")
def elements():
    found = fhir().resources("Patient").search(_id=state["patient"]).elements("name").fetch_raw()
    assert "birthDate" not in found.entry[0]["resource"]


@step("_summary=count")
def summary():
    bundle = fhir().resources("Patient").search(_id=state["patient"], _summary="count").fetch_raw()
    assert bundle.total == 1 and not bundle.get("entry")


@step("chained search subject:Patient.identifier")
def chained():
    found = fhir().resources("Observation").search(**{"subject:Patient.identifier": f"urn:test:mrn|{state['mrn']}"}).fetch()
    assert len(found) == 3, len(found)


@step("_has")
def has():
    found = fhir().resources("Patient").has("Observation", "subject", code="8867-4").search(_id=state["patient"]).fetch()
    assert len(found) == 1, len(found)


@step("patch (JSON Patch)")
def patch():
    patient = fhir().reference("Patient", state["patient"]).to_resource()
    patient.patch(gender="male")
    assert fhir().reference("Patient", state["patient"]).to_resource().gender == "male"


@step("conditional update")
def conditional_update():
    search = fhir().resources("Patient").search(identifier=f"urn:test:mrn|{state['mrn']}")
    search.update(fhir().resource("Patient", identifier=[{"system": "urn:test:mrn", "value": state["mrn"]}], gender="other"))
    assert fhir().reference("Patient", state["patient"]).to_resource().gender == "other"


@step("$everything")
def everything():
    bundle = fhir().execute(f"Patient/{state['patient']}/$everything", method="get")
    assert len(bundle["entry"]) >= 4


@step("history")
def history():
    bundle = fhir().execute(f"Patient/{state['patient']}/_history", method="get")
    assert bundle["type"] == "history" and len(bundle["entry"]) >= 1


@step("delete")
def delete():
    made = fhir().resource("Patient", name=[{"family": "Gone"}])
    made.save()
    made.delete()
    gone = requests.get(f"{base}/fhir/Patient/{made.id}", headers={"Authorization": fhir().authorization}, timeout=10)
    assert gone.status_code == 410, gone.status_code


steps.report()
