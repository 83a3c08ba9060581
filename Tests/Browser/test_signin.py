"""Signing in to the console with OpenID Connect: the loopback provider (Tests/Fixtures/oidc/provider.py,
the authorization code flow with PKCE, auto-consent) and the bundle's own /api/auth routes, through
nginx, in the browser: the session cookie carries the console, writes pass the origin check, and
signing out ends the session."""
import pathlib
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
from console import ROOT, ConsoleTestCase  # noqa: E402

CLIENT_ID = "console-test-client"
CLIENT_SECRET = "console-test-secret"


class SignInTests(ConsoleTestCase):
    @classmethod
    def setUpClass(cls):
        cls.provider_dir = tempfile.mkdtemp(prefix="console-oidc-")
        port_file = pathlib.Path(cls.provider_dir, "port")
        cls.provider = subprocess.Popen([sys.executable, str(ROOT / "Tests" / "Fixtures" / "oidc" / "provider.py"), "--port-file", str(port_file),
                                         "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not (port_file.exists() and port_file.read_text().strip()) and time.time() < deadline:
            time.sleep(0.05)
        issuer = "http://127.0.0.1:" + port_file.read_text().strip()
        # The redirect URI names the site, whose port ConsoleTestCase picks: start it with a
        # placeholder, then the real value comes from the site's own base.
        cls.site_environment = {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET}
        try:
            super().setUpClass()
        except BaseException:
            cls.provider.kill()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cls.provider.kill()
            cls.provider.wait()

    def test_signing_in_with_the_provider_then_out(self):
        # OIDC_REDIRECT_URI must name this site's callback; the site reads it per request, so
        # it is written to the site's .env now that the port is known.
        env_file = pathlib.Path(self.site.state, "root", ".env")
        env_file.write_text(f"OIDC_REDIRECT_URI={self.site.base}/api/auth/callback\n")
        self.open("meetings")
        self.wait_text("Sign in with your organisation")
        self.check_page("sign-in-provider")
        self.click_link("Sign in")
        # The provider consents at once and sends the browser back through the callback.
        self.wait_text("Signed in as Ada Lovelace", "#who")
        self.assertTrue(self.driver.current_url.endswith("/#/meetings"), self.driver.current_url)
        self.assertIsNone(self.driver.execute_script("return sessionStorage.getItem('bundle.apiKey')"), "no key: the cookie carries it")
        cookies = {cookie["name"]: cookie for cookie in self.driver.get_cookies()}
        self.assertTrue(cookies["session_token"]["httpOnly"], "scripts cannot read the session")
        self.assertEqual(self.driver.execute_script("return document.cookie"), "")
        self.wait_text("Meetings", "#main h1")

        # A write with the cookie from the console's own origin passes the cross-site check.
        status = self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            fetch('/jobs', {method: 'POST', headers: {'Content-Type': 'application/json'},
                            body: JSON.stringify({function: 'health'})}).then((r) => done(r.status), () => done(0));""")
        self.assertEqual(status, 202)

        self.click_button("Sign out", "#who")
        self.wait_text("Sign in with your organisation")
        self.assertNotIn("session_token", {cookie["name"] for cookie in self.driver.get_cookies()})
        status, _ = self.site.request("GET", "/api/auth/me", headers={"Cookie": "session_token=" + cookies["session_token"]["value"]})
        self.assertEqual(status, 401, "the session ended on the server too")
        self.assertEqual(self.console_errors(), [])


if __name__ == "__main__":
    unittest.main()
