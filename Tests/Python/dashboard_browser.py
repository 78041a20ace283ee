"""Drives the dashboard in a real headless Chromium (Selenium with Debian's chromedriver).

Usage: dashboard_browser.py BASE_URL USERNAME PASSWORD DEVICE_TOKEN SCREENSHOT_DIR

Signs in through the form (keyboard only), reads the board's order, waits for the live indicator,
makes the device send vital signs that raise a high alert, and waits for the alert to appear on the
page without a reload (with blood pressure as one value and flagged values); cuts the network (a TCP relay between browser and server) and waits for the
page to say so and to come back by itself; acknowledges the alert from the inbox; opens the
patient page and reads its charts' normal bands and current values; tries another ward's patient by
editing the URL (a not-found page). Prints one JSON object per step; the Swift test checks them.
"""
import json
import socket
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

server, username, password, device_token, screenshots = sys.argv[1:6]


class Proxy:
    """A TCP relay between the browser and the server, whose connections the test can cut (a
    network outage) and let through again."""

    def __init__(self, target):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets = []
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            client, _ = self.listener.accept()
            if not self.open:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self.pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self.pump, args=(upstream, client), daemon=True).start()

    @staticmethod
    def pump(source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        for s in (source, destination):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        self.open = False
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets = []


host, port = server.rsplit("/", 1)[1].rsplit(":", 1)
proxy = Proxy((host, int(port)))
base = "http://127.0.0.1:%d" % proxy.port


def say(step, **values):
    print(json.dumps({"step": step, **values}), flush=True)


options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
# The page swaps its content in place when events arrive: an element read a moment ago may be gone.
wait = WebDriverWait(driver, 20, ignored_exceptions=[StaleElementReferenceException])


def stable(read):
    """`read()` again until the page is not swapping the element under it."""
    for _ in range(50):
        try:
            return read()
        except StaleElementReferenceException:
            time.sleep(0.1)
    return read()
try:
    # Keyboard only: the username field has the focus; Tab to the password; Enter signs in.
    driver.get(base + "/")
    focused = driver.switch_to.active_element.get_attribute("id")
    driver.switch_to.active_element.send_keys(username + Keys.TAB)
    driver.switch_to.active_element.send_keys(password + Keys.ENTER)
    wait.until(ec.url_to_be(base + "/board"))
    say("keyboard", focused=focused)
    names = stable(lambda: [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#board .line .name")])
    say("signed-in", url=driver.current_url, names=names)

    wait.until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
    say("live", text=driver.find_element(By.ID, "live").text)
    driver.execute_script("window.vigilMarker = 'same page';")

    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    vitals = [("9279-1", 25, "/min"), ("59408-5", 93, "%"), ("8480-6", 125, "mm[Hg]"), ("8462-4", 81, "mm[Hg]"), ("8867-4", 115, "/min"),
              ("8310-5", 37, "Cel")]
    body = {"readings": [{"seq": 1000 + i, "time": now, "code": c, "value": v, "unit": u} for i, (c, v, u) in enumerate(vitals)]}
    request = urllib.request.Request(
        server + "/api/ingest", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + device_token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        say("ingested", status=answer.status)

    wait.until(lambda d: "High priority" in d.find_element(By.ID, "board").text)
    first = stable(lambda: (driver.find_element(By.CSS_SELECTOR, "#board .line .name").text,
                            driver.find_element(By.CSS_SELECTOR, "#board .line .badge").text))
    say("alert-live", first=first[0], badge=first[1], reloaded=driver.execute_script("return window.vigilMarker") != "same page")
    vitals_shown = stable(lambda: [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#board .line:first-child .vital")])
    flags = stable(lambda: [(e.text, e.value_of_css_property("background-color"))
                            for e in driver.find_elements(By.CSS_SELECTOR, "#board .line:first-child .flag")])
    say("board-vitals", vitals=vitals_shown, flags=flags,
        updated=driver.find_element(By.CSS_SELECTOR, "main .note").text)
    driver.save_screenshot(screenshots + "/board.png")

    # The network fails: the page says so, and comes back by itself when it returns.
    proxy.cut()
    wait.until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "disconnected")
    say("disconnected", text=driver.find_element(By.ID, "live").text)
    time.sleep(1)
    proxy.open = True
    wait.until(lambda d: d.find_element(By.ID, "live").get_attribute("data-state") == "live")
    say("recovered", text=driver.find_element(By.ID, "live").text, reloaded=driver.execute_script("return window.vigilMarker") != "same page")

    driver.find_element(By.LINK_TEXT, "Alerts").click()
    wait.until(ec.url_to_be(base + "/alerts"))
    stable(lambda: driver.find_element(By.CSS_SELECTOR, "#inbox .item form.ack button").click())
    wait.until(lambda d: "acknowledged by " + username in d.find_element(By.ID, "inbox").text)
    acknowledged = stable(lambda: (driver.find_element(By.CSS_SELECTOR, "#inbox .item .people").text,
                                   len(driver.find_elements(By.CSS_SELECTOR, "#inbox form.ack"))))
    say("acknowledged", text=acknowledged[0], buttons=acknowledged[1])
    driver.save_screenshot(screenshots + "/alerts.png")
    driver.get(base + "/board")
    stable(lambda: driver.find_element(By.LINK_TEXT, "Wei Chen").click())
    wait.until(ec.url_contains("/patients/a2"))
    patient = stable(lambda: (driver.find_element(By.ID, "results").text, driver.find_element(By.ID, "imaging").text,
                              len(driver.find_elements(By.CSS_SELECTOR, "svg.chart"))))
    say("patient", results=patient[0], imaging=patient[1], charts=patient[2])

    def chart(title):
        """The chart whose caption starts with `title`: its normal band (drawn, with its tooltip) and current value label."""
        for figure in driver.find_elements(By.CSS_SELECTOR, "figure.chart-box"):
            if figure.find_element(By.TAG_NAME, "figcaption").text.startswith(title + " "):
                band = figure.find_elements(By.CSS_SELECTOR, "rect.zone.normal")
                current = figure.find_elements(By.CSS_SELECTOR, "text.current")
                return {"band": band[0].find_element(By.TAG_NAME, "title").get_attribute("textContent") if band else None,
                        "bandHeight": band[0].rect["height"] if band else 0,
                        "bandFill": band[0].value_of_css_property("fill") if band else None,
                        "current": current[0].text if current else None,
                        "ticks": [t.text for t in figure.find_elements(By.CSS_SELECTOR, "text.tick-time")]}
        return None
    say("charts", heart=stable(lambda: chart("HR")), breathing=stable(lambda: chart("RR")))
    driver.save_screenshot(screenshots + "/patient.png")
    driver.get(base + "/patients/b1")
    say("other-ward", text=driver.find_element(By.TAG_NAME, "body").text[:300],
        contentType=driver.execute_script("return document.contentType"),
        heading=driver.find_element(By.TAG_NAME, "h1").text)
    driver.get(base + "/board")
    driver.set_window_size(390, 844)
    time.sleep(0.3)
    driver.save_screenshot(screenshots + "/board-phone.png")
    overflow = driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth")
    driver.get(base + "/patients/a2")
    time.sleep(0.3)
    charts = driver.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart')).map(c => c.getBoundingClientRect().width)")
    say("phone", overflow=overflow,
        patientOverflow=driver.execute_script("return document.documentElement.scrollWidth > window.innerWidth"),
        chartWidths=charts, width=driver.execute_script("return window.innerWidth"))
finally:
    driver.quit()
