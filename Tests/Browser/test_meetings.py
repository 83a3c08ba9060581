"""The Meetings page: the empty state, the sample calendar's meetings, one meeting's research and
drafts, thumbs-down feedback that changes the steering profile, a re-run with its progress, the
steering versions, and the API's refusal shown next to the notes."""
import pathlib
import sys
import time
import unittest

from selenium.webdriver.common.by import By

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
from console import FIXTURES, ConsoleTestCase  # noqa: E402

NOW = "2026-01-05T00:00:00Z"
CALENDAR = {"CALENDAR_ICS_URL": str(FIXTURES / "poll-calendar" / "sample.ics")}
NOTION_DOWN = {"NOTION_TOKEN": "console-notion-token", "NOTION_DATABASE_ID": "console-db",
               "NOTION_BASE_URL": "http://127.0.0.1:9", "UPSTREAM_MAX_ATTEMPTS": "1"}
NOTES = "Too generic. Less news please, more about their competitors"


class MeetingsTests(ConsoleTestCase):
    # The clock frozen on the whole site (the worker's claims included: a job's run_after and the
    # claim read the same frozen time), so the re-run the page starts finds the corpus's news as
    # fresh as the first run did. No CALENDAR_ICS_URL on the site: the cron's poll finds nothing
    # and the page's own poll says so; the sample calendar is polled by the test alone.
    site_environment = {"BUNDLE_NOW": NOW, "SELF_EMAIL_DOMAINS": "ourco.example"}

    def seed(self):
        """As infra/dev demo does: poll the sample calendar with the pipeline, let the jobs run,
        then fail the Notion step of one meeting."""
        poll = self.site.run("poll-calendar", {"run_pipeline": True}, CALENDAR)
        self.assertEqual(poll["new"], 3, poll)
        self.site.run("work")
        deadline = time.time() + 30
        while any(self.api("GET", f"/jobs/{job}")["status"] != "succeeded" for job in poll["queued_jobs"]):
            self.assertLess(time.time(), deadline, "the pipeline jobs did not finish")
            time.sleep(0.3)
        meetings = {meeting["title"]: meeting for meeting in self.api("GET", "/meetings")["meetings"]}
        failed = meetings["Pilot check-in with Fernhill Health"]["id"]
        self.site.run("sync-notion", {"id": failed}, NOTION_DOWN)
        return meetings

    def test_meetings_walk(self):
        self.sign_in()

        # Empty: the page says how meetings arrive; polling now, with no calendar configured, says so.
        empty = self.wait_text("No meetings yet", "#main .empty")
        self.assertIn("poll-calendar", empty.text)
        self.assertIn("POST /trigger-poll", empty.text)
        self.check_page("meetings-empty")
        self.click_button("Poll the calendar now")
        self.wait_text("No calendar is configured", "#main .meeting-poll-result")
        self.wait_text("set CALENDAR_ICS_URL", "#main .meeting-poll-result")

        meetings = self.seed()
        self.driver.refresh()
        self.wait_text("Discovery call: Northwind Logistics", "#main table")
        rows = {row[0]: row for row in self.table_rows()}
        self.assertEqual(set(rows), {"Discovery call: Northwind Logistics", "Pilot check-in with Fernhill Health",
                                     "Workshop with a freelance designer"})
        self.assertEqual(rows["Discovery call: Northwind Logistics"][3], "Drafted")
        self.assertEqual(rows["Workshop with a freelance designer"][3], "Drafted")
        self.assertEqual(rows["Pilot check-in with Fernhill Health"][3], "Error")
        self.assertEqual(rows["Discovery call: Northwind Logistics"][5], "v1")
        self.check_page("meetings-list")

        # The status filter asks the API for that status only.
        self.fill("status", "Error")
        self.wait_for(lambda: [row[0] for row in self.table_rows()] == ["Pilot check-in with Fernhill Health"], "only the failed meeting")
        self.click_link("Pilot check-in with Fernhill Health")
        alert = self.wait_text("The sync-notion step failed", "#main .alert.error")
        self.assertIn("cannot reach 127.0.0.1:9", alert.text)
        # Resuming runs the failed step and what follows it (Notion is not configured here, so it is skipped).
        self.click_button("Resume from the sync-notion step")
        resumed = self.wait_text("The re-run finished", "#main .meeting-run-result")
        self.assertIn("the meeting is Drafted", resumed.text)
        self.assertIn("Steps run: ", resumed.text)
        self.assertNotIn(":enrich", resumed.text, "a resume starts at the failed step")
        self.assertEqual(self.find_all("#main .alert.error"), [])
        self.click_link("All meetings")
        self.wait_text("No meeting has the status “Error”", "#main .empty")  # the filter is kept; the meeting left it
        self.assertEqual(self.find("#main select[name=status]").get_attribute("value"), "error")
        self.fill("status", "All statuses")
        self.wait_for(lambda: len(self.table_rows()) == 3, "every meeting again")

        # One meeting: insights, hooks, competitors and both drafts as stored.
        northwind = meetings["Discovery call: Northwind Logistics"]["id"]
        stored = self.api("GET", f"/meetings/{northwind}")
        self.click_link("Discovery call: Northwind Logistics")
        self.wait_text(stored["pre_meeting_draft"]["subject"], "#main .meeting-draft-subject")
        first = min(stored["insights"], key=lambda insight: insight["priority"])
        shown = [element.text for element in self.find_all("#main .meeting-insight-text")]
        self.assertEqual(shown[0], first["text"])
        self.assertEqual(len(shown), len(stored["insights"]))
        self.wait_text(first["why"], "#main .meeting-insights")
        links = [link.get_attribute("href") for link in self.find_all("#main .meeting-insights a")]
        self.assertIn(first["source_url"], links)
        self.wait_text(stored["follow_up_draft"]["subject"], "#main .meeting-draft-subject")
        self.wait_text(stored["competitors"][0]["name"], "#main table")
        self.wait_text(stored["hooks"][0]["hook"], "#main .meeting-hooks")
        copies = [button.text for button in self.find_all("#main .meeting-draft button")]
        self.assertEqual(copies, ["Copy the pre-meeting email", "Copy the follow-up email"])
        self.wait_text("v1", "#main .steering-version")
        self.check_page("meeting")

        # Thumbs down with notes: the new steering version and what the rules did.
        self.driver.find_element(By.CSS_SELECTOR, "#main input[name=score][value='-1']").click()
        self.fill("notes", NOTES)
        self.click_button("Send feedback")
        result = self.wait_text("The steering profile is now version 2", "#main .meeting-feedback-result")
        self.assertIn("weights.news 0.4 → 0.3", result.text)
        self.assertIn("matched “less news”", result.text)
        self.wait_text("Thumbs down", "#main .meeting-facts")

        # Re-run: the job's progress shows, then the meeting under the new version.
        self.driver.execute_script("""
            window.seenProgress = [];
            new MutationObserver(() => document.querySelectorAll('#main .meeting-run .progress span')
                .forEach((span) => window.seenProgress.push(span.textContent)))
                .observe(document.getElementById('main'), {childList: true, subtree: true});""")
        self.click_button("Re-run from the start")
        done = self.wait_text("The re-run finished", "#main .meeting-run-result")
        self.assertIn("the meeting is Drafted, prepared under steering version 2", done.text)
        seen = self.driver.execute_script("return window.seenProgress")
        self.assertTrue(any("waiting for the worker" in text or "meeting " in text for text in seen), seen)
        self.assertIn("done: 100%", seen[-1])
        self.wait_text("v2", "#main .steering-version")
        self.assertEqual(self.api("GET", f"/meetings/{northwind}")["steering_version"], 2)

        # Notes the API refuses: its message next to the notes field.
        self.set_value("notes", "x" * 4001)
        self.click_button("Send feedback")
        error = self.wait_text("must have at most 4000 characters", "#main .meeting-feedback-form .field-error")
        notes = self.find("#main textarea[name=notes]")
        self.assertEqual(notes.get_attribute("aria-invalid"), "true")
        self.assertIn(error.get_attribute("id"), notes.get_attribute("aria-describedby"))

        # The steering profile: both versions and what the feedback changed, old → new.
        self.click_link("Steering profile")
        self.wait_text("Current profile: version 2", "#main h2")
        self.wait_text("Versions (2)", "#main h2")
        versions = self.api("GET", "/steering/versions")["versions"]
        news_before = versions[1]["profile"]["weights"]["news"]
        news_after = versions[0]["profile"]["weights"]["news"]
        rows = {row[0]: row[1] for row in self.table_rows("#main .steering-entry table")}
        self.assertEqual(rows["Weight: news"], f"{news_before:g} → {news_after:g}")
        self.assertIn("Added: Name one concrete fact", rows["Specificity rules"])
        self.wait_text(f"feedback on meeting {northwind}", "#main .steering-versions")
        self.wait_text("The starting profile.", "#main .steering-versions")
        self.check_page("steering")


if __name__ == "__main__":
    unittest.main()
