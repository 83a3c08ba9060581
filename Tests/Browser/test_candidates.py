"""Candidate scoring in the console: set up the role, upload the sample sheet and watch it scored,
read the ranked table, open a candidate's breakdown and red flags, start an interview, and see a
broken CSV refused next to the file input."""
import json
import os
import pathlib
import sys
import tempfile
import unittest

from selenium.webdriver.common.by import By

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
from console import FIXTURES, ConsoleTestCase  # noqa: E402


class CandidatesTests(ConsoleTestCase):
    # Jitsi rooms need no key (as in infra/dev demo_candidates); the offline LLM gives the AI scores.
    site_environment = {"ROOMS_PROVIDER": "jitsi"}

    def ranked_names(self):
        return [(row[0], row[1].splitlines()[0], row[2]) for row in self.table_rows("#main .ranked-box table")]

    def test_role_upload_ranking_breakdown_interview_and_a_broken_file(self):
        self.sign_in()
        self.open("candidates")

        # Empty: the page says what to do first, and offers the role form.
        self.wait_text("No role yet. Start by setting up the role", "#main .empty")
        self.wait_text("Set up the role above first", "#main .upload-box")
        self.check_page("candidates-empty")

        # The role, set up through the page (the fixture the demo uses).
        role = json.loads((FIXTURES / "put-role" / "backend-engineer.json").read_text())
        self.click_button("Set up the role")
        self.wait_text("at least 1 character", "#main .role-form .field-error[data-field=title]")
        self.fill("title", role["title"])
        self.fill("tier_top", "10")
        self.click_button("Set up the role")
        self.wait_text("top > strong > consider", "#main .role-form fieldset[name=tiers] + .field-error")
        self.fill("tier_top", "80")
        self.fill("description", role["description"])
        self.fill("required_skills", ", ".join(role["required_skills"]))
        self.fill("preferred_skills", ", ".join(role["preferred_skills"]))
        self.fill("min_years", str(role["min_years"]))
        self.fill("industries", ", ".join(role["industries"]))
        self.click_button("Set up the role")
        self.wait_text(f"Role 1 set up: {role['title']}", "#main .alert.success")
        saved = self.api("GET", "/roles/1")
        self.assertEqual((saved["title"], saved["required_skills"], saved["preferred_skills"], saved["min_years"], saved["industries"]),
                         (role["title"], role["required_skills"], role["preferred_skills"], role["min_years"], role["industries"]))
        self.assertTrue(self.driver.current_url.endswith("#/candidates/role/1"))
        self.wait_text("Python, PostgreSQL, AWS, Kubernetes", "#main .role-summary")
        self.wait_text("No candidates for this role yet", "#main .ranked-box .empty")

        # The upload: the bar appears and reaches done, with the counts the status route gives.
        self.upload("file", FIXTURES / "upload-candidates" / "sample-candidates.csv")
        self.click_button("Upload and score")
        self.find("#main .upload-status progress")
        self.wait_for(lambda: self.find("#main .upload-status").get_attribute("data-state") == "completed", "scoring to complete")
        box = self.find("#main .upload-status")
        self.assertEqual(box.find_element(By.TAG_NAME, "progress").get_attribute("value"), "100")
        status = self.api("GET", f"/candidates/status?upload_id={box.get_attribute('data-upload')}")
        totals = status["totals"]
        self.assertEqual(status["state"], "completed")
        self.assertIn(f"{totals['rows']} rows: {totals['accepted']} accepted, {totals['rejected']} rejected, {totals['duplicates']} repeated.", box.text)
        self.assertIn(f"{totals['candidates']} candidates: {totals['extracted']} read, {totals['scored']} scored", box.text)
        self.wait_text("rows rejected", "#main .upload-status summary")
        self.wait_text("Upload 1 (sample-candidates.csv): 30 rows, 27 accepted", "#main .upload-result")

        # The ranked table: the API's order and tiers.
        listed = self.api("GET", "/candidates?role_id=1&limit=50")
        expected = [(str(entry["rank"]), entry["candidate"]["name"], entry["candidate"]["tier"]) for entry in listed["candidates"]]
        self.assertEqual(len(expected), totals["candidates"])
        self.wait_for(lambda: self.ranked_names() == expected, "the ranked table in the API's order")
        self.wait_text(f"1–{len(expected)} of {listed['total']}", "#main .pager")
        self.check_page("candidates")

        # Filter by tier.
        self.fill("tier", "strong")
        strong = self.api("GET", "/candidates?role_id=1&tier=strong&limit=50")
        self.wait_for(lambda: [name for _, name, _ in self.ranked_names()] == [e["candidate"]["name"] for e in strong["candidates"]], "the strong tier only")
        self.assertEqual({tier for _, _, tier in self.ranked_names()}, {"strong"})
        self.fill("tier", "All tiers")
        self.wait_for(lambda: self.ranked_names() == expected, "every tier again")

        # One candidate with a red flag: the breakdown and the flags as the API has them.
        flagged = next(entry["candidate"] for entry in listed["candidates"] if entry["candidate"]["red_flags"])
        self.click_link(flagged["name"])
        self.wait_text(flagged["name"], "#main h1")
        candidate = self.api("GET", f"/candidates/{flagged['id']}")
        self.assertTrue(self.driver.current_url.endswith(f"#/candidates/{flagged['id']}"))
        rows = self.table_rows("#main table")
        self.assertEqual([row[2] for row in rows], [criterion["detail"] for criterion in candidate["score_breakdown"]["criteria"]])
        self.assertEqual(len(rows), 5)
        self.assertIn(f"Algorithmic score {candidate['score_breakdown']['score']:g} of 100", self.find("#main caption").text)
        self.assertEqual(self.find("#main .algo-score").text, f"{candidate['algo_score']:g}")
        self.assertTrue(self.find("#main .ai-score").text.startswith(f"{candidate['ai_score']:g}"))
        self.assertIn(candidate["ai_rationale"].splitlines()[0], self.find("#main .ai-assessment").text)
        flags = [element.text for element in self.find_all("#main .red-flags li")]
        self.assertEqual(len(flags), len(candidate["red_flags"]))
        for shown, flag in zip(flags, candidate["red_flags"]):
            self.assertIn(flag["message"], shown)

        # Start the interview: the room link and the briefing.
        self.click_button("Start interview")
        link = self.find("#main a.room-link")
        started = self.api("GET", f"/candidates/{flagged['id']}")
        self.assertEqual(link.get_attribute("href"), started["room_url"])
        self.assertTrue(started["room_url"].startswith("https://meet.jit.si/"))
        again = self.api("POST", f"/candidates/{flagged['id']}/interview")  # idempotent: the same room and briefing
        self.assertEqual(again["room_url"], started["room_url"])
        self.assertEqual(self.find("#main .briefing-summary").text, again["briefing"]["summary"])
        questions = [element.text for element in self.find_all("#main .briefing-questions li")]
        self.assertEqual(questions, again["briefing"]["suggested_questions"])
        self.assertEqual(len(questions), 3)
        for section, key in (("strengths", "strengths"), ("gaps", "gaps"), ("red-flags", "red_flags")):
            self.assertEqual([e.text for e in self.find_all(f"#main .briefing-{section} li")], again["briefing"][key])
        self.wait_text("briefing", "#main .interview-status")
        self.check_page("candidate")

        # Broken files: the API's message next to the file input.
        self.click_link("Ranked candidates for role 1")
        self.wait_for(lambda: len(self.ranked_names()) == len(expected), "the ranked table again")
        for content, message in (("Colour,Flavour\nred,sweet\n", "is not a usable header"), ("", "the file is empty")):
            with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as broken:
                broken.write(content)
            self.addCleanup(os.unlink, broken.name)
            self.upload("file", broken.name)
            self.click_button("Upload and score")
            error = self.wait_text(message, "#main .upload-form .field-error[data-field=file]")
            field = self.find("#main .upload-form input[name=file]")
            self.assertEqual(field.get_attribute("aria-invalid"), "true")
            self.assertIn(error.get_attribute("id"), field.get_attribute("aria-describedby"))
        self.assertEqual(self.api("GET", "/candidates/status")["upload_id"], 1, "the broken files made no upload")
        self.assertEqual(self.console_errors(), [])


if __name__ == "__main__":
    unittest.main()
