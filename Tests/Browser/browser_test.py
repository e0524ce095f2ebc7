#!/usr/bin/env python3
"""The browser test: headless Chromium loads the demo's page from a live tern-demo, clicks
through each demo, checks the status codes the page shows, and saves a screenshot.

Usage: browser_test.py BASE_URL SCREENSHOT_PATH
"""
import json, sys, urllib.request
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import Select, WebDriverWait

base, screenshot = sys.argv[1], sys.argv[2]

options = Options()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,2600"]:
    options.add_argument(argument)
options.binary_location = "/usr/bin/chromium"
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
failures = []


def run(section, expected, prepare=None):
    """Clicks the section's button and compares the statuses it shows with `expected`."""
    element = driver.find_element(By.ID, section)
    exchanges = element.find_element(By.CSS_SELECTOR, ".exchanges")
    done = exchanges.get_attribute("data-done") or "0"
    if prepare:
        prepare(element)
    element.find_element(By.CSS_SELECTOR, "button[data-demo]").click()
    WebDriverWait(driver, 15).until(lambda _: (exchanges.get_attribute("data-done") or "0") != done)
    shown = [status.get_attribute("data-status") for status in exchanges.find_elements(By.CSS_SELECTOR, ".status")]
    verdict = "ok" if shown == expected else "FAILED"
    print(f"{verdict:6} {section:12} shown {shown}, expected {expected}")
    if shown != expected:
        failures.append(section)
    return exchanges


try:
    driver.get(base + "/")
    assert driver.title == "tern-demo: try the API", driver.title
    run("conditional", ["200", "304"])
    ranges = run("ranges", ["206"])
    if "Hello" not in ranges.find_element(By.CSS_SELECTOR, "pre.body").text:
        failures.append("ranges: the bytes of the range are not shown")
    idempotency = run("idempotency", ["201", "201", "201", "200"])
    headers = [h.text for h in idempotency.find_elements(By.CSS_SELECTOR, "pre.headers")]
    if sum("idempotent-replayed: true" in h.lower() for h in headers) != 2:
        failures.append("idempotency: the second and third answers are not marked as replays")
    for accept, status in [("application/xml", "200"), ("text/csv", "200"), ("text/html", "406"), ("application/json", "200")]:
        run("negotiation", [status], lambda section, a=accept: Select(section.find_element(By.ID, "accept")).select_by_visible_text(a))
    run("custom", ["200"])
    # Every operation of the OpenAPI document, sent from its form as the page fills it in:
    # each answers with a status the document declares for it, a GET with a 2xx.
    document = json.load(urllib.request.urlopen(base + "/openapi.json"))
    declared = {f"{method.upper()} {path}": set(operation["responses"])
                for path, item in document["paths"].items() for method, operation in item.items() if method != "parameters"}
    section = driver.find_element(By.ID, "endpoints")
    WebDriverWait(driver, 15).until(lambda _: section.find_element(By.CSS_SELECTOR, ".operations").get_attribute("data-loaded"))
    forms = section.find_elements(By.CSS_SELECTOR, "details.operation")
    shown_operations = [form.get_attribute("data-operation") for form in forms]
    if sorted(shown_operations) != sorted(declared):
        failures.append(f"endpoints: the page shows {sorted(shown_operations)}, the document has {sorted(declared)}")
    paths_sent = set()
    for form in forms:
        operation = form.get_attribute("data-operation")
        exchanges = form.find_element(By.CSS_SELECTOR, ".exchanges")
        form.find_element(By.CSS_SELECTOR, "summary").click()
        form.find_element(By.CSS_SELECTOR, "button[data-demo]").click()
        WebDriverWait(driver, 15).until(lambda _: exchanges.get_attribute("data-done"))
        status = exchanges.find_element(By.CSS_SELECTOR, ".status").get_attribute("data-status")
        code = "308" if status == "redirect" else status
        good = code in declared.get(operation, set()) and not code.startswith("5") and (not operation.startswith("GET ") or code.startswith("2"))
        print(f"{'ok' if good else 'FAILED':6} {operation:28} shown {status}")
        if good:
            paths_sent.add(operation.split(" ", 1)[1])
        else:
            failures.append(f"{operation}: {status}")
    if paths_sent != set(document["paths"]):
        failures.append(f"endpoints: no good answer for {sorted(set(document['paths']) - paths_sent)}")
    # The whole page, top to bottom, in one picture.
    driver.execute_script("window.scrollTo(0, 0)")
    driver.set_window_size(1280, driver.execute_script("return document.documentElement.scrollHeight"))
    driver.save_screenshot(screenshot)
    print(f"screenshot: {screenshot}")
finally:
    driver.quit()

if failures:
    print("failed: " + ", ".join(failures), file=sys.stderr)
    sys.exit(1)
