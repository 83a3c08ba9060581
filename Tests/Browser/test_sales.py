"""The console's sales page: prospects imported from a CSV (a refused row shown as the API reports
it), one prospect researched with its steps shown as the API records them, an outreach draft
generated, edited, kept across a reload and marked sent, a solutions search, and an event created
and matched to the prospects. Offline LLM and search (the research fixture corpus, as
`infra/dev demo` uses); the site's cron runs `work` every second, so queued runs go on their own."""
import pathlib
import shutil
import sys
import tempfile
import unittest

from selenium.webdriver.common.by import By

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
from console import FIXTURES, ConsoleTestCase  # noqa: E402

SAMPLE = FIXTURES / "import-prospects" / "sample.csv"
BAD_ROW = "not-a-profile,,Chief Technology Officer,\n"
# Keeps each different state of the research steps the page shows ("name:status,…"), in order.
RECORD_STEPS = """
window.seenSteps = [];
new MutationObserver(() => {
  const items = [...document.querySelectorAll("#main .steps[aria-label='Research steps'] > li")];
  const now = items.map((li) => `${li.dataset.step}:${li.querySelector('.badge').textContent}`).join(',');
  if (now && now !== window.seenSteps[window.seenSteps.length - 1]) window.seenSteps.push(now);
}).observe(document.getElementById('main'), { subtree: true, childList: true });
"""


class SalesTests(ConsoleTestCase):
    site_environment = {"SEARCH_PROVIDER": "offline", "OFFLINE_SEARCH_CORPUS": str(FIXTURES / "research-prospect" / "corpus.json")}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scratch = tempfile.mkdtemp(prefix="console-sales-")
        cls.csv = pathlib.Path(cls.scratch) / "prospects.csv"
        text = SAMPLE.read_text()
        cls.csv.write_text(text + ("" if text.endswith("\n") else "\n") + BAD_ROW)
        cls.bad_line = len(cls.csv.read_text().splitlines())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)
        super().tearDownClass()

    def test_prospects_research_outreach_solutions_and_events(self):
        self.sign_in()
        self.open("sales")
        self.wait_text("No prospects yet", "#main .empty")
        self.check_page("sales-empty")

        # Import: the sample sheet plus one row the API refuses, reported by line and field.
        self.upload("file", self.csv)
        self.click_button("Import")
        report = self.wait_text("created", "#main .import-report")
        counts = self.find("#main .import-report .counts").text
        self.assertIn("8 created", counts)
        self.assertIn("1 skipped", counts)
        refused = self.table_rows("#main .import-report table")
        self.assertEqual(len(refused), 1, report.text)
        self.assertEqual(refused[0][0], str(self.bad_line))
        self.assertIn("is not a LinkedIn profile URL", refused[0][1])
        self.assertIn("full_name", refused[0][1])
        self.wait_text("8 prospects", "#main #prospect-count")
        self.assertIn("Maria Okafor", [row[0] for row in self.prospect_rows()])
        self.assertEqual(self.api("GET", "/api/v1/prospects")["total"], 8)

        # A filter the API applies: the company's other spelling finds both Northwind people.
        self.fill("company", "NORTHWIND LOGISTICS CORPORATION")
        self.click_button("Apply filters")
        self.wait_text("2 prospects match the filters", "#main #prospect-count")
        self.assertEqual(sorted(row[0] for row in self.prospect_rows()), ["Lucía Fernández", "Maria Okafor"])
        self.check_page("sales-prospects")

        # One prospect: research it and watch the steps the API records.
        self.click_link("Maria Okafor")
        self.wait_text("Maria Okafor", "#main h1")
        prospect_id = int(self.driver.current_url.rsplit("/", 1)[1])
        self.wait_text("Not researched yet", "#main .run")
        self.driver.execute_script(RECORD_STEPS)
        self.click_button("Start research")
        self.wait_text("6 of 6 steps done", "#main .run")
        seen = self.driver.execute_script("return window.seenSteps")
        self.assertGreaterEqual(len(seen), 2, f"the steps were shown as they went, not only at the end: {seen}")
        self.assertIn("synthesize_research:pending", seen[0], "the first answer shows the steps still to come as pending")
        run = self.api("GET", f"/api/v1/prospects/{prospect_id}/research?limit=1")["runs"][0]
        self.assertEqual(run["status"], "succeeded")
        shown = [(step.get_attribute("data-step"), step.find_element(By.CSS_SELECTOR, ".badge").text)
                 for step in self.find_all("#main .steps[aria-label='Research steps'] > li")]
        self.assertEqual(shown, [(step["name"], step["status"]) for step in run["steps"]])
        self.assertEqual([name for name, _ in shown][:2], ["gather_context", "research_company"])
        findings = self.wait_text(run["recommended_solutions"][0]["name"], "#main .findings")
        self.assertIn(run["research_summary"][:40], findings.text)
        self.wait_text("researched", "#main .facts")

        # Outreach: generate a draft, edit its subject, save, reload, then mark it sent.
        self.click_button("Generate a draft")
        card = self.find("#main .draft-card")
        drafts = self.api("GET", f"/api/v1/prospects/{prospect_id}/outreach")["drafts"]
        self.assertEqual(len(drafts), 1)
        self.assertEqual(card.find_element(By.NAME, "subject").get_attribute("value"), drafts[0]["subject"])
        self.fill("subject", "Northwind's data centre exit: a short idea", "#main .draft-card")
        self.click_button("Save changes")
        self.wait_text("Saved.", "#main .draft-card")
        self.driver.refresh()
        subject = self.find("#main .draft-card input[name=subject]")
        self.assertEqual(subject.get_attribute("value"), "Northwind's data centre exit: a short idea")
        self.wait_text("edited", "#main .draft-card")
        self.click_button("Mark as sent")
        self.wait_text("Marked as sent", "#main .draft-card")
        self.assertEqual(self.find_all("#main .draft-card button"), [], "a sent draft has no Save or Mark as sent")
        self.assertEqual(self.find("#main .draft-card input[name=subject]").get_attribute("readonly"), "true")
        self.wait_text("contacted", "#main .facts")
        self.wait_text("Northwind's data centre exit", "#main section table")
        draft = self.api("GET", f"/api/v1/outreach/{drafts[0]['id']}")
        self.assertEqual(draft["subject"], "Northwind's data centre exit: a short idea")
        self.assertTrue(draft["sent_at"])
        self.check_page("sales-prospect")

        # Solutions: a search with its scores.
        self.click_link("Solutions")
        self.fill("q", "migrate an Oracle database to the cloud")
        self.click_button("Search")
        self.wait_text("AWS Database Migration Service", "#main table")
        first = self.table_rows("#main table")[0]
        self.assertRegex(first[3], r"^0\.\d{4}$", "a score")
        self.wait_text("offline", "#main")

        # Events: create one, run matching, see the ranked matches and the invitation drafted.
        self.click_link("Events")
        self.wait_text("No upcoming events", "#main .empty")
        self.fill("title", "Modernize Without Downtime: AWS Migration Day")
        self.fill("description", "A half-day workshop for technology leaders moving data centers and legacy databases to AWS: "
                                 "migration patterns, cost control and peak-season scaling, with stories from logistics and finance.")
        self.fill("event_type", "workshop")
        self.set_value("event_date", "2027-09-17")
        self.fill("location", "Amsterdam")
        self.fill("target_industries", "Transportation & Logistics; Financial Services")
        self.fill("target_roles", "CTO; VP Engineering; Chief Technology Officer")
        self.click_button("Create the event")
        self.wait_text("Modernize Without Downtime", "#main h1")
        self.wait_text("Not matched yet", "#main .run")
        self.click_button("Run matching")
        self.wait_text("4 of 4 steps done", "#main .run")
        event_id = int(self.driver.current_url.rsplit("/", 1)[1])
        answer = self.api("GET", f"/api/v1/events/{event_id}/matches")
        selected = [match for match in answer["matches"] if match["status"] == "selected"]
        self.assertTrue(selected, answer)
        row = self.wait_text(selected[0]["full_name"], "#main tbody tr")
        self.assertIn("selected", row.text)
        self.assertIn(f"draft {selected[0]['draft_id']}", row.text)
        skipped = self.wait_text("needs research", "#main tbody tr")
        self.assertIn("skipped", skipped.text)
        self.check_page("sales-events")

    def prospect_rows(self):
        return self.table_rows("#main .sales > section:last-of-type table")


if __name__ == "__main__":
    unittest.main()
