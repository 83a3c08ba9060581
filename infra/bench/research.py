"""One research run's wall time against the sum of its upstream latencies, for `infra/dev bench`.

Loopback fakes with fixed delays speak You.com's search API (300 ms) and an OpenAI-compatible
chat API (500 ms, answering the research tasks' schemas); tier 2 points at a closed port, so it
fails fast and the run says mcp_unavailable. A prospect is inserted, research-prospect queues the
run, and `work` runs it as the worker would; the wall time of `work` is compared with the sum of
the upstream calls the run made (searches and LLM calls, from its recorded steps).

usage: research.py <bin dir> <work dir> <port>
"""
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SEARCH_S, LLM_S = 0.3, 0.5
SOURCE = "https://news.example/northwind-leaves-its-data-center"
ANSWERS = {
    "tech_stack": {"technologies": [{"name": "Kubernetes", "category": "devops", "evidence": SOURCE}], "summary": "Containers on premises."},
    "pain_points": {"pain_points": [{"pain": "Infrastructure costs", "severity": "high", "evidence": SOURCE}], "summary": "Costs."},
    "research_summary": {"summary": "Northwind wants to leave its data center.",
                         "key_insights": [{"insight": "Leaving the data center", "evidence": SOURCE}]},
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
        time.sleep(SEARCH_S)
        self.answer({"results": {"web": [{"url": SOURCE, "title": "Northwind Logistics leaves its data center",
                                          "description": "Northwind runs Kubernetes on premises and wants lower costs."}]}})

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        schema = request.get("response_format", {}).get("json_schema", {}).get("name", "")
        time.sleep(LLM_S)
        self.answer({"model": "gpt-4.1-mini", "usage": {"prompt_tokens": 600, "completion_tokens": 120},
                     "choices": [{"message": {"role": "assistant", "content": json.dumps(ANSWERS.get(schema, {}))}}]})

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
               LLM_API_KEY="bench", SEARCH_PROVIDER="youcom", YOUCOM_API_KEY="bench", YOUCOM_BASE_URL=f"http://127.0.0.1:{port}",
               EMBEDDINGS_PROVIDER="offline", WORKFLOW_RETRY_BASE_SECONDS="0")
    # Tier 1 embeds offline and tier 2 enriches from the catalogue (the defaults): only the web
    # search and the LLM are upstreams here, each with its fixed delay.
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
    started = time.perf_counter()
    subprocess.run([f"{bin_dir}/work"], stdin=subprocess.DEVNULL, capture_output=True, env=env)
    wall_ms = (time.perf_counter() - started) * 1000
    research = run("latest-research", {"id": 1})
    steps = research.get("steps", [])
    searches = sum(len((s.get("output") or {}).get("queries", [])) for s in steps if s["name"] == "research_company")
    llm_calls = sum(s.get("llm_calls", 0) for s in steps)
    upstream_ms = (searches * SEARCH_S + llm_calls * LLM_S) * 1000
    print(f"research run {research.get('run_id')}: {research.get('status')}"
          + (f" (failed at {research.get('failed_step')}: {research.get('error', {}).get('message')})" if research.get("failed_step") else "")
          + f"; mcp_unavailable {research.get('mcp_unavailable')}")
    print(f"{'step':24}{'status':>11}{'ms':>8}{'llm calls':>11}")
    for step in steps:
        print(f"{step['name']:24}{step['status']:>11}{step.get('duration_ms') or 0:8d}{step.get('llm_calls', 0):11d}")
    print(f"upstream latencies summed: {searches} searches x {SEARCH_S * 1000:.0f} ms + {llm_calls} LLM calls x {LLM_S * 1000:.0f} ms = {upstream_ms:.0f} ms")
    print(f"work wall time (process start, claim, six steps, record): {wall_ms:.0f} ms; wall / upstream sum = {wall_ms / max(1, upstream_ms):.2f}x"
          " (below 1: the two searches run at once)")
    server.shutdown()


main()
