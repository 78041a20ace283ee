"""Drives the dashboard in a real headless Chromium (Selenium with Debian's chromedriver).

Usage: dashboard_browser.py BASE_URL USERNAME PASSWORD DEVICE_TOKEN SCREENSHOT_DIR

Signs in through the form, reads the board's order, waits for the live indicator, makes the
device send vital signs that raise a high alert, and waits for the alert to appear on the page
without a reload. Prints one JSON object per step; the Swift test checks them.
"""
import json
import sys
import time
import urllib.request
from datetime import datetime, timezone

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

base, username, password, device_token, screenshots = sys.argv[1:6]


def say(step, **values):
    print(json.dumps({"step": step, **values}), flush=True)


options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 20)
try:
    # Keyboard only: the username field has the focus; Tab to the password; Enter signs in.
    driver.get(base + "/")
    focused = driver.switch_to.active_element.get_attribute("id")
    driver.switch_to.active_element.send_keys(username + Keys.TAB)
    driver.switch_to.active_element.send_keys(password + Keys.ENTER)
    wait.until(ec.url_to_be(base + "/board"))
    say("keyboard", focused=focused)
    names = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#board .line .name")]
    say("signed-in", url=driver.current_url, names=names)

    wait.until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
    say("live", text=driver.find_element(By.ID, "live").text)
    driver.execute_script("window.vigilMarker = 'same page';")

    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    vitals = [("9279-1", 25, "/min"), ("59408-5", 94, "%"), ("8480-6", 105, "mm[Hg]"), ("8867-4", 115, "/min"), ("8310-5", 37, "Cel")]
    body = {"readings": [{"seq": 1000 + i, "time": now, "code": c, "value": v, "unit": u} for i, (c, v, u) in enumerate(vitals)]}
    request = urllib.request.Request(
        base + "/api/ingest", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + device_token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        say("ingested", status=answer.status)

    wait.until(lambda d: "High priority" in d.find_element(By.ID, "board").text)
    first = driver.find_element(By.CSS_SELECTOR, "#board .line")
    say("alert-live", first=first.find_element(By.CSS_SELECTOR, ".name").text, badge=first.find_element(By.CSS_SELECTOR, ".badge").text,
        reloaded=driver.execute_script("return window.vigilMarker") != "same page")
    driver.save_screenshot(screenshots + "/board.png")

    driver.find_element(By.LINK_TEXT, "Alerts").click()
    wait.until(ec.url_to_be(base + "/alerts"))
    item = driver.find_element(By.CSS_SELECTOR, "#inbox .item")
    item.find_element(By.CSS_SELECTOR, "form.ack button").click()
    wait.until(lambda d: "acknowledged by " + username in d.find_element(By.ID, "inbox").text)
    say("acknowledged", text=driver.find_element(By.CSS_SELECTOR, "#inbox .item .people").text,
        buttons=len(driver.find_elements(By.CSS_SELECTOR, "#inbox form.ack")))
    driver.save_screenshot(screenshots + "/alerts.png")
    driver.get(base + "/board")
    driver.find_element(By.LINK_TEXT, "Wei Chen").click()
    wait.until(ec.url_contains("/patients/a2"))
    say("patient", results=driver.find_element(By.ID, "results").text, imaging=driver.find_element(By.ID, "imaging").text,
        charts=len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")))
    driver.save_screenshot(screenshots + "/patient.png")
    driver.get(base + "/patients/b1")
    say("other-ward", text=driver.find_element(By.TAG_NAME, "body").text[:300])
    driver.get(base + "/board")
    driver.set_window_size(390, 844)
    time.sleep(0.3)
    driver.save_screenshot(screenshots + "/board-phone.png")
    overflow = driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth")
    say("phone", overflow=overflow)
finally:
    driver.quit()
