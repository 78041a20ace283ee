"""Screenshots of the dashboard for docs/ from a running `vigil demo`.

Usage: dashboard_screenshots.py BASE_URL ADMIN_PASSWORD DOCTOR_PASSWORD SCHOOLNURSE_PASSWORD OUT_DIR

Run the demo fast enough for its stories to have happened, e.g.
  vigil demo --http 127.0.0.1:8090 --speed 600   (wait about a minute)
then pass the printed passwords of `admin`, `doctor` and `schoolnurse`. As the ward's staff would,
it records for Ana Rivera a lactate result, a chest X-ray and the antibiotics started 20 seconds ago.
"""
import json
import sys
import urllib.request
from datetime import datetime, timedelta, timezone

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, admin, doctor, school_nurse, out = sys.argv[1:6]


def call(method, path, body, token=None):
    headers = {"Content-Type": "application/fhir+json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method, headers=headers)
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


token = call("POST", "/auth/token", {"username": "admin", "password": admin})["access_token"]
now = datetime.now(timezone.utc)
stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
subject = {"reference": "Patient/ward7-rivera"}
call("PUT", "/fhir/DiagnosticReport/rivera-lactate", {
    "resourceType": "DiagnosticReport", "id": "rivera-lactate", "status": "final", "subject": subject, "effectiveDateTime": stamp(now),
    "code": {"text": "Lactate"}, "conclusion": "4.1 mmol/L (raised)"}, token)
call("PUT", "/fhir/ImagingStudy/rivera-chest", {
    "resourceType": "ImagingStudy", "id": "rivera-chest", "status": "available", "subject": subject, "started": stamp(now),
    "modality": [{"system": "http://dicom.nema.org/resources/ontology/DCM", "code": "CR"}], "description": "Chest X-ray",
    "numberOfSeries": 1, "numberOfInstances": 2, "endpoint": [{"reference": "Endpoint/pacs", "display": "PACS, radiology"}],
    "note": [{"text": "No consolidation."}]}, token)
call("PUT", "/fhir/MedicationStatement/rivera-antibiotics", {
    "resourceType": "MedicationStatement", "id": "rivera-antibiotics", "status": "active", "subject": subject,
    "medicationCodeableConcept": {"text": "Piperacillin-tazobactam 4.5 g IV every 8 h"},
    "effectivePeriod": {"start": stamp(now - timedelta(seconds=20))}, "dosage": [{"text": "4.5 g IV every 8 hours"}]}, token)
options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--hide-scrollbars"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"


def session(username, password):
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.get(base + "/")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/signin'] button").click()
    return driver


def full_page(driver, path):
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 700), 3000))
    driver.save_screenshot(path)


driver = session("doctor", doctor)
full_page(driver, out + "/dashboard-board.png")
driver.get(base + "/patients/ward7-rivera?view=all&hours=6")
full_page(driver, out + "/dashboard-patient.png")
driver.quit()
driver = session("schoolnurse", school_nurse)
driver.get(base + "/school")
full_page(driver, out + "/dashboard-school.png")
driver.quit()
print("saved")
