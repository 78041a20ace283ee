"""The public-health page in a real headless Chromium (Selenium with Debian's chromedriver).

Usage: dashboard_public_health.py BASE_URL USERNAME PASSWORD CASE DAY

Signs in as a public-health officer (her home is this page), reads the screening sites with their
figures and drawn epidemic curve, then runs the exposure search for CASE on DAY: first without a
purpose (the browser must refuse to send it), then with one. Prints one JSON object.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

base, username, password, case, day = sys.argv[1:6]
options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
result = {}
try:
    driver.get(base + "/")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password + Keys.ENTER)
    WebDriverWait(driver, 20).until(ec.url_to_be(base + "/public-health"))
    result["live"] = len(driver.find_elements(By.ID, "live"))
    sites = driver.find_elements(By.CSS_SELECTOR, "#sites article.site")
    result["sites"] = [{
        "name": site.find_element(By.CSS_SELECTOR, "h3").text,
        "today": site.find_element(By.CSS_SELECTOR, "p").text,
        "curve": [site.find_element(By.CSS_SELECTOR, "svg").size[k] for k in ("width", "height")],
        "bars": len(site.find_elements(By.CSS_SELECTOR, "svg rect.bar")),
    } for site in sites]

    def fill(reason):
        for field, value in [("index", case), ("distance", "5"), ("minutes", "15"), ("reason", reason)]:
            element = driver.find_element(By.ID, field)
            element.clear()
            if value:
                element.send_keys(value)
        for field in ("from", "to"):
            driver.execute_script("document.getElementById(arguments[0]).value = arguments[1]", field, day)
        driver.find_element(By.CSS_SELECTOR, "form.exposure button[type=submit]").click()

    fill("")
    result["withoutPurpose"] = {
        "url": driver.current_url,
        "missing": driver.execute_script("return document.getElementById('reason').validity.valueMissing"),
    }
    fill("measles case 7")
    WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#exposures h3")))
    result["withPurpose"] = {
        "url": driver.current_url,
        "headings": [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#exposures h3")],
        "empty": [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#exposures p.empty")],
    }
finally:
    print(json.dumps(result), flush=True)
    driver.quit()
