"""The school view in a real headless Chromium (Selenium with Debian's chromedriver).

Usage: dashboard_school.py BASE_URL USERNAME PASSWORD

Signs in as a school nurse (her home is the school view) and prints, as one JSON object, the
sections' headings, the pupils' names in each section in order, and the first urgent card's text.
"""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

base, username, password = sys.argv[1:4]
options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(base + "/")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password + Keys.ENTER)
    WebDriverWait(driver, 20).until(ec.url_to_be(base + "/school"))
    cards = driver.find_elements(By.CSS_SELECTOR, "#urgent .pupil")
    print(json.dumps({
        "headings": [e.text for e in driver.find_elements(By.CSS_SELECTOR, "h2.group")],
        "urgent": [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#urgent .pupil .name")],
        "well": [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#pupils .pupil .name")],
        "first": cards[0].text if cards else None,
        "outline": cards[0].value_of_css_property("border-left-color") if cards else None,
    }), flush=True)
finally:
    driver.quit()
