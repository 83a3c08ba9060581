"""Loopback fakes of You.com search (300 ms) and an OpenAI-compatible LLM (500 ms; candidate
assessments take the seconds given as the second argument, 0.2 by default) for `infra/dev bench`:
their wire formats, fixed latencies, no network beyond 127.0.0.1."""
import json
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SOURCE = "https://news.example/bench-story"
BODY = (
    "Hi there, I saw your team grew fast this year and that planning is getting harder as a result. "
    "We help sales teams prepare every customer conversation with the facts that matter, so nothing important "
    "is missed and follow-ups go out the same day. I would like to learn how your reps prepare today and where "
    "the time goes. How long does research take before a call? Which part would you most like to automate? "
    "Looking forward to our conversation this week."
)
PREP = {
    "insights": [{"text": "The team grew fast", "why": "Growth strains preparation", "priority": 1, "source_url": SOURCE}],
    "hooks": [{"hook": "Your team grew fast this year", "source_url": SOURCE}, {"hook": "Planning is getting harder", "source_url": SOURCE}],
    "competitors": [],
    "pre_meeting_draft": {"subject": "Before our call", "body": BODY},
    "hooks_used": ["Your team grew fast this year", "Planning is getting harder"],
    "follow_up_draft": {"subject": "Thank you", "body": "Thanks for your time. Summary: [[what we agreed]]."},
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, value):
        body = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        time.sleep(0.3)
        # The story names the company searched for (the query's quoted phrase), as a real result
        # would: synthesize drops company news that does not name the meeting's company, and the
        # LLM fake below cites this story, so a story about no one failed every pipeline.
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query", [""])[0]
        subject = query.split('"')[1] if query.count('"') >= 2 else query
        self.answer({"results": {"news": [{"url": SOURCE, "title": f"{subject}: a story", "description": f"{subject}: the team grew fast"}]}})

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        schema = request.get("response_format", {}).get("json_schema", {}).get("name")
        if schema == "candidate_assessment":
            time.sleep(ASSESSMENT_SECONDS)
            content = {"score": 70, "rationale": "Relevant experience for the role.", "strengths": ["Python"], "concerns": []}
        else:
            time.sleep(0.5)
            content = PREP
        self.answer({"model": "gpt-4.1-mini", "usage": {"prompt_tokens": 800, "completion_tokens": 300},
                     "choices": [{"message": {"role": "assistant", "content": json.dumps(content)}}]})

    def log_message(self, *args):
        pass


ASSESSMENT_SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 0.2


class Server(ThreadingHTTPServer):
    request_queue_size = 128  # twenty callers at once must not meet a full accept queue
    daemon_threads = True


Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
