"""The streamed chat about a draft through nginx + fcgiwrap, for `infra/dev bench`: the time to the
first `content` event against a slow fake LLM's own first-token delay, and a turn's total time
against the fake's total.

A loopback OpenAI-compatible API streams each chat answer (`stream: true`) as 20 pieces: the first
after FIRST_S (200 ms), the last at TOTAL_S (2 s), then a usage chunk and [DONE]; a call without
`stream` (generating the draft) gets the draft's parts as JSON at once. The baseline is measured in the same
run: a Python client reading the fake's stream directly (its first piece, its end). Each turn
posts one message to /api/conversations/1/project-draft/chat/stream with Accept:
text/event-stream and times the first `content` event and the end of the response.

usage: chat_stream.py <bin dir> <work dir> <nginx port> <fake port> <database path>
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIRST_S, TOTAL_S, PIECES, TURNS = 0.2, 2.0, 20, 8
# The `project_draft` task's answer: the draft's parts, which the function renders as Markdown.
DRAFT = {"title": "Budget trip planner", "problem": "Planning a cheap trip takes hours.", "goals": ["One page per trip"],
         "scope": ["Trains and hotels"], "milestones": ["Prototype"], "open_questions": ["Which sources?"]}


class FakeLLM(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        if not request.get("stream"):
            body = json.dumps({"model": "gpt-4.1-mini", "usage": {"prompt_tokens": 300, "completion_tokens": 80},
                               "choices": [{"message": {"role": "assistant", "content": json.dumps(DRAFT)}, "finish_reason": "stop"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        start = time.monotonic()

        def send(payload):
            data = ("data: " + (payload if isinstance(payload, str) else json.dumps(payload)) + "\n\n").encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

        for index in range(PIECES):
            at = FIRST_S + (TOTAL_S - FIRST_S) * index / (PIECES - 1)
            time.sleep(max(0.0, start + at - time.monotonic()))
            send({"model": "gpt-4.1-mini", "choices": [{"index": 0, "delta": {"content": f"piece {index} "}, "finish_reason": None}]})
        send({"model": "gpt-4.1-mini", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        send({"model": "gpt-4.1-mini", "choices": [], "usage": {"prompt_tokens": 400, "completion_tokens": 60}})
        send("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def log_message(self, *args):
        pass


def timed_stream(port, path, headers, body, first_marker, head_marker=b"event: status"):
    """Seconds to the first line holding `first_marker`, seconds to the end, the body, and seconds
    to the first line holding `head_marker` (the chat's first status event: its process started,
    the request checked, the message saved)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    start = time.monotonic()
    connection.request("POST", path, body=body, headers=headers)
    response = connection.getresponse()
    first, head, text = None, None, b""
    while True:
        line = response.readline()
        if not line:
            break
        text += line
        if head is None and head_marker in line:
            head = time.monotonic() - start
        if first is None and first_marker in line:
            first = time.monotonic() - start
    total = time.monotonic() - start
    connection.close()
    return first, total, response.status, text.decode("utf-8", "replace"), head


def main():
    bin_dir, work, port, fake_port, database = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    os.makedirs(work, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", fake_port), FakeLLM)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()

    key = json.loads(subprocess.run([os.path.join(bin_dir, "create-api-key")], input=b'{"name": "bench"}', capture_output=True,
                                    env=dict(os.environ, DATABASE_URL=database), check=True).stdout)["key"]
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    transcript = "# Trip planning\n\n**User:** Where should I travel in May with a small budget?\n\n**Assistant:** Lisbon, then Porto by train.\n"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("POST", "/api/conversations/import", body=json.dumps({"content": transcript, "filename": "trip.md"}), headers=headers)
    imported = connection.getresponse()
    imported.read()
    connection.request("POST", "/api/conversations/1/project-draft", body="{}", headers=headers)
    drafted = connection.getresponse()
    draft_body = drafted.read()
    connection.close()
    if drafted.status >= 300:
        print(f"the draft could not be generated (HTTP {drafted.status}): {draft_body[:300]!r}")
        sys.exit(1)

    # The floor any CGI answer pays: GET /health through the same nginx (a process started, the
    # database opened, one answer), so the overhead above it is the chat's own.
    floor = []
    for _ in range(TURNS):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start = time.monotonic()
        connection.request("GET", "/health")
        connection.getresponse().read()
        floor.append(time.monotonic() - start)
        connection.close()

    direct, chat = [], []
    request = json.dumps({"model": "gpt-4.1-mini", "stream": True, "messages": [{"role": "user", "content": "hi"}]})
    for turn in range(TURNS):
        first, total, _, _, _ = timed_stream(fake_port, "/v1/chat/completions", {"Content-Type": "application/json"}, request, b"piece 0")
        direct.append((first, total))
        first, total, status, text, head = timed_stream(port, "/api/conversations/1/project-draft/chat/stream",
                                                  dict(headers, Accept="text/event-stream"),
                                                  json.dumps({"message": f"What is thin in the draft? (turn {turn})"}), b"event: content")
        if status != 200 or first is None or "event: done" not in text:
            print(f"turn {turn} failed (HTTP {status}): {text[-400:]}")
            sys.exit(1)
        chat.append((first, total, head))
    server.shutdown()

    def median(rows, column):
        return statistics.median(row[column] for row in rows) * 1000

    d_first, d_total, c_first, c_total = median(direct, 0), median(direct, 1), median(chat, 0), median(chat, 1)
    print(f"{TURNS} turns, fake LLM: first piece after {FIRST_S * 1000:.0f} ms, last at {TOTAL_S * 1000:.0f} ms (medians)")
    print(f"{'':34}{'first piece ms':>16}{'total ms':>12}")
    print(f"{'fake read directly (baseline)':34}{d_first:16.1f}{d_total:12.1f}")
    print(f"{'chat through nginx (first content)':34}{c_first:16.1f}{c_total:12.1f}")
    overhead = c_first - d_first
    print(f"GET /health through nginx (a process's floor): {statistics.median(floor) * 1000:.1f} ms")
    print(f"first status event through nginx (process started, request checked, message saved): {median(chat, 2):.1f} ms")
    print(f"time to first content - fake's first piece = {overhead:.1f} ms (goal within 20 ms: {'met' if overhead <= 20 else 'NOT met'}); "
          f"total / fake total = {c_total / d_total:.2f}x")


main()
