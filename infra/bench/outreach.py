"""One outreach run's wall time against the sum of its upstream latencies, for `infra/dev bench`.

A loopback fake of an OpenAI-compatible chat API answers every call after a fixed delay (500 ms):
the research tasks' schemas for the research run that outreach needs, then the outreach tasks'
(strategy, subject, body, refine) with answers that pass the local checks. Search is offline and
tier 2 enriches from the catalogue, so the LLM is the only upstream. A prospect is inserted, its
research is run first (not timed), draft-outreach queues the outreach run, and `work` runs it as
the worker would; the wall time of `work` is compared with the LLM calls the run made x 500 ms.

usage: outreach.py <bin dir> <work dir> <port>
"""
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LLM_S = 0.5
LEAD = "Hi Dana, Northwind Logistics wants to leave its data center and lower its infrastructure costs."
FILLER = "Our team has helped logistics companies plan that move step by step, starting small and measuring as they go."


def body():
    text = LEAD
    while len(text.split()) < 160:
        text += " " + FILLER
    return text + "\nBest regards"


def answers(request):
    """The answer for a request's schema; the strategy names the first recommended solution in the prompt."""
    prompt = "\n".join(m.get("content", "") for m in request.get("messages", []) if isinstance(m.get("content"), str))
    recommended = [line[2:] for line in prompt.split("\n") if line.startswith("- ") and "past_win" not in line]
    return {
        "tech_stack": {"technologies": [{"name": "Kubernetes", "category": "devops", "evidence": "context"}], "summary": "Containers."},
        "pain_points": {"pain_points": [{"pain": "Infrastructure costs", "severity": "high", "evidence": "context"}], "summary": "Costs."},
        "research_summary": {"summary": "Northwind wants to leave its data center.", "key_insights": []},
        "email_strategy": {"approach": "Lead with the data center exit", "tone": "direct", "solutions": recommended[:1], "proof_points": []},
        "outreach_subject": {"subject": "Northwind Logistics and its data center exit"},
        "outreach_body": {"body": body()},
        "outreach_refine": {"subject": "Northwind Logistics and its data center exit", "body": body(), "changes": []},
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        schema = request.get("response_format", {}).get("json_schema", {}).get("name", "")
        time.sleep(LLM_S)
        content = json.dumps(answers(request).get(schema, {}))
        payload = json.dumps({"model": "gpt-4.1-mini", "usage": {"prompt_tokens": 600, "completion_tokens": 200},
                              "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def main():
    bin_dir, work, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    os.makedirs(work, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    database = os.path.join(work, "bundle.sqlite")
    if os.path.exists(database):
        os.remove(database)
    env = dict(os.environ, DATABASE_URL=database, LOG_LEVEL="error", LLM_PROVIDER="openai", LLM_BASE_URL=f"http://127.0.0.1:{port}/v1",
               LLM_API_KEY="bench", SEARCH_PROVIDER="offline", EMBEDDINGS_PROVIDER="offline", WORKFLOW_RETRY_BASE_SECONDS="0")
    env.pop("MCP_SERVER_URL", None)
    env.pop("MCP_SERVER_COMMAND", None)

    def run(function, payload):
        done = subprocess.run([f"{bin_dir}/{function}"], input=json.dumps(payload).encode(), capture_output=True, env=env)
        return json.loads(done.stdout or b"{}")

    run("health", {})
    with sqlite3.connect(database) as db:
        db.execute("INSERT INTO sales_companies (name, name_key, industry, created_at, updated_at) "
                   "VALUES ('Northwind Logistics', 'northwind logistics', 'Logistics', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
        db.execute("INSERT INTO sales_prospects (linkedin_url, full_name, title, company_name, company_id, industry, status, created_at, updated_at) "
                   "VALUES ('https://www.linkedin.com/in/bench', 'Dana Reyes', 'VP Operations', 'Northwind Logistics', 1, 'Logistics', 'new', "
                   "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    run("research-prospect", {"id": 1})
    subprocess.run([f"{bin_dir}/work"], stdin=subprocess.DEVNULL, capture_output=True, env=env)
    queued = run("draft-outreach", {"id": 1})
    started = time.perf_counter()
    subprocess.run([f"{bin_dir}/work"], stdin=subprocess.DEVNULL, capture_output=True, env=env)
    wall_ms = (time.perf_counter() - started) * 1000
    listed = run("list-outreach", {"id": 1})
    latest = listed.get("latest_run") or {}
    steps = latest.get("steps", [])
    llm_calls = sum(s.get("llm_calls", 0) for s in steps)
    upstream_ms = llm_calls * LLM_S * 1000
    print(f"outreach run {queued.get('run_id')}: {latest.get('status')}"
          + (f" (failed at {latest.get('failed_step')}: {(latest.get('error') or {}).get('message')})" if latest.get("failed_step") else "")
          + f"; drafts stored: {listed.get('total')}")
    print(f"{'step':24}{'status':>11}{'ms':>8}{'llm calls':>11}")
    for step in steps:
        print(f"{step['name']:24}{step['status']:>11}{step.get('duration_ms') or 0:8d}{step.get('llm_calls', 0):11d}")
    print(f"upstream latencies summed: {llm_calls} LLM calls x {LLM_S * 1000:.0f} ms = {upstream_ms:.0f} ms")
    print(f"work wall time (process start, claim, six steps, draft stored): {wall_ms:.0f} ms; wall / upstream sum = "
          f"{wall_ms / max(1, upstream_ms):.2f}x (the steps depend on each other, so the calls run one after another)")
    server.shutdown()


main()
