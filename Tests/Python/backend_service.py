"""A SMART Backend Services client written from the specification, not from Vigil's code: it makes
its own P-384 key, is registered by an administrator with its public JWK, signs its own ES384
client assertion, and reads with the system/ scopes it was granted. Prints one JSON report:
{"steps": [{"name", "ok", "detail"}]}.

usage: backend_service.py BASE_URL ADMIN_USERNAME ADMIN_PASSWORD
"""

import base64
import json
import sys
import time
import uuid

import requests
from client_steps import Steps
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

base, admin_username, admin_password = sys.argv[1], sys.argv[2], sys.argv[3]
steps = Steps("backend-services")
step = steps.step
state = {}


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def assertion(client_id, audience):
    header = {"alg": "ES384", "kid": "key-1", "typ": "JWT"}
    claims = {"iss": client_id, "sub": client_id, "aud": audience, "exp": int(time.time()) + 240, "jti": str(uuid.uuid4())}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    r, s = decode_dss_signature(state["key"].sign(signing_input.encode(), ec.ECDSA(hashes.SHA384())))
    return signing_input + "." + b64url(r.to_bytes(48, "big") + s.to_bytes(48, "big"))


@step("register: an administrator adds the service with its public JWK and system/ scopes")
def register():
    admin = requests.post(base + "/auth/token", json={"username": admin_username, "password": admin_password}, timeout=10).json()
    state["admin"] = {"Authorization": "Bearer " + admin["access_token"]}
    state["key"] = ec.generate_private_key(ec.SECP384R1())
    numbers = state["key"].public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-384", "kid": "key-1", "x": b64url(numbers.x.to_bytes(48, "big")), "y": b64url(numbers.y.to_bytes(48, "big"))}
    state["client_id"] = "backend-" + uuid.uuid4().hex[:8]
    answer = requests.post(base + "/api/users", headers=state["admin"], timeout=10, json={
        "username": state["client_id"], "role": "admin", "jwks": {"keys": [jwk]}, "scope": "system/Patient.read system/Observation.read"})
    assert answer.status_code == 201, answer.text
    patient = requests.post(base + "/fhir/Patient", headers=state["admin"], json={"resourceType": "Patient", "name": [{"family": "Backend"}]}, timeout=10)
    state["patient"] = patient.json()["id"]


@step("discovery: the token endpoint and private_key_jwt with ES384")
def discovery():
    configuration = requests.get(base + "/.well-known/smart-configuration", timeout=10).json()
    assert "private_key_jwt" in configuration["token_endpoint_auth_methods_supported"]
    assert "ES384" in configuration["token_endpoint_auth_signing_alg_values_supported"]
    state["token_endpoint"] = configuration["token_endpoint"]


@step("token: client_credentials with a signed assertion")
def token():
    answer = requests.post(state["token_endpoint"], timeout=10, data={
        "grant_type": "client_credentials", "scope": "system/Patient.read",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion(state["client_id"], state["token_endpoint"])})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["scope"] == "system/Patient.read" and body["expires_in"] <= 300, body
    state["headers"] = {"Authorization": "Bearer " + body["access_token"]}


@step("read within the granted scope")
def read():
    answer = requests.get(f"{base}/fhir/Patient/{state['patient']}", headers=state["headers"], timeout=10)
    assert answer.status_code == 200, answer.text


@step("refused outside it: a write, and a type not granted")
def refused():
    write = requests.post(base + "/fhir/Patient", headers=state["headers"], json={"resourceType": "Patient"}, timeout=10)
    other = requests.get(base + "/fhir/Condition", headers=state["headers"], timeout=10)
    assert write.status_code == 403 and other.status_code == 403, (write.status_code, other.status_code)


@step("a replayed assertion is refused")
def replay():
    signed = assertion(state["client_id"], state["token_endpoint"])
    form = {"grant_type": "client_credentials", "scope": "system/Patient.read",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": signed}
    first = requests.post(state["token_endpoint"], data=form, timeout=10)
    second = requests.post(state["token_endpoint"], data=form, timeout=10)
    assert first.status_code == 200 and second.status_code == 401 and second.json()["error"] == "invalid_client", second.text


steps.report()
