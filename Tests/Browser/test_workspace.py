"""The conversation workspace: import the sample ChatGPT export (progress streamed), search it
(matches marked), read a conversation and its summary, generate the project draft and edit it
through the streamed chat, look at and activate a version, and two broken imports."""
import json
import pathlib
import re
import sys
import tempfile
import unittest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # console.py, from any directory
from console import ROOT, ConsoleTestCase  # noqa: E402

SAMPLES = ROOT / "infra" / "demo" / "workspace"
RENAME = "Lisbon and Porto on a budget"

# Records what the chat shows after every change to it (a MutationObserver), so the test can tell
# that the assistant's text was on screen, still streaming, before the turn ended.
RECORD_CHAT = """
window.__chatStates = [];
const log = document.querySelector('#main .chat');
new MutationObserver(() => {
  const live = log.querySelector('li.streaming .message-text');
  window.__chatStates.push({
    streaming: Boolean(log.querySelector('li.streaming')),
    text: live ? live.textContent : null,
    title: document.querySelector('#main .draft-title')?.textContent || null,
  });
}).observe(log, {childList: true, subtree: true, characterData: true});
"""


class WorkspaceTests(ConsoleTestCase):
    # Local file storage signs its download links with this.
    site_environment = {"FILE_URL_SECRET": "console-test-file-url-secret-0123456789abcdef"}

    def test_import_search_read_draft_and_chat(self):
        self.sign_in()
        self.open("workspace")
        self.wait_text("No conversations yet", "#main .empty")
        self.check_page("workspace-empty")

        # Import the sample ChatGPT export: each streamed event in the log, then the counts.
        self.upload("files", SAMPLES / "chatgpt-conversations.json")
        self.click_button("Import")
        result = self.wait_text("Import finished", "#main .import-result")
        events = [item.text for item in self.find_all("#main .import-log li")]
        self.assertTrue(any("Reading the files" in event for event in events), events)
        self.assertTrue(any("Planning a week in Lisbon" in event for event in events), events)
        self.assertTrue(any("SQLite WAL checkpoints" in event for event in events), events)
        self.assertTrue(any("Indexing for search" in event for event in events), events)
        imported = int(re.search(r"(\d+) imported", result.text).group(1))
        listed = self.api("GET", "/api/conversations")
        self.assertEqual(imported, listed["total"])
        self.assertEqual(imported, 2)
        self.wait_text("2 conversations", "#main table caption")
        titles = [row[0] for row in self.table_rows("#main table")]
        self.assertEqual(sorted(titles), sorted(c["title"] for c in listed["conversations"]))

        # Search a word from an answer: the snippet shows it inside <mark>.
        self.fill("q", "Sintra", within="#main form[role=search]")
        self.click_button("Search")
        self.wait_text("1 result for “Sintra”", "#main .search-results")
        marks = self.find_all("#main .hits mark")
        self.assertTrue(marks, "the match is marked")
        self.assertEqual({mark.text for mark in marks}, {"Sintra"})
        snippet = self.find("#main .hits .snippet").text
        self.assertIn("day trip to Sintra", snippet)
        self.assertNotIn("<mark>", snippet, "marks are elements, not text")
        self.check_page("workspace")

        # The conversation: its messages and its summary (made on first view).
        self.click_link("Planning a week in Lisbon", "#main .hits")
        self.wait_text("Planning a week in Lisbon", "#main h1")
        messages = self.wait_for(lambda: len(self.find_all("#main .messages > li")) == 2 and self.find_all("#main .messages > li"), "two messages")
        self.assertIn("week in Lisbon", messages[0].text)
        self.assertIn("Pena Palace", messages[1].text)
        self.wait_text("Offline summary", "#main .summary-text")
        self.wait_text("Show the 1 other branch", "#main")
        self.check_page("workspace-conversation")

        # Generate the project draft: the draft view opens with version 1.
        self.click_button("Generate the project draft")
        self.wait_for(lambda: self.driver.current_url.endswith("#/workspace/1/draft"), "the draft view")
        self.wait_text("Planning a week in Lisbon", "#main .draft-title")
        self.wait_text("Version 1 of 1", "#main .draft-meta")
        self.wait_text("Milestones", "#main .markdown h3")
        self.wait_text("1 version", "#main table caption")
        self.wait_text("No messages yet", "#main .empty")

        # Chat a rename, the network slowed so the stream arrives piece by piece.
        self.driver.execute_script(RECORD_CHAT)
        self.driver.set_network_conditions(offline=False, latency=20, download_throughput=2000, upload_throughput=100000)
        try:
            self.fill("message", f"Rename it to {RENAME}")
            self.click_button("Send")
            self.wait_text("Renaming the draft", "#main .chat li.streaming")
            self.wait_text("Done: 1 change to the draft.", "#main .chat-status")
        finally:
            self.driver.delete_network_conditions()
        states = self.driver.execute_script("return window.__chatStates")
        answer = self.find("#main .chat li.assistant:last-child .message-text").text
        # What the page showed while the turn streamed. How many pieces arrive apart depends on how
        # the throttled network groups the events (all of them may come in one read), so only what
        # was shown is checked: any partial text was the start of the final answer.
        for state in states:
            if state["streaming"] and state["text"]:
                self.assertTrue(answer.startswith(state["text"].strip()), (state, answer))
        self.assertEqual(self.find_all("#main .chat li.streaming"), [])
        self.assertIn("Saved version 2", answer)
        self.wait_text(RENAME, "#main .draft-title")
        self.wait_text("Version 2 of 2", "#main .draft-meta")
        self.wait_text("The chat saved version 2", "#main")
        self.wait_text("Update the draft", "#main .chat .tool-calls")
        self.wait_text("2 versions", "#main table caption")
        rows = self.table_rows("#main table")
        self.assertEqual([row[0] for row in rows], ["v2", "v1"])
        self.assertEqual(rows[0][1], RENAME)
        self.assertEqual(self.api("GET", "/api/conversations/1/project-draft")["title"], RENAME)
        self.check_page("workspace-draft")

        # View version 1 and make it the active one again.
        self.click_button("View", "#main table tbody tr:last-child")
        self.wait_text("Version 1: Planning a week in Lisbon", "#main .version-preview h3")
        self.click_button("Activate", "#main .version-preview")
        self.wait_text("Version 1 is now the active version", "#main")
        self.wait_text("Planning a week in Lisbon", "#main .draft-title")
        self.wait_for(lambda: self.table_rows("#main table")[1][4] == "active", "version 1 marked active")
        self.assertEqual(self.api("GET", "/api/conversations/1/project-draft")["version_number"], 1)

        # Broken imports: refused before the stream starts, and refused by the stream's error event.
        self.open("workspace")
        self.wait_text("2 conversations", "#main table caption")
        folder = pathlib.Path(tempfile.mkdtemp(prefix="workspace-broken-"))
        (folder / "truncated.json").write_text('{"not": "an export"')
        self.upload("files", folder / "truncated.json")
        self.click_button("Import")
        self.wait_text("the export is not valid JSON", "#main .import-form .alert.error")
        (folder / "empty-chat.json").write_text(json.dumps([{"id": "x", "title": "Nothing said", "mapping": {}}]))
        self.upload("files", folder / "empty-chat.json")
        self.click_button("Import")
        alert = self.wait_text("nothing was imported", "#main .import-form .alert.error")
        self.assertIn("Nothing said: no messages", alert.text, "the API's details are listed")
        self.wait_text("no messages", "#main .import-log")
        self.assertEqual(self.api("GET", "/api/conversations")["total"], 2)
        self.assertEqual(self.console_errors(), [])


if __name__ == "__main__":
    unittest.main()
