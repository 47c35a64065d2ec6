#!/usr/bin/env python3
"""What a person would check in a real browser: Selenium driving Debian's headless chromium (chromium-driver)
against `sckb serve` on 127.0.0.1 with the real events/, in one process, writing screenshots to .build/screenshots/ (--screenshots docs/screenshots renews the README's).

    python3 scripts/browser_checks.py [--sckb .build/release/sckb] [--screenshots docs/screenshots]

Checks: typing "koln" in the search box and following the result opens Köln's page; clicking an edge of the graph
opens its replication page; clicking a city on the map opens its page; at 390 × 844 no document of /, /graph, /map
and /cities is wider than the window; no page logs a browser console error (but for chromium's own request of
/favicon.ico, which sckb does not serve). Exit 0 when all hold; else each
failure on a line and exit 1.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHOTS = os.path.join(ROOT, "docs", "screenshots")


def start_server(sckb, folder):
    store = os.path.join(folder, "kb")
    subprocess.run([sckb, "import", os.path.join(ROOT, "events"), "--store", store], check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([sckb, "serve", "--port", "0", "--store", store], stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        server.kill()
        sys.exit(f"browser_checks.py: sckb serve did not start: {line.strip()}")
    return server, f"http://127.0.0.1:{match.group(1)}"


def make_driver(folder):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1280,900",
                     f"--user-data-dir={folder}/chromium"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sckb", default=os.path.join(ROOT, ".build", "release", "sckb"))
    parser.add_argument("--screenshots", default=os.path.join(ROOT, ".build", "screenshots"),
                        help="where the screenshots go (docs/screenshots to renew the README's pictures)")
    arguments = parser.parse_args()
    global SHOTS
    SHOTS = arguments.screenshots
    os.makedirs(SHOTS, exist_ok=True)
    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    with tempfile.TemporaryDirectory(prefix="sckb-browser-") as folder:
        server, base = start_server(arguments.sckb, folder)
        driver = make_driver(folder)
        wait = WebDriverWait(driver, 10)
        try:
            def console_errors(page):
                for entry in driver.get_log("browser"):
                    # sckb serves no /favicon.ico, which chromium asks for on its own; its 404 is not the page's.
                    if entry.get("level") == "SEVERE" and "/favicon.ico" not in entry.get("message", ""):
                        failures.append(f"{page}: console error: {entry.get('message')}")

            # Search: type koln, follow the result to Köln.
            driver.get(base + "/")
            driver.save_screenshot(os.path.join(SHOTS, "overview.png"))
            console_errors("/")
            box = driver.find_element(By.CSS_SELECTOR, "form.search input[name=q]")
            box.send_keys("koln")
            box.submit()
            wait.until(expected_conditions.url_contains("/search"))
            driver.find_element(By.LINK_TEXT, "Köln").click()
            wait.until(expected_conditions.url_contains("/city/"))
            check(driver.current_url.endswith("/city/cologne"), f"search koln led to {driver.current_url}")
            check("Köln" in driver.find_element(By.TAG_NAME, "h1").text, "the Köln page has no Köln heading")
            driver.save_screenshot(os.path.join(SHOTS, "city-koln.png"))

            # Graph: click a straight edge (its middle is on the line), land on its replication page.
            driver.get(base + "/graph?planned")
            console_errors("/graph?planned")
            driver.save_screenshot(os.path.join(SHOTS, "graph.png"))
            straight = None
            for path in driver.find_elements(By.CSS_SELECTOR, "svg.graph path.edge"):
                numbers = re.findall(r"-?\d+(?:\.\d+)?", path.get_attribute("d"))
                if numbers[1] == numbers[-1]:
                    straight = path
                    break
            check(straight is not None, "the graph has no straight edge to click")
            if straight is not None:
                link = driver.execute_script("return arguments[0].parentNode.getAttribute('href')", straight)
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", straight)
                ActionChains(driver).move_to_element(straight).click().perform()
                wait.until(expected_conditions.url_contains("/replication/"))
                check(driver.current_url == base + link, f"the edge to {link} led to {driver.current_url}")
                # The replication pages come from another change; until then this one is a 404 page, whose
                # "failed to load" entry is not a console error of the pages checked here.
                driver.get_log("browser")

            # Map: click a city's name, land on its page.
            driver.get(base + "/map")
            console_errors("/map")
            driver.save_screenshot(os.path.join(SHOTS, "map.png"))
            label = driver.find_element(By.CSS_SELECTOR, "svg.map a[href='/city/reykjavik'] text")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", label)
            ActionChains(driver).move_to_element(label).click().perform()
            wait.until(expected_conditions.url_contains("/city/"))
            check(driver.current_url.endswith("/city/reykjavik"), f"the map's Reykjavík led to {driver.current_url}")

            # A phone: nothing wider than the window.
            driver.set_window_size(390, 844)
            for page in ("/", "/graph?planned", "/map", "/cities"):
                driver.get(base + page)
                console_errors(page)
                width = driver.execute_script("return document.documentElement.scrollWidth")
                inner = driver.execute_script("return window.innerWidth")
                check(width <= inner, f"{page} at 390 px is {width} px wide (window {inner})")
                if page in ("/graph?planned", "/map"):
                    name = "phone-" + page.strip("/").split("?")[0] + ".png"
                    driver.save_screenshot(os.path.join(SHOTS, name))
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=10)

    for failure in failures:
        print(failure)
    print(f"browser checks: {'ok' if not failures else str(len(failures)) + ' failed'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
