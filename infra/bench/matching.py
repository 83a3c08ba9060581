"""Event matching of 1,000 candidates against a fake LLM answering in 200 ms at concurrency 5, for
`infra/dev bench`: the scoring step's wall time against the ideal 1,000 x 0.2 s / 5 = 40 s (goal
at most 1.1x), and the whole run's.

A loopback OpenAI-compatible chat API answers every relevance call after 200 ms (a score by the
prospect's number, so about three in ten reach 70) and counts how many calls it serves at once. An
event and 1,000 fitting prospects, each with a research result, are inserted; match-prospects
queues the run and `work` runs it as the worker would. Offline embeddings (no upstream).

usage: matching.py <bin dir> <work dir> <port>
"""
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LLM_S, CANDIDATES, CONCURRENCY = 0.2, 1000, 5
load = {"now": 0, "peak": 0, "calls": 0}
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        with lock:
            load["now"] += 1
            load["calls"] += 1
            load["peak"] = max(load["peak"], load["now"])
        try:
            time.sleep(LLM_S)
            found = re.search(r"Prospect: Person (\d+)", json.dumps(request))
            n = int(found.group(1)) if found else 0
            answer = {"score": (n * 37) % 101, "reason": f"Person {n} fits part of the audience."}
            body = json.dumps({"model": "gpt-4.1-mini", "usage": {"prompt_tokens": 300, "completion_tokens": 20},
                               "choices": [{"message": {"role": "assistant", "content": json.dumps(answer)}, "finish_reason": "stop"}]}).encode()
        finally:
            # The call ends when its answer is ready, before it is written: counted after the
            # write, the client's next call could start before this thread got the lock again
            # and be seen as one call too many at once.
            with lock:
                load["now"] -= 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    bin_dir, work, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(work, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    database = os.path.join(work, "bundle.sqlite")
    env = dict(os.environ, DATABASE_URL=database, LOG_LEVEL="error", LLM_PROVIDER="openai", LLM_BASE_URL=f"http://127.0.0.1:{port}/v1",
               LLM_API_KEY="bench", EMBEDDINGS_PROVIDER="offline", SEARCH_PROVIDER="offline", MAX_CONCURRENT_LLM_CALLS=str(CONCURRENCY),
               UPSTREAM_MAX_ATTEMPTS="1", WORKFLOW_RETRY_BASE_SECONDS="0")
    env.pop("MCP_SERVER_URL", None)
    env.pop("MCP_SERVER_COMMAND", None)

    def run(function, payload):
        done = subprocess.run([f"{bin_dir}/{function}"], input=json.dumps(payload).encode(), capture_output=True, env=env)
        return json.loads(done.stdout or b"{}")

    run("health", {})
    stamp = "2026-01-01T00:00:00Z"
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO sales_events (title, description, event_type, event_date, target_industries, target_roles, "
                   "aws_solutions_featured, created_at, updated_at) VALUES ('Modernisation Summit', 'Legacy systems to AWS.', 'summit', "
                   "'2026-06-01', '[\"Manufacturing\"]', '[\"CTO\"]', '[\"AWS Mainframe Modernization\"]', ?, ?)", (stamp, stamp))
        for n in range(1, CANDIDATES + 1):
            db.execute("INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, industry, status, created_at, updated_at) "
                       "VALUES (?, ?, 'CTO', ?, 'Manufacturing', 'researched', ?, ?)",
                       (f"https://www.linkedin.com/in/bench-{n}", f"Person {n}", f"Company {n}", stamp, stamp))
            result = {"research_summary": f"Company {n} runs legacy systems number {n % 17}.",
                      "pain_points": [{"pain": "Legacy infrastructure slows down change"}],
                      "recommended_solutions": [{"name": "AWS Mainframe Modernization" if n % 3 else "Amazon RDS"}]}
            db.execute("INSERT INTO workflow_runs (workflow, subject, status, input, result, created_at, updated_at) "
                       "VALUES ('research', ?, 'succeeded', '{}', ?, ?, ?)", (f"prospect:{n}", json.dumps(result), stamp, stamp))
    queued = run("match-prospects", {"id": 1, "candidate_limit": CANDIDATES})
    started = time.perf_counter()
    subprocess.run([f"{bin_dir}/work"], stdin=subprocess.DEVNULL, capture_output=True, env=env)
    wall = time.perf_counter() - started
    answer = run("run-event-match", {"id": queued.get("run_id", 0)}).get("run", {})
    steps = {step["name"]: step for step in answer.get("steps", [])}
    scoring = (steps.get("score_relevance", {}).get("duration_ms") or 0) / 1000
    ideal = CANDIDATES * LLM_S / CONCURRENCY
    print(f"event match run {answer.get('run_id')}: {answer.get('status')}; counts {answer.get('counts')}")
    print(f"{'step':24}{'status':>11}{'ms':>9}{'llm calls':>11}")
    for step in answer.get("steps", []):
        print(f"{step['name']:24}{step['status']:>11}{step.get('duration_ms') or 0:9d}{step.get('llm_calls', 0):11d}")
    print(f"LLM calls served {load['calls']}, at most {load['peak']} at once (cap {CONCURRENCY})")
    print("(this fake answers relevance calls only, so the invitations' outreach runs fail at once: bench_outreach measures those)")
    ratio = scoring / ideal
    print(f"score_relevance: {scoring:.1f} s for {CANDIDATES} candidates against the ideal {ideal:.0f} s = {ratio:.3f}x "
          f"(goal <= 1.1x: {'met' if ratio <= 1.1 else 'NOT met'}); whole work process {wall:.1f} s")
    server.shutdown()


main()
