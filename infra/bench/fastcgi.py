"""Warm mode against CGI and FastAPI, for `infra/dev bench fastcgi` (issue 20's bench).

  fastcgi.py seed <bin dir> <work dir> <webhooks>
      One database made by the bundle: migrated, 50 meetings from a calendar feed (poll-calendar)
      each with an enrichment, an API key, and an interview campaign whose webhooks/10 participants
      have had their opening; copied (SQLite's backup) to cgi.sqlite, fastcgi.sqlite and
      fastapi.sqlite, so every stack reads the same rows. The key goes to key.txt; <webhooks>
      signed inbound webhooks (distinct MessageSid, message i from participant i mod webhooks/10)
      to webhooks.tsv, one `signature<TAB>form body` a line.
  fastcgi.py run <work dir> <seconds> <name>=<port>...
      names: cgi, fastcgi, fastapi (behind nginx, a connection per request), kept (behind nginx,
      a connection kept per worker), uvicorn (FastAPI direct, a connection per request). Every stack takes
      GET /health, GET /meetings and POST /jobs with `wrk -t2 -c16` for <seconds> after a 1 s
      warm-up, route by route; then, through FastCGI, the signed webhooks (each sent once) and
      100,000 GET /health with the workers' VmRSS before and after. Prints the tables.

Ratios and goals compare stacks measured in this run; nothing here fails on a time.
"""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time

TOKEN, PUBLIC_URL = "bench-token", "https://research.example.com"
LABELS = {"cgi": "CGI (fcgiwrap, 2 children)", "fastcgi": "FastCGI (serve-fastcgi, 2 workers)",
          "fastapi": "FastAPI behind nginx (2 workers)", "kept": "  the same, connection kept (ref.)",
          "uvicorn": "  FastAPI direct, no nginx (ref.)"}
DATABASES = {"cgi": "cgi.sqlite", "fastcgi": "fastcgi.sqlite", "fastapi": "fastapi.sqlite", "kept": "fastapi.sqlite",
             "uvicorn": "fastapi.sqlite"}
MEMORY_REQUESTS = 100_000

# POST /jobs with an idempotency key of its own per request (as bench_postgres): wrk's threads each
# number theirs under a prefix naming the stack and the phase.
ENQUEUE_LUA = """
local threads = 0
function setup(thread) threads = threads + 1; thread:set("thread_id", threads) end
function init(args)
    key, prefix, counter = args[1], args[2] .. "-" .. thread_id .. "-", 0
end
function request()
    counter = counter + 1
    return wrk.format("POST", "/jobs", {["Content-Type"] = "application/json", ["X-API-Key"] = key},
        '{"function":"health","input":{},"idempotency_key":"' .. prefix .. counter .. '"}')
end
"""

# Each thread posts its share of the pre-signed webhooks (line n goes to thread n mod threads), each
# once. A connection asking for more once its thread's share is all sent gets GET /health instead
# (told apart by the answer's "providers"); when the last webhook of its share is answered, the
# thread writes <marker>-<id> and stops, and the driver ends wrk (SIGINT) once every thread has.
WEBHOOKS_LUA = """
local threads, count = {}, 0
function setup(thread) count = count + 1; thread:set("id", count); table.insert(threads, thread) end
function init(args)
    marker, total_threads = args[2], tonumber(args[3])
    signatures, bodies, n = {}, {}, 0
    for line in io.lines(args[1]) do
        if n % total_threads == id - 1 then
            local tab = line:find("\\t", 1, true)
            signatures[#signatures + 1], bodies[#bodies + 1] = line:sub(1, tab - 1), line:sub(tab + 1)
        end
        n = n + 1
    end
    share, sent, ok, failed, extra = #bodies, 0, 0, 0, 0
    health = wrk.format("GET", "/health")
end
function request()
    -- wrk calls thread 1's request() once before the run to check what it returns: not a webhook.
    if id == 1 and not checked then checked = true; return health end
    if sent < share then
        sent = sent + 1
        return wrk.format("POST", "/twilio/inbound", {["Content-Type"] = "application/x-www-form-urlencoded",
            ["X-Twilio-Signature"] = signatures[sent]}, bodies[sent])
    end
    return health
end
function response(status, headers, body)
    if body:find('"providers"', 1, true) then extra = extra + 1; return end
    if status >= 200 and status < 300 then ok = ok + 1 else failed = failed + 1 end
    if ok + failed == share then
        local file = io.open(marker .. "-" .. id, "w"); file:write("done"); file:close()
        wrk.thread:stop()
    end
end
function done(summary, latency, requests)
    local sums = {sent = 0, ok = 0, failed = 0, extra = 0, share = 0}
    for _, thread in ipairs(threads) do
        for name in pairs(sums) do sums[name] = sums[name] + thread:get(name) end
    end
    io.write(string.format('WEBHOOKS {"sent":%d,"ok":%d,"failed":%d,"extra":%d,"share":%d}\\n',
        sums.sent, sums.ok, sums.failed, sums.extra, sums.share))
end
"""


def run_bundle(bin_dir, function, payload, env):
    result = subprocess.run([f"{bin_dir}/{function}"], input=payload.encode(), capture_output=True, env=env)
    if result.returncode != 0:
        sys.exit(f"{function} failed ({result.returncode}): {result.stdout.decode()[:400]} {result.stderr.decode()[-400:]}")
    return json.loads(result.stdout or b"{}")


def signature(params):
    try:
        from twilio.request_validator import RequestValidator
        return RequestValidator(TOKEN).compute_signature(PUBLIC_URL + "/twilio/inbound", params)
    except ImportError:  # Twilio's documented scheme: HMAC-SHA1 over the URL and the sorted fields
        import base64, hashlib, hmac
        data = PUBLIC_URL + "/twilio/inbound" + "".join(name + params[name] for name in sorted(params))
        return base64.b64encode(hmac.new(TOKEN.encode(), data.encode(), hashlib.sha1).digest()).decode()


def seed(bin_dir, work, webhooks):
    import urllib.parse
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "twilio"))
    from webhooks import message
    seed_db = f"{work}/seed.sqlite"
    env = dict(os.environ, DATABASE_URL=seed_db, LLM_PROVIDER="offline", LOG_LEVEL="error", OUTREACH_RATE_PER_MINUTE="100000")
    run_bundle(bin_dir, "health", "", env)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN"]
    for n in range(50):
        lines += ["BEGIN:VEVENT", f"UID:bench-{n}", f"DTSTART:202601{6 + n // 9:02d}T{8 + n % 9:02d}0000Z", "DURATION:PT30M",
                  f"SUMMARY:Call {n}", f"DESCRIPTION:Intro call {n} about the logistics pilot", "ORGANIZER:mailto:rep@ourco.example",
                  f"ATTENDEE;CN=Buyer {n}:mailto:buyer{n}@company{n}.example", "END:VEVENT"]
    open(f"{work}/calendar.ics", "w").write("\r\n".join(lines + ["END:VCALENDAR"]) + "\r\n")
    run_bundle(bin_dir, "poll-calendar", "{}", dict(env, BUNDLE_NOW="2026-01-05T00:00:00Z", SELF_EMAIL_DOMAINS="ourco.example",
                                                    CALENDAR_ICS_URL=f"{work}/calendar.ics"))
    key = run_bundle(bin_dir, "create-api-key", '{"name": "bench"}', env)["key"]
    open(f"{work}/key.txt", "w").write(key + "\n")
    numbers = ["+49151%07d" % n for n in range(max(1, webhooks // 10))]
    schema = [{"name": f"q{n}", "type": "string", "description": f"Question {n}"} for n in range(20)]
    campaign = run_bundle(bin_dir, "create-campaign", json.dumps({"name": "Bench", "brief": "A benchmark campaign with twenty open questions.",
                                                                  "schema": schema, "phones": numbers}), env)
    run_bundle(bin_dir, "launch-campaign", json.dumps({"id": campaign["campaign"]["id"]}), env)
    run_bundle(bin_dir, "send-outreach", "", env)
    db = sqlite3.connect(seed_db)
    # A meeting as the pipeline leaves it has its enrichment: a page of them is what a list reads.
    for (n,) in db.execute("SELECT id FROM meetings").fetchall():
        enrichment = {"company": {"summary": f"Company{n} runs regional freight with 400 trucks.",
                                  "sources": [f"https://news.example/{n}/{k}" for k in range(3)]},
                      "person": {"summary": f"Buyer {n} leads operations.", "sources": [f"https://people.example/{n}"]},
                      "news": [{"title": f"Company{n} opens a hub", "url": f"https://news.example/{n}/hub", "date": "2025-12-01"}]}
        db.execute("UPDATE meetings SET enrichment = ?, status = 'enriched' WHERE id = ?", (json.dumps(enrichment, separators=(",", ":")), n))
    db.commit()
    opened = db.execute("SELECT COUNT(*) FROM conversations WHERE status = 'outreach_sent'").fetchone()[0]
    if opened != len(numbers) or db.execute("SELECT COUNT(*) FROM meetings").fetchone()[0] != 50:
        sys.exit(f"seeding failed: {opened} conversations opened of {len(numbers)}")
    for name in set(DATABASES.values()):
        target = sqlite3.connect(f"{work}/{name}")
        db.backup(target)
        target.close()
    db.close()
    with open(f"{work}/webhooks.tsv", "w") as out:
        for index in range(webhooks):
            params = message("SM%032x" % index, numbers[index % len(numbers)], "answer %d" % index)
            out.write(signature(params) + "\t" + urllib.parse.urlencode(params) + "\n")


def parse_wrk(text):
    def duration(value, unit):
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    total = int(re.search(r"(\d+) requests in", text).group(1))
    p50, p99 = (duration(*found.groups()) if (found := re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s|m)\b", text)) else None
                for p in (50, 99))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0, "total": total,
            "socket_errors": sum(map(int, sockets.groups())) if sockets else 0}


def wrk(port, path, seconds, script=None, script_args=(), headers=(), latency=True):
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s"] + (["--latency"] if latency else [])
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    command.append(f"http://127.0.0.1:{port}{path}")
    if script_args:
        command += ["--"] + list(script_args)
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def children(pid):
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            text = open(f"/proc/{entry}/stat").read()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2:].split()[1]) == pid:
            found.append(int(entry))
    return sorted(found)


def rss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def command_line(pid):
    try:
        return open(f"/proc/{pid}/cmdline", "rb").read()
    except OSError:
        return b""


def read_pid(path):
    try:
        return int(open(path).read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def wait_ready(ports, timeout=120):
    """Until every stack answers GET /health (uvicorn's workers take seconds to start on a busy machine)."""
    import urllib.request
    deadline = time.monotonic() + timeout
    for stack, port in ports.items():
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{LABELS[stack]} does not answer GET /health on port {port}")
            time.sleep(0.1)


def route_tables(work, seconds, ports, key):
    routes = [("health", "GET /health", "/health", {}),
              ("meetings", "GET /meetings (50 rows, API key)", "/meetings", {"headers": [f"X-API-Key: {key}"]}),
              ("jobs", "POST /jobs (a new idempotency key each)", "/jobs", {"script": f"{work}/enqueue.lua"})]
    results = {}
    for route, _, path, options in routes:
        for stack, port in ports.items():
            extra = dict(options)
            if route == "jobs":
                wrk(port, path, 1, script_args=(key, f"warm-{stack}"), latency=False, **extra)
                text = wrk(port, path, seconds, script_args=(key, f"run-{stack}"), **extra)
            else:
                wrk(port, path, 1, latency=False, **extra)
                text = wrk(port, path, seconds, **extra)
            open(f"{work}/wrk-{route}-{stack}.txt", "w").write(text)
            results[route, stack] = parse_wrk(text)
    print(f"\nthree routes, each stack behind the same nginx (2 workers), 2 workers each; wrk -t2 -c16 for {seconds}s after a 1 s warm-up")
    summary = []
    for route, label, _, _ in routes:
        print(f"\n{label}")
        print(f"{'':40}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>9}")
        for stack in LABELS:
            if stack not in ports:
                print(f"{LABELS[stack]:40}{'not run':>9}")
                continue
            row = results[route, stack]
            errors = row["non2xx"] + row["socket_errors"]
            print(f"{LABELS[stack]:40}{row['rps']:9.0f}{row['p50']:9.2f}{row['p99']:9.2f}{errors:9d}")
        fastapi = results.get((route, "fastapi"))
        if fastapi and (route, "cgi") in results:
            print(f"CGI / FastAPI = {results[route, 'cgi']['rps'] / fastapi['rps']:.2f}x")
        if fastapi and (route, "fastcgi") in results:
            ratio = results[route, "fastcgi"]["rps"] / fastapi["rps"]
            line = f"FastCGI / FastAPI = {ratio:.2f}x (goal at least 1.5x: {'met' if ratio >= 1.5 else 'missed'})"
            print(line)
            others = [f"/ {name} = {results[route, 'fastcgi']['rps'] / results[route, stack]['rps']:.2f}x"
                      for stack, name in (("kept", "FastAPI with its connection kept"), ("uvicorn", "FastAPI direct"), ("cgi", "CGI"))
                      if (route, stack) in results]
            if others:
                print("FastCGI " + "; ".join(others))
            summary.append((label, ratio))
            if route == "health":
                p99 = results[route, "fastcgi"]["p99"]
                print(f"FastCGI p99 on GET /health = {p99:.2f} ms (goal under 5 ms: {'met' if p99 < 5 else 'missed'})")
        elif (route, "fastcgi") not in results:
            print("FastCGI / FastAPI: not measured (no FastCGI stack in this run)")
    # The writes each stack stored against wrk's count of 2xx answers.
    print()
    for stack in ports:
        db = sqlite3.connect(f"{work}/{DATABASES[stack]}")
        stored = db.execute("SELECT COUNT(*) FROM jobs WHERE idempotency_key LIKE ?", (f"run-{stack}-%",)).fetchone()[0]
        db.close()
        row = results["jobs", stack]
        answered = row["total"] - row["non2xx"]
        # wrk stops with up to one request per connection (16) in flight, which is then stored too.
        consistent = answered <= stored <= answered + 16 and row["non2xx"] == 0
        print(f"POST /jobs, {LABELS[stack].strip()}: wrk counted {answered} answered 2xx ({row['non2xx']} not), {stored} jobs stored: "
              + ("consistent" if consistent else "NOT consistent"))
    return results


def webhooks(work, port):
    """Every pre-signed webhook once through FastCGI; the stored counts must be exact."""
    total = sum(1 for _ in open(f"{work}/webhooks.tsv"))
    marker = f"{work}/webhooks-done"
    for name in os.listdir(work):
        if name.startswith("webhooks-done-"):
            os.remove(f"{work}/{name}")
    # At most 100 s for 10,000 (a tenth of the goal's rate), so a lost answer cannot hold the bench.
    limit = max(30, total // 100)
    started = time.monotonic()
    process = subprocess.Popen(["wrk", "-t2", "-c16", f"-d{limit}s", "--latency", "-s", f"{work}/webhooks.lua",
                                f"http://127.0.0.1:{port}/twilio/inbound", "--", f"{work}/webhooks.tsv", marker, "2"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while process.poll() is None and not all(os.path.exists(f"{marker}-{n}") for n in (1, 2)):
        time.sleep(0.01)
    seconds = time.monotonic() - started
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    text = process.communicate(timeout=60)[0]
    open(f"{work}/wrk-webhooks.txt", "w").write(text)
    counts = json.loads(re.search(r"WEBHOOKS (\{.*\})", text).group(1))
    timing = parse_wrk(text)
    db = sqlite3.connect(f"{work}/fastcgi.sqlite")
    one = lambda sql: db.execute(sql).fetchone()[0]
    stored = one("SELECT COUNT(*) FROM messages WHERE direction = 'inbound'")
    replies = one("SELECT COUNT(*) FROM messages WHERE direction = 'outbound' AND in_reply_to IS NOT NULL")
    waiting = one("SELECT COUNT(*) FROM messages WHERE direction = 'inbound' AND status = 'received'")
    doubled = one("SELECT COUNT(*) FROM (SELECT in_reply_to FROM messages WHERE in_reply_to IS NOT NULL GROUP BY in_reply_to HAVING COUNT(*) > 1)")
    db.close()
    rate = counts["ok"] / seconds
    print(f"\nsigned Twilio webhooks through FastCGI: {total} pre-signed (distinct MessageSid, {total // 10} participants), "
          f"wrk -t2 -c16, each sent once")
    print(f"{counts['sent']} sent, {counts['ok']} answered 2xx, {counts['failed']} not, in {seconds:.2f} s: {rate:.0f} req/s "
          f"(goal at least 1,000: {'met' if rate >= 1000 else 'missed'}); p50 {timing['p50']:.2f} ms, p99 {timing['p99']:.2f} ms "
          f"({counts['extra']} GET /health filled connections at the end)")
    exact = counts["ok"] == total and stored == total and replies == total and waiting == 0 and doubled == 0
    print(f"messages stored {stored}, replies {replies}, still waiting {waiting}, answered twice {doubled}: "
          + ("exact" if exact else "NOT exact"))


def memory(work, port, rate):
    """VmRSS of each FastCGI worker before and after 100,000 GET /health."""
    master = read_pid(f"{work}/serve-fastcgi/fastcgi.pid")
    before = {pid: rss_kib(pid) for pid in children(master)} if master else {}
    # Runs sized at 80% of what is left at the last run's rate, so the total ends a little past 100,000.
    sent, runs = 0, 0
    while sent < MEMORY_REQUESTS and runs < 20:
        seconds = max(1, min(60, int(0.8 * (MEMORY_REQUESTS - sent) / max(rate, 500))))
        run = parse_wrk(wrk(port, "/health", seconds, latency=False))
        sent, rate, runs = sent + run["total"], run["rps"], runs + 1
    after = {pid: rss_kib(pid) for pid in children(master)} if master else {}
    return master, before, after, sent


def main():
    if sys.argv[1] == "seed":
        seed(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    work, seconds = sys.argv[2], int(sys.argv[3])
    ports = dict((name, int(port)) for name, port in (argument.split("=") for argument in sys.argv[4:]))
    key = open(f"{work}/key.txt").read().strip()
    open(f"{work}/enqueue.lua", "w").write(ENQUEUE_LUA)
    open(f"{work}/webhooks.lua", "w").write(WEBHOOKS_LUA)
    wait_ready(ports)
    master = read_pid(f"{work}/serve-fastcgi/fastcgi.pid") if "fastcgi" in ports else None
    at_start = {pid: rss_kib(pid) for pid in children(master)} if master else {}
    results = route_tables(work, seconds, ports, key)
    # uvicorn's workers (not multiprocessing's resource tracker beside them), after their runs.
    uvicorn_rss = {}
    for name in ("uvicorn", "kept"):
        parent = read_pid(f"{work}/{name}.pid")
        uvicorn_rss[name] = {pid: rss_kib(pid) for pid in children(parent) if b"spawn_main" in command_line(pid)} if parent else {}
    if "fastcgi" not in ports:
        print("\nFastCGI: not run (needs `bundle serve-fastcgi` and `infra/dev serve --fastcgi`): no webhook or memory figures")
    else:
        webhooks(work, ports["fastcgi"])
        master, before, after, sent = memory(work, ports["fastcgi"], results["health", "fastcgi"]["rps"])
        print(f"\nmemory per FastCGI worker (VmRSS), {sent:,} GET /health through nginx after the runs above")
        print(f"{'':18}{'at start KiB':>14}{'before KiB':>12}{'after KiB':>12}{'growth KiB':>12}")
        for pid in sorted(set(before) | set(after)):
            start, first, last = at_start.get(pid), before.get(pid), after.get(pid)
            cells = [f"{value:,}" if value is not None else "gone" for value in (start, first, last)]
            growth = f"{last - first:+,}" if first is not None and last is not None else "-"
            print(f"{'worker ' + str(pid):18}{cells[0]:>14}{cells[1]:>12}{cells[2]:>12}{growth:>12}")
        if master:
            print(f"{'master ' + str(master):18}{'':>14}{'':>12}{rss_kib(master) or 0:>12,}")
        if set(before) != set(after):
            print("the workers changed during the run (restarted or recycled): compare by pid")
    for name, label in (("uvicorn", "a connection per request"), ("kept", "connection kept")):
        if uvicorn_rss[name]:
            print(f"FastAPI's uvicorn workers ({label}) after their runs, for reference: "
                  + ", ".join(f"{pid}: {kib:,} KiB" for pid, kib in uvicorn_rss[name].items() if kib))


if __name__ == "__main__":
    main()
