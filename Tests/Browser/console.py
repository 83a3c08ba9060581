"""The console's browser tests' harness: the bundle served by real nginx (`infra/dev serve`, the
release binaries, the offline providers) and headless Chromium driven by Selenium.

Each test class gets its own site (state directory, database, port) and browser. A test walks a
page as a person would, asserts on what the page shows, and at the end of each walk checks that
the browser logged no console error, saves screenshots at 1280x800 and 390x844 under
var/test-artifacts/console/, and runs axe-core (from axe-selenium-python) on both widths: no
serious or critical violation.

Run them all with `infra/dev test-console` (builds nothing; uses dist/bin), or some of them, from
either place (every test file puts this folder on sys.path before it imports this harness):
  infra/dev test-console test_meetings.py test_sales.py
  cd Tests/Browser && python3 -m unittest test_meetings.py
  python3 -m unittest Tests/Browser/test_meetings.py        (from the repository's root)
A test file starts with
  sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
  from console import ConsoleTestCase
"""
import json
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(os.environ.get("BUNDLE_TEST_BIN_DIR", ROOT / "dist" / "bin"))
ARTIFACTS = pathlib.Path(os.environ.get("CONSOLE_ARTIFACTS", ROOT / "var" / "test-artifacts" / "console"))
FIXTURES = ROOT / "Tests" / "Fixtures"
DESKTOP = (1280, 800)
PHONE = (390, 844)
WAIT = float(os.environ.get("CONSOLE_WAIT_SECONDS", "30"))
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
TWILIO_TOKEN = "console-twilio-auth-token"


# Text nodes that are a JavaScript value printed by mistake (Element.append(null) writes "null").
LEAKED_VALUES = """
const leaked = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const text = node.textContent.trim();
  if (['null', 'undefined', '[object Object]', 'NaN'].includes(text) && !node.parentElement.closest('pre, code, textarea')) leaked.push(text);
}
return leaked;
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    """`infra/dev serve` in a state directory of its own: nginx, fcgiwrap (or warm mode with
    BUNDLE_TEST_FASTCGI=1), the scheduled functions every `tick` seconds, the offline providers."""

    def __init__(self, environment=None, tick=1):
        self.state = tempfile.mkdtemp(prefix="console-site-")
        os.chmod(self.state, 0o755)  # nginx's workers (nobody) read the console's files through it
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.database = os.path.join(self.state, "root", "var", "bundle.sqlite")
        self.environment = {
            "PATH": PATH, "LOG_LEVEL": "warning", "LLM_PROVIDER": "offline",
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "PUBLIC_BASE_URL": self.base + "/",
            "OFFLINE_SEARCH_CORPUS": str(FIXTURES / "enrich" / "corpus.json"),
            **(environment or {}),
        }
        arguments = [str(ROOT / "infra" / "dev"), "serve", "--state", self.state, "--port", str(self.port),
                     "--bin", str(BIN), "--schedule-tick", str(tick)]
        if os.environ.get("BUNDLE_TEST_FASTCGI") == "1":
            arguments.append("--fastcgi")
        subprocess.run(arguments, env=self.environment, cwd=self.state, check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        subprocess.run([str(ROOT / "infra" / "dev"), "stop", "--state", self.state], env={"PATH": PATH},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.state, ignore_errors=True)

    def run(self, function, payload=None, environment=None):
        """Runs one function binary on the site's database (as cron or a person would); its JSON answer."""
        result = subprocess.run([str(BIN / function)], input=json.dumps(payload or {}).encode(), capture_output=True,
                                env={**self.environment, "DATABASE_URL": self.database, **(environment or {})},
                                cwd=os.path.join(self.state, "root"))
        return json.loads(result.stdout or b"null")

    def create_key(self, scopes=None):
        answer = self.run("create-api-key", {"name": "console-test", **({"scopes": scopes} if scopes else {})})
        return answer["key"]

    def request(self, method, path, body=None, headers=None):
        """One HTTP request through nginx; (status, parsed JSON or text)."""
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, raw, kind = response.status, response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            status, raw, kind = error.code, error.read(), error.headers.get("Content-Type", "")
        return status, (json.loads(raw) if "json" in kind and raw else raw.decode(errors="replace"))


def browser():
    options = Options()
    options.binary_location = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                     "--disable-extensions", "--disable-background-networking", "--lang=en-US", f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_window_size(*DESKTOP)
    return driver


class ConsoleTestCase(unittest.TestCase):
    """One site and one browser per test class; helpers to walk the console as a person would."""

    site_environment = {}

    @classmethod
    def setUpClass(cls):
        cls.site = Site(cls.site_environment)
        try:
            cls.key = cls.site.create_key()
            cls.driver = browser()
        except BaseException:
            cls.site.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.driver.quit()
        finally:
            cls.site.stop()

    # Navigation and waiting

    def open(self, hash_path=""):
        self.driver.get(f"{self.site.base}/#/{hash_path}")

    def sign_in(self):
        """Signs in with an API key through the sign-in form, as a person without a provider would.
        It starts signed out, so each test of a class (one browser tab) can begin with it."""
        self.open()
        self.driver.execute_script("sessionStorage.clear()")
        self.driver.refresh()
        self.find("#main input[name=key]").send_keys(self.key)
        self.click_button("Sign in with the key")
        self.wait_for(lambda: self.driver.find_element(By.ID, "nav").is_displayed(), "the navigation after signing in")

    def wait_for(self, condition, what, timeout=WAIT):
        try:
            # The page re-renders as answers arrive: an element found a moment ago may be gone; look again.
            return WebDriverWait(self.driver, timeout, poll_frequency=0.2,
                                 ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(lambda _: condition())
        except TimeoutException:
            self.fail(f"waited {timeout:.0f} s for {what}; the page shows: {self.main_text()[:1500]}")

    def find(self, css, timeout=WAIT):
        return self.wait_for(lambda: self._visible(css), f"an element {css}", timeout)

    def _visible(self, css):
        for element in self.driver.find_elements(By.CSS_SELECTOR, css):
            if element.is_displayed():
                return element
        return None

    def find_all(self, css):
        return [element for element in self.driver.find_elements(By.CSS_SELECTOR, css) if element.is_displayed()]

    def wait_text(self, text, css="#main", timeout=WAIT):
        """Waits until `text` is in what the element shows; returns the element."""
        def shown():
            for element in self.driver.find_elements(By.CSS_SELECTOR, css):
                if text in element.text:
                    return element
            return None
        return self.wait_for(shown, f"“{text}” in {css}", timeout)

    def main_text(self):
        try:
            return self.driver.find_element(By.ID, "main").text
        except Exception:
            return "(no #main)"

    def click_button(self, label, within="#main"):
        """Clicks the visible button (or link styled as one) whose text is `label`."""
        def button():
            for element in self.driver.find_elements(By.CSS_SELECTOR, f"{within} button, {within} a.button, {within} summary"):
                if element.is_displayed() and element.is_enabled() and element.text.strip() == label:
                    return element
            return None
        element = self.wait_for(button, f"a button “{label}”")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        return element

    def click_link(self, text, within="#main"):
        element = self.wait_for(lambda: next((link for link in self.driver.find_elements(By.CSS_SELECTOR, f"{within} a")
                                              if link.is_displayed() and text in link.text), None), f"a link “{text}”")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()
        return element

    def fill(self, name, value, within="#main"):
        """Types into the visible field named `name` (replacing what it held); selects by option text or value."""
        element = self.find(f"{within} [name='{name}']")
        if element.tag_name == "select":
            for option in element.find_elements(By.TAG_NAME, "option"):
                if option.text == value or option.get_attribute("value") == value:
                    option.click()
                    return element
            self.fail(f"no option {value!r} in {name}")
        element.clear()
        element.send_keys(value)
        return element

    def set_value(self, name, value, within="#main"):
        """Sets a long value at once (a pasted list) and tells the page it changed."""
        element = self.find(f"{within} [name='{name}']")
        self.driver.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', {bubbles: true}))",
                                   element, value)
        return element

    def upload(self, name, path, within="#main"):
        element = self.wait_for(lambda: next(iter(self.driver.find_elements(By.CSS_SELECTOR, f"{within} input[type=file][name='{name}']")), None),
                                f"a file input {name}")
        element.send_keys(str(path))
        return element

    def section(self, title):
        """The visible <section> whose heading (h2) is `title`."""
        return self.wait_for(lambda: next((element for element in self.driver.find_elements(By.XPATH, f"//main//section[h2[normalize-space()='{title}']]")
                                           if element.is_displayed()), None), f"a section “{title}”")

    def table_rows(self, css="#main table"):
        """The rows of the first visible table matching css, as lists of cell texts."""
        table = self.find(css)
        return [[cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")] for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]

    # The API behind the page, to compare what the page shows with what the API says

    def api(self, method, path, body=None):
        """One request with the class's key; its JSON answer (the test fails on an error status)."""
        status, answer = self.site.request(method, path, body, {"X-API-Key": self.key})
        self.assertLess(status, 300, f"{method} {path}: {answer}")
        return answer

    # The checks every walk ends with

    def console_errors(self):
        """What the browser logged as errors since the last call. Chromium logs every 4xx answer as a
        failed resource; those are the API's refusals the walk provokes and the page shows, so they
        do not count (a 5xx, a script error or a CSP refusal does)."""
        entries = self.driver.get_log("browser")
        return [entry for entry in entries if entry.get("level") == "SEVERE"
                and not (entry.get("source") == "network" and re.search(r"status of 4\d\d ", entry.get("message", "")))]

    def check_page(self, name):
        """No console error so far; no value leaked into the page as text ("null", "undefined",
        "[object Object]", "NaN"); screenshots at both sizes (the viewport set exactly, the phone
        as a mobile device); no serious or critical axe violation and no sideways scrolling at either."""
        errors = self.console_errors()
        self.assertEqual(errors, [], f"{name}: the browser logged errors")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        problems = [f"text “{text}” on the page" for text in self.driver.execute_script(LEAKED_VALUES)]
        for label, (width, height) in (("desktop", DESKTOP), ("phone", PHONE)):
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": label == "phone"})
            time.sleep(0.3)
            self.driver.save_screenshot(str(ARTIFACTS / f"{name}-{label}.png"))
            problems += [f"{label}: {problem}" for problem in self.accessibility_problems()]
            overflow = self.driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 1:
                problems.append(f"{label}: the page is {overflow}px wider than the window (scrolls sideways)")
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        self.assertEqual(problems, [], f"{name}: accessibility or layout problems")

    def accessibility_problems(self):
        from axe_selenium_python import Axe
        axe = Axe(self.driver)
        axe.inject()
        results = axe.run()
        found = []
        for violation in results.get("violations", []):
            if violation.get("impact") in ("serious", "critical"):
                targets = [", ".join(node.get("target", [])) for node in violation.get("nodes", [])][:5]
                found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
        return found


if __name__ == "__main__":
    sys.exit("run the tests with infra/dev test-console")
