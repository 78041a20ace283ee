"""Screenshots of the dashboard for docs/ from a running `vigil demo`, as the demo makes them.

Usage: dashboard_screenshots.py BASE_URL DOCTOR_PASSWORD SCHOOLNURSE_PASSWORD OUT_DIR [STARTED_AT]

Start `vigil demo --http 127.0.0.1:8090` (its default speed), wait for the printed accounts and
about 100 seconds more, then pass the printed passwords of `doctor` and `schoolnurse`. Nothing is
added: what the pictures show is what the demo produces within two minutes. With STARTED_AT (the
demo's start, `date +%s`), prints the seconds since then at each picture.
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

base, doctor, school_nurse, out = sys.argv[1:5]
started = float(sys.argv[5]) if len(sys.argv) > 5 else None
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


def full_page(driver, path, name):
    """The whole page, no card cut: the viewport set to the page's height (at most 3,000 px)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1280, "height": 700, "deviceScaleFactor": 1, "mobile": False})
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1280, "height": min(max(height, 700), 3000), "deviceScaleFactor": 1, "mobile": False})
    driver.save_screenshot(path)
    print(json.dumps({"picture": name, "secondsSinceStart": round(time.time() - started) if started else None}), flush=True)


driver = session("doctor", doctor)
full_page(driver, out + "/dashboard-board.png", "board")
driver.get(base + "/patients/ward7-rivera?view=all&hours=6")
full_page(driver, out + "/dashboard-patient.png", "patient")
driver.get(base + "/alerts")
full_page(driver, out + "/dashboard-inbox.png", "inbox")
driver.quit()
driver = session("schoolnurse", school_nurse)
driver.get(base + "/school")
full_page(driver, out + "/dashboard-school.png", "school")
driver.quit()
