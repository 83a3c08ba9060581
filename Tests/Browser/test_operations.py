"""The operations page: health and providers, the job queue (list, filters, paging, one job,
retry) and LLM usage charts, against a site whose jobs ran on its own `work` cron."""
import pathlib
import sys
import time
import unittest
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
from console import ConsoleTestCase  # noqa: E402

FINISHED = {"succeeded", "failed", "dead"}
NOTES = "Quick sync with Tom Becker, CTO at Lumen Freight. They lose two days a month reconciling invoices by hand."


class OperationsTests(ConsoleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        headers = {"X-API-Key": cls.key}
        # Two LLM calls that succeed (usage rows), a job that fails for good (no such meeting) and
        # one that fails until its role exists (so a retry can succeed).
        queued = []
        for body in ({"function": "llm-check", "input": {"text": NOTES}},
                     {"function": "llm-check", "input": {"text": "Call with Ana from Delta Ports: pilot in May."}},
                     {"function": "get-meeting", "input": {"id": 999}},
                     {"function": "get-role", "input": {"id": 7}}):
            status, job = cls.site.request("POST", "/jobs", body, headers)
            assert status == 202, (status, job)
            queued.append(job["id"])
        cls.succeeded_id, _, cls.failed_id, cls.role_job_id = queued
        deadline = time.time() + 30
        while time.time() < deadline:
            _, answer = cls.site.request("GET", "/jobs", headers=headers)
            if all(job["status"] in FINISHED for job in answer["jobs"]):
                break
            time.sleep(0.3)
        status, openapi = cls.site.request("GET", "/openapi.json")
        cls.has_retry = "/jobs/{id}/retry" in openapi["paths"]

    def test_operations_walk(self):
        self.sign_in()

        # Overview: health, the queue's counts, the providers (loaded on their own).
        self.open("operations")
        self.wait_text("ok", "#main .health-status")
        self.wait_text("sqlite", "#main .health-database")
        self.wait_text("offline", "#main .health-llm")
        health = self.api("GET", "/health")
        self.wait_text(f"{health['database']['schema_version']} of {health['database']['latest_schema_version']}", "#main .health")
        jobs = self.api("GET", "/jobs")
        counts = jobs["counts"]
        self.assertEqual(counts.get("failed"), 2)
        self.wait_text(f"Failed {counts['failed']}", "#main .ops-counts a[data-status=failed]")
        self.wait_text(f"Succeeded {counts['succeeded']}", "#main .ops-counts a[data-status=succeeded]")
        providers = self.wait_text("offline-rules-v1", "#main tr[data-key=offline]")
        self.assertIn("needs no key", providers.text)
        openai = self.find("#main tr[data-key=openai]")
        self.assertIn("OPENAI_API_KEY", openai.text, "an unconfigured provider names the variable to set")
        self.wait_text("offline / offline-rules-v1", "#main .bundle-default")
        self.check_page("operations")

        # Jobs: every job with its status; counts as GET /jobs says.
        self.click_link("Jobs", "#main .tabs")
        self.wait_text("4 jobs", "#main caption")
        rows = self.table_rows("#main table")
        self.assertEqual([row[0] for row in rows], [f"#{job['id']}" for job in jobs["jobs"]], "newest first, as GET /jobs")
        self.assertEqual({row[0]: row[2] for row in rows}, {f"#{job['id']}": job["status"] for job in jobs["jobs"]})
        failed_row = next(row for row in rows if row[0] == f"#{self.failed_id}")
        self.assertEqual((failed_row[1], failed_row[3], failed_row[7]), ("get-meeting", "1 of 3", "no meeting with id 999"))
        self.wait_text(f"All {len(jobs['jobs'])}", "#main .ops-counts a[data-status=all]")

        # Filter by status, then by function too: the list follows, the address keeps the filter.
        self.fill("status", "Failed")
        self.click_button("Show jobs")
        self.wait_text("2 jobs (Failed)", "#main caption")
        self.assertIn("status=failed", self.driver.current_url)
        self.assertEqual({row[2] for row in self.table_rows("#main table")}, {"failed"})
        self.fill("function", "get-role")
        self.click_button("Show jobs")
        self.wait_text("1 job (Failed, “get-role”)", "#main caption")
        self.assertEqual([row[1] for row in self.table_rows("#main table")], ["get-role"])
        self.check_page("operations-jobs")

        # An empty list says so and how to get back.
        self.open("operations/jobs?status=dead")
        self.wait_text("No jobs match these filters", "#main .empty")

        # A refused filter is shown next to its field.
        self.open("operations/jobs?limit=900")
        self.wait_text("at most 500", "#main .field-error")

        # Paging with `before`: two a page, then the older ones.
        self.open("operations/jobs?limit=2")
        self.wait_text("2 jobs, newest first", "#main caption")
        first = [row[0] for row in self.table_rows("#main table")]
        self.click_link("Older jobs")
        self.wait_text("older than", "#main caption")
        older = [row[0] for row in self.table_rows("#main table")]
        self.assertEqual(first + older, [f"#{job['id']}" for job in jobs["jobs"]])
        self.click_link("Newest jobs")
        self.wait_text("newest first", "#main caption")

        # The failed job: its error as stored, its input and (no) result.
        self.open("operations/jobs?status=failed")
        self.click_link(f"#{self.failed_id}")
        stored = self.api("GET", f"/jobs/{self.failed_id}")
        self.wait_text(stored["error"]["message"], "#main .job-error-message")
        self.wait_text(stored["error"]["code"], "#main .job-error-code")
        self.wait_text(f"{stored['attempts']} of {stored['max_attempts']}", "#main .job-attempts")
        self.wait_text('"id": 999', "#main pre")
        self.wait_text("No result", "#main")
        self.check_page("operations-job")

        if not self.has_retry:
            print("\n(POST /jobs/{id}/retry is not in this build's /openapi.json: the retry steps were skipped)")
            return

        # Retry it: queued again, then failed again (no such meeting) after one fresh attempt.
        self.click_button("Retry")
        self.wait_text("Retried: queued", "#main .watch-log")
        self.wait_text("failed after 1 attempt", "#main .watch-log")
        self.wait_text("failed", "#main .job-status")
        self.wait_text("1 of 3", "#main .job-attempts")
        after = self.api("GET", f"/jobs/{self.failed_id}")
        self.assertEqual((after["status"], after["attempts"]), ("failed", 1))

        # The role's job succeeds on retry once the role exists.
        self.api("PUT", "/roles/7", {"title": "Data engineer"})
        self.open(f"operations/jobs/{self.role_job_id}")
        self.wait_text("create it with PUT /roles/7", "#main .job-error-message")
        self.click_button("Retry")
        self.wait_text("succeeded after 1 attempt", "#main .watch-log")
        self.wait_text("Data engineer", "#main pre")
        self.assertEqual(self.find_all("#main .job-error-message"), [], "the old error is cleared")
        self.assertEqual([button for button in self.find_all("#main button") if button.text == "Retry"], [], "no retry for a job that succeeded")

    def test_usage_charts(self):
        self.sign_in()
        self.open("operations/usage")
        self.wait_text("Calls by function", "#main h2")
        today = datetime.now(timezone.utc).date()
        usage = self.api("GET", f"/metrics/llm-usage?start_date={today - timedelta(days=6)}&end_date={today}")
        self.assertGreaterEqual(usage["totals"]["calls"], 2)

        # One bar per function and per model GET /metrics/llm-usage lists; the numbers table agrees.
        functions = self.section("Calls by function")
        self.assertEqual(len(functions.find_elements(By.CSS_SELECTOR, "svg rect.bar")), len(usage["by_function"]))
        table = functions.find_element(By.XPATH, ".//table[caption[normalize-space()='Every number by function']]")
        shown = {row.find_elements(By.TAG_NAME, "td")[0].text: row.find_elements(By.TAG_NAME, "td")[1].text
                 for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")}
        self.assertEqual(shown, {group["function"]: str(group["totals"]["calls"]) for group in usage["by_function"]})
        models = self.section("Calls by model")
        self.assertEqual(len(models.find_elements(By.CSS_SELECTOR, "svg rect.bar")), len(usage["by_model"]))
        self.assertIn("offline-rules-v1", models.text)
        self.wait_text(str(usage["totals"]["calls"]), "#main .stats")

        if "by_day" in usage:
            days = self.section("Calls per day")
            self.assertEqual(len(days.find_elements(By.CSS_SELECTOR, "svg rect.bar")), 7)
            self.assertEqual(sum(day["totals"]["calls"] for day in usage["by_day"]), usage["totals"]["calls"])
        self.check_page("operations-usage")

        # The 30-day window and the cost measure, kept in the address.
        self.fill("days", "Last 30 days")
        self.fill("measure", "Cost (USD)")
        self.click_button("Show usage")
        self.wait_text("Cost (USD) by function", "#main h2")
        self.assertIn("days=30", self.driver.current_url)
        if "by_day" in usage:
            self.assertEqual(len(self.section("Cost (USD) per day").find_elements(By.CSS_SELECTOR, "svg rect.bar")), 30)


if __name__ == "__main__":
    unittest.main()
