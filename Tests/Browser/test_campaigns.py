"""The Campaigns page: a research-interview campaign made through the form (schema field by field,
bad numbers shown before and after), launched, answered over signed WhatsApp webhooks until one
conversation completes, followed live, its transcript, extractions, CSV download, pause and resume."""
import pathlib
import sys
import tempfile
import unittest

from selenium.webdriver.common.by import By

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
from console import ROOT, TWILIO_TOKEN, ConsoleTestCase  # noqa: E402

sys.path.insert(0, str(ROOT / "infra" / "twilio"))
import webhooks  # noqa: E402  (Twilio's signature and message fields)

DANA, SAM, KIM = "+4915112345678", "+447700900123", "+14155550134"


class CampaignsTests(ConsoleTestCase):
    # Openings paced 0.1 s apart instead of 6 s, so the three go out in the first cron tick.
    site_environment = {"OUTREACH_RATE_PER_MINUTE": "600"}

    def webhook(self, phone, text, sid):
        params = webhooks.message(sid, phone, text)
        public = self.site.base + "/twilio/inbound"  # PUBLIC_BASE_URL + "twilio/inbound"
        status, body = webhooks.post(public, public, TWILIO_TOKEN, params)
        self.assertEqual(status, 200, body)

    def count(self, key):
        return self.find(f"#main [data-count={key}] .value").text

    def row(self, index):
        return self.find_all("#main .schema-row")[index]

    def row_input(self, index, key):
        return self.row(index).find_element(By.CSS_SELECTOR, f"[name='schema[{index}].{key}']")

    def type_into(self, element, text):
        element.clear()
        element.send_keys(text)

    def press(self, label):
        """click_button for the form, whose many row buttons make the harness's scan slow: one query."""
        button = self.wait_for(lambda: self.driver.find_element(By.XPATH, f"//main//button[normalize-space()='{label}']"), f"a button “{label}”")
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()

    def choose(self, element, label):
        element.find_element(By.XPATH, f".//option[normalize-space()='{label}']").click()

    def test_a_campaign_from_the_form_to_the_csv(self):
        self.sign_in()
        self.open("campaigns")
        self.wait_text("No campaigns yet")
        self.check_page("campaigns-empty")

        # The form: two fields, the second an enum left without values on purpose.
        self.click_link("Create the first campaign")
        self.wait_text("New campaign", "#main h1")
        self.fill("name", "Fuel")
        self.fill("brief", "How drivers choose where to fill up.")
        self.type_into(self.row_input(0, "name"), "visits")
        self.choose(self.row_input(0, "type"), "Whole number (integer)")
        self.type_into(self.row_input(0, "description"), "How many times a month you fill up")
        self.type_into(self.row_input(0, "min"), "0")
        self.type_into(self.row_input(0, "max"), "60")
        self.assertFalse(self.row(0).find_element(By.CSS_SELECTOR, ".schema-enum").is_displayed(), "no values for a number")
        self.press("Add a field")
        self.type_into(self.row_input(1, "name"), "brand")
        self.choose(self.row_input(1, "type"), "One of a list (enum)")
        self.type_into(self.row_input(1, "description"), "Which fuel brand you usually buy")
        self.assertFalse(self.row(1).find_element(By.CSS_SELECTOR, ".schema-range").is_displayed(), "no range for an enum")
        self.press("Add a field")
        self.type_into(self.row_input(2, "name"), "card")
        self.choose(self.row_input(2, "type"), "Yes or no (boolean)")
        self.type_into(self.row_input(2, "description"), "Whether you use a loyalty card")
        # A fourth field added and removed again.
        self.press("Add a field")
        self.assertEqual(len(self.find_all("#main .schema-row")), 4)
        self.row(3).find_element(By.CSS_SELECTOR, "button[aria-label='Remove field 4']").click()
        self.assertEqual(len(self.find_all("#main .schema-row")), 3)

        # The numbers: the bad one is shown as soon as it is pasted, before anything is sent.
        self.set_value("phones", f"{DANA}\n+44 7700 900123\nwhatsapp:{KIM}\n12345")
        check = self.wait_text("not valid", "#main .phone-check")
        self.assertIn("3 numbers ready", check.text)
        self.assertIn("12345", check.find_element(By.CSS_SELECTOR, ".bad-phones").text)
        self.assertIn("needs the country code", check.text)

        # The API's schema error lands next to the second field's values.
        self.press("Create campaign")
        error = self.wait_text("is required for an enum field", "#main .field-error")
        values = self.row_input(1, "enum")
        self.assertEqual(values.get_attribute("aria-invalid"), "true")
        self.assertIn(error.get_attribute("id"), values.get_attribute("aria-describedby"))
        self.assertEqual(error.find_element(By.XPATH, "preceding-sibling::*[1]"), values, "the message sits right after the input")
        self.wait_text("schema[1].enum", "#main .alert.error")
        self.assertEqual(self.api("GET", "/campaigns")["total"], 0, "nothing created")

        # Fixed, and the enum moved first: the names follow the rows.
        self.type_into(values, "Shell\nBP\nAral")
        self.row(1).find_element(By.CSS_SELECTOR, "button[aria-label='Move field 2 up']").click()
        self.assertEqual(self.row_input(0, "name").get_attribute("value"), "brand")
        self.assertEqual(self.row_input(1, "name").get_attribute("value"), "visits")
        self.assertTrue(self.row_input(0, "enum").is_displayed())
        self.check_page("campaigns-new")
        self.press("Create campaign")

        # The campaign's page: the refused number from the API's answer, then launch.
        self.wait_text("Fuel", "#main h1")
        created = self.wait_text("not accepted", "#main .alert")
        self.assertIn("12345", created.text)
        self.assertIn("Campaign created with 3 numbers", created.text)
        self.assertEqual([row[0] for row in self.table_rows("#main section:last-of-type table")], ["brand", "visits", "card"])
        self.wait_text("launch", "#main .empty")
        self.click_button("Launch")
        self.wait_text("Launched: 3 conversations", "#main .alert.success")
        self.wait_text("active", "#main .campaign-status")
        self.wait_for(lambda: self.count("outreach_sent") == "3", "the three openings counted as sent")
        self.wait_text("Openings: 3 sent", "#main .outreach")
        self.driver.execute_script("window.stillTheSamePage = true")

        # Participants answer over signed webhooks; Dana finishes, Sam starts.
        for index, text in enumerate(["Hi, sure!", "Mostly Aral", "3 times", "yes"]):
            self.webhook(DANA, text, f"SMdana{index}")
        self.webhook(SAM, "Hello, what is this about?", "SMsam0")
        self.wait_for(lambda: self.count("completed") == "1" and self.count("active") == "1", "the counts to update by themselves")
        self.assertEqual(self.count("outreach_sent"), "1")
        self.assertTrue(self.driver.execute_script("return window.stillTheSamePage === true"), "updated without reloading")
        self.wait_for(lambda: any(DANA in row[0] and "Completed" in row[2] and row[3] == "3 of 3" for row in self.table_rows("#main table")),
                      "Dana's conversation completed in the list")

        # The extractions table has Dana's answers.
        extraction = self.wait_for(lambda: next((row for row in self.table_rows("#main section:nth-of-type(3) table") if DANA in row[0]), None),
                                   "Dana's row in the extractions")
        self.assertEqual(extraction[1:4], ["Aral", "3", "yes"])
        self.check_page("campaign")

        # The CSV download: the same values, as the API exports them.
        downloads = tempfile.mkdtemp(prefix="campaign-csv-")
        self.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        self.click_button("Download CSV")
        self.wait_text("Downloaded campaign-1-extractions.csv", "#main .alert.success")
        path = pathlib.Path(downloads) / "campaign-1-extractions.csv"
        self.wait_for(lambda: path.exists() and path.stat().st_size > 0, "the CSV file in the download directory")
        csv = path.read_bytes().decode()
        self.assertTrue(csv.startswith("conversation_id,phone,completed_at,brand,visits,card\r\n"), csv)
        self.assertIn(f"'{DANA},", csv)
        self.assertTrue(csv.rstrip().endswith(",Aral,3,true"), csv)

        # The conversations filtered by status.
        self.fill("conversation_status", "Completed")
        self.wait_text("1 conversation (completed)", "#main caption")
        self.assertEqual([row[0] for row in self.table_rows("#main table")], [DANA])

        # Dana's transcript: the thread in order, each side marked.
        self.click_link(DANA)
        self.wait_text(f"Conversation with Participant ({DANA})", "#main h1")
        bubbles = self.find_all("#main .transcript li")
        texts = [bubble.find_element(By.CSS_SELECTOR, ".body").text for bubble in bubbles]
        sides = [bubble.get_attribute("class") for bubble in bubbles]
        self.assertTrue(texts[0].startswith("Hi! I'm reaching out for a short research study (Fuel)"), texts)
        self.assertEqual(texts[1::2], ["Hi, sure!", "Mostly Aral", "3 times", "yes"])
        self.assertEqual(texts[2], "Thank you for taking part! Could you tell me which fuel brand you usually buy (for example Shell, BP or Aral)?")
        self.assertEqual(texts[4], "Thanks, noted. Could you tell me how many times a month you fill up?")
        self.assertEqual(sides, ["outbound", "inbound"] * 4 + ["outbound"])
        self.assertIn("Completed", self.find("#main .facts").text)
        self.assertEqual([row[2] for row in self.table_rows("#main table")], ["Aral", "3", "yes"])
        self.check_page("transcript")

        # Sam's: still going, with the fields not collected marked missing.
        self.click_link("Back to Fuel")
        self.click_link(SAM)
        self.wait_text("Hello, what is this about?", "#main .transcript")
        self.assertEqual([row[2] for row in self.table_rows("#main table")], ["missing"] * 3)

        # Pause, then resume (a launch again).
        self.click_link("Back to Fuel")
        self.click_button("Pause")
        self.wait_text("paused", "#main .campaign-status")
        self.wait_text("Paused:", "#main .alert.success")
        self.assertEqual(self.api("GET", "/campaigns/1")["status"], "paused")
        self.click_button("Resume")
        self.wait_text("active", "#main .campaign-status")
        self.wait_text("Resumed", "#main .alert.success")

        # The list shows it with its counts.
        self.click_link("All campaigns")
        row = self.wait_for(lambda: next(iter(self.table_rows("#main table")), None), "the campaign in the list")
        self.assertEqual(row[:6], ["Fuel", "active", "3", "3", "1", "1"])
        self.assertEqual(self.console_errors(), [])


if __name__ == "__main__":
    unittest.main()
