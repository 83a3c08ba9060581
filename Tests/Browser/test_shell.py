"""The console's shell: how nginx serves it, and signing in and out with an API key."""
import pathlib
import sys
import unittest
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
from console import ConsoleTestCase  # noqa: E402


class ShellTests(ConsoleTestCase):
    def test_nginx_serves_the_console_to_browsers_and_the_api_to_everyone_else(self):
        status, page = self.site.request("GET", "/", headers={"Accept": "text/html,application/xhtml+xml"})
        self.assertEqual(status, 200)
        self.assertIn('<script type="module" src="/console/app.js">', page)
        status, answer = self.site.request("GET", "/", headers={"Accept": "application/json"})
        self.assertEqual((status, answer["error"]["code"]), (404, "not_found"), "a JSON client still reaches the API at /")
        status, answer = self.site.request("GET", "/console/missing.js")
        self.assertEqual((status, answer["error"]["code"]), (404, "not_found"))
        status, answer = self.site.request("POST", "/console/app.js", body={})
        self.assertEqual(status, 405)
        with urllib.request.urlopen(self.site.base + "/console/app.js") as response:
            headers = response.headers
            self.assertEqual(headers["Content-Type"], "text/javascript; charset=utf-8")
            policy = headers["Content-Security-Policy"]
            self.assertIn("script-src 'self'", policy)
            self.assertNotIn("unsafe-inline", policy)
            self.assertEqual(headers["Cache-Control"], "no-cache")
            self.assertTrue(headers["ETag"])
            etag = headers["ETag"]
        request = urllib.request.Request(self.site.base + "/console/app.js", headers={"If-None-Match": etag})
        with self.assertRaises(urllib.error.HTTPError) as unchanged:
            urllib.request.urlopen(request)
        self.assertEqual(unchanged.exception.code, 304, "an unchanged module is revalidated, not sent again")

    def test_signing_in_with_a_key_and_out_again(self):
        self.open()
        self.wait_text("Use an API key")
        self.assertFalse(self.driver.find_element(By.ID, "nav").is_displayed(), "no navigation before signing in")
        self.assertEqual(self.find_all("a.button"), [], "no provider configured: no single sign-on button")
        self.check_page("sign-in")

        # An empty key and a wrong key: the message next to the field, nothing stored.
        self.click_button("Sign in with the key")
        self.wait_text("enter the key", "#main .field-error")
        self.fill("key", "not-a-real-key")
        self.click_button("Sign in with the key")
        error = self.wait_text("unknown or revoked", "#main .field-error")
        field = self.find("#main input[name=key]")
        self.assertEqual(field.get_attribute("aria-invalid"), "true")
        self.assertIn(error.get_attribute("id"), field.get_attribute("aria-describedby"))
        self.assertIsNone(self.driver.execute_script("return sessionStorage.getItem('bundle.apiKey')"))

        self.fill("key", self.key)
        self.click_button("Sign in with the key")
        self.wait_for(lambda: self.driver.find_element(By.ID, "nav").is_displayed(), "the navigation")
        self.wait_text("Signed in with an API key", "#who")
        self.assertEqual(self.driver.execute_script("return sessionStorage.getItem('bundle.apiKey')"), self.key)
        self.assertIsNone(self.driver.execute_script("return localStorage.getItem('bundle.apiKey')"), "never kept beyond the tab")

        # A page change moves the focus to the new page's heading (a screen reader starts there).
        self.click_link("Campaigns", "#nav")
        self.wait_text("Campaigns", "#main h1")
        self.wait_for(lambda: self.driver.execute_script("return document.activeElement.tagName") == "H1", "the focus on the heading")
        # A malformed escape in the address still shows a page, never a stuck "Loading".
        self.driver.execute_script("location.hash = '#/workspace/%E0'")
        self.wait_text("Workspace", "#main h1")

        self.click_button("Sign out", "#who")
        self.wait_text("Use an API key")
        self.assertIsNone(self.driver.execute_script("return sessionStorage.getItem('bundle.apiKey')"))
        self.assertEqual(self.console_errors(), [])


if __name__ == "__main__":
    unittest.main()
