#!/usr/bin/env python3
"""The bounded load generator of the multi-host test (infra/multihost/run). Python's standard
library only; Twilio's signature from infra/twilio/webhooks.py (Twilio's own library when installed).

Every request has a timeout, every run a fixed pool of workers and a total time limit; a request
that fails to complete counts as status 0. "At the same moment" means both connections are open
and both threads pass one barrier before either request is written.

  load.py race --hosts URL URL --path /health [--repeat N]
      N GETs to each host, all at the same moment; prints {"statuses": [...], "bodies": [...]}
  load.py jobs --hosts URL URL --api-key K --count N [--workers W] [--limit S] --out FILE
      N jobs (`health`), each key POSTed to /jobs on both hosts at the same moment; FILE gets
      key -> [status, id] per host; prints a summary
  load.py check-jobs --results FILE --database FILE
      compares the callers' job ids with the database's (`key|id` lines); prints a summary
  load.py webhooks --hosts URL URL --token T --public URL --numbers FILE --messages N
                   [--duplicates 0.1] [--workers W] [--limit S]
      N signed webhooks to POST /twilio/inbound, the unique ones alternating between the hosts,
      each duplicate MessageSid sent to both hosts at the same moment; prints a summary
  load.py call URL METHOD PATH [--body FILE] [--api-key K]    one request; prints the answer's body
  load.py campaigns --out DIR      the campaigns of parts 3 and 4 (campaignN.json, numbersN.txt)

Reading what the run left (no network):
  load.py logged --ids FILE --logs FILE...     per job id (FILE: one a line), the workers' log lines
      job.finished/succeeded and job.reclaimed; prints counts
  load.py per-to --sends FILE --numbers FILE --expect N
      of the fake Twilio's sends (GET /_sends), per number: prints how many numbers got exactly N
      and how many sends went to the numbers in all
"""
import argparse, http.client, json, os, random, sys, threading, time, urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "twilio"))
import webhooks  # noqa: E402  (signature and message fields, as Twilio sends them)

TIMEOUT = 30


def request(url, method, path, body=None, headers=None, barrier=None):
    """(status, parsed JSON body or text, headers); status 0 when the request failed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=TIMEOUT)
    try:
        connection.connect()
        if barrier is not None:
            barrier.wait(timeout=TIMEOUT)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        return response.status, value, dict(response.getheaders())
    except Exception as error:  # noqa: BLE001 - any failure is a miss, counted and shown
        return 0, f"{type(error).__name__}: {error}", {}
    finally:
        connection.close()


def together(calls):
    """Runs each (url, method, path, body, headers) in its own thread, released at one barrier."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        results[index] = request(*call, barrier=barrier)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def pool(items, workers, limit, work):
    """Runs work(item) for every item with `workers` threads; stops taking items after `limit` s.
    Returns (seconds, items not started)."""
    lock = threading.Lock()
    cursor = iter(items)
    deadline = time.monotonic() + limit
    skipped = [0]

    def worker():
        while True:
            with lock:
                item = next(cursor, None)
                if item is not None and time.monotonic() > deadline:
                    skipped[0] += 1
                    continue
            if item is None:
                return
            work(item)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started, skipped[0]


def count(statuses, status):
    statuses[str(status)] = statuses.get(str(status), 0) + 1


def race(args):
    results = together([(url, "GET", args.path, None, {}) for url in args.hosts for _ in range(args.repeat)])
    print(json.dumps({"statuses": [status for status, _, _ in results], "bodies": [body for _, body, _ in results]}))


def jobs(args):
    keys = [f"{args.prefix}-{index:05d}" for index in range(args.count)]
    results, lock = {}, threading.Lock()
    headers = {"X-API-Key": args.api_key, "Content-Type": "application/json"}

    def one(key):
        body = json.dumps({"function": "health", "input": {}, "idempotency_key": key})
        answers = together([(url, "POST", "/jobs", body, headers) for url in args.hosts])
        row = [[status, value.get("id") if isinstance(value, dict) else None,
                (value.get("error") or {}).get("code") if isinstance(value, dict) and status >= 400 else (None if status else value)]
               for status, value, _ in answers]
        with lock:
            results[key] = row

    seconds, skipped = pool(keys, args.workers, args.limit, one)
    json.dump(results, open(args.out, "w"))
    statuses = [{}, {}]
    same, different, errors = 0, [], {}
    for key, row in results.items():
        for host, (status, _, error) in enumerate(row):
            count(statuses[host], status)
            if status != 202:
                errors[str(error)] = errors.get(str(error), 0) + 1
        if row[0][1] is not None and row[0][1] == row[1][1]:
            same += 1
        else:
            different.append(key)
    print(json.dumps({"keys": len(keys), "answered": len(results), "not_started": skipped, "seconds": round(seconds, 1),
                      "requests_per_second": round(2 * len(results) / seconds, 1), "statuses": statuses,
                      "same_job_id": same, "different_job_id": len(different), "different_examples": different[:5],
                      "errors": errors}))


def check_jobs(args):
    results = json.load(open(args.results))
    stored = {}
    for line in open(args.database):
        if "|" in line:
            key, job = line.strip().split("|")
            stored[key] = int(job)
    mismatched = [key for key, row in results.items() if stored.get(key) is None or any(job != stored[key] for _, job, _ in row)]
    print(json.dumps({"keys_answered": len(results), "keys_stored": len(stored), "answers_not_matching_the_stored_job": len(mismatched),
                      "examples": mismatched[:5]}))


def webhook_calls(args):
    numbers = [line.strip() for line in open(args.numbers) if line.strip()]
    duplicates = int(args.messages * args.duplicates)
    unique = args.messages - duplicates
    doubled = set(random.Random(7).sample(range(unique), duplicates))
    calls = []
    for index in range(unique):
        params = webhooks.message("SM%032x" % (0x6d680000 + index), numbers[index % len(numbers)], f"answer {index}")
        body = urllib.parse.urlencode(params)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "TwilioProxy/1.1",
                   "X-Twilio-Signature": webhooks.signature(args.token, args.public, params)}
        hosts = list(args.hosts) if index in doubled else [args.hosts[index % 2]]
        calls.append((index, [(url, "POST", "/twilio/inbound", body, headers) for url in hosts]))
    return calls, unique, duplicates


def webhook_load(args):
    calls, unique, duplicates = webhook_calls(args)
    statuses, outcomes, failures, lock = {}, {}, [], threading.Lock()
    pairs = {"both_200": 0, "other": 0}

    def one(item):
        index, group = item
        answers = together(group)
        with lock:
            for status, value, _ in answers:
                count(statuses, status)
                if status != 200 and len(failures) < 5:
                    failures.append([index, status, value if isinstance(value, (str, dict)) else str(value)])
            if len(group) == 2:
                pairs["both_200" if all(status == 200 for status, _, _ in answers) else "other"] += 1

    seconds, skipped = pool(calls, args.workers, args.limit, one)
    sent = sum(len(group) for _, group in calls)
    print(json.dumps({"webhooks": sent, "unique": unique, "duplicates": duplicates, "not_started": skipped,
                      "seconds": round(seconds, 1), "requests_per_second": round(sent / seconds, 1), "statuses": statuses,
                      "duplicate_pairs": pairs, "failures": failures, "signer": "twilio library" if webhooks.RequestValidator else "own"}))


def call(args):
    body = open(args.body, "rb").read() if args.body else None
    headers = {"Content-Type": "application/json"}
    if args.api_key:
        headers["X-API-Key"] = args.api_key
    status, value, _ = request(args.hosts[0], args.hosts[1], args.hosts[2], body, headers)
    if not 200 <= status < 300:
        sys.exit(f"{args.hosts[1]} {args.hosts[2]}: HTTP {status}: {value}")
    print(json.dumps(value) if not isinstance(value, str) else value)


def campaigns(args):
    schema = [{"name": f"q{n}", "type": "string", "description": f"Question {n}"} for n in range(20)]
    # Part 3: 100 numbers, 9 messages each, twenty fields (no conversation completes on the way).
    numbers = ["+49151%07d" % n for n in range(100)]
    open(f"{args.out}/numbers3.txt", "w").write("\n".join(numbers) + "\n")
    json.dump({"name": "Multi-host webhooks", "brief": "A campaign with twenty open questions.", "schema": schema, "phones": numbers},
              open(f"{args.out}/campaign3.json", "w"))
    # Part 4: 24 openings to pace.
    numbers = ["+4477009%05d" % n for n in range(24)]
    open(f"{args.out}/numbers4.txt", "w").write("\n".join(numbers) + "\n")
    json.dump({"name": "Multi-host outreach", "brief": "A campaign to pace.", "schema": schema[:3], "phones": numbers},
              open(f"{args.out}/campaign4.json", "w"))


def logged(args):
    ids = {int(line) for line in open(args.ids) if line.strip()}
    successes, reclaimed = {}, {}
    for path in args.logs:
        for line in open(path, errors="replace"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            job = entry.get("job")
            if job not in ids:
                continue
            if entry.get("msg") == "job.finished" and entry.get("status") == "succeeded":
                successes[job] = successes.get(job, 0) + 1
            elif entry.get("msg") == "job.reclaimed":
                reclaimed[job] = reclaimed.get(job, 0) + 1
    print(json.dumps({"jobs": len(ids), "logged_once": sum(1 for job in ids if successes.get(job) == 1),
                      "logged_twice": sum(1 for job in ids if successes.get(job, 0) > 1),
                      "not_logged": sum(1 for job in ids if job not in successes),
                      "reclaimed": sum(reclaimed.values()), "jobs_reclaimed": len(reclaimed)}))


def per_to(args):
    numbers = ["whatsapp:" + line.strip() for line in open(args.numbers) if line.strip()]
    counts = {}
    for send in json.load(open(args.sends))["sends"]:
        counts[send["to"]] = counts.get(send["to"], 0) + 1
    print(json.dumps({"numbers": len(numbers), "exactly": sum(1 for number in numbers if counts.get(number) == args.expect),
                      "sends": sum(counts.get(number, 0) for number in numbers)}))


def main():
    parser = argparse.ArgumentParser()
    commands = {"race": race, "jobs": jobs, "check-jobs": check_jobs, "webhooks": webhook_load, "call": call,
                "campaigns": campaigns, "logged": logged, "per-to": per_to}
    parser.add_argument("command", choices=sorted(commands))
    parser.add_argument("hosts", nargs="*", help="call: URL METHOD PATH")
    parser.add_argument("--hosts", dest="hosts", nargs=2)
    parser.add_argument("--path", default="/health")
    parser.add_argument("--repeat", type=int, default=1, help="race: requests to each host")
    parser.add_argument("--api-key")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--prefix", default="multihost")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--limit", type=float, default=240, help="seconds after which no new item is started")
    parser.add_argument("--out")
    parser.add_argument("--results")
    parser.add_argument("--database")
    parser.add_argument("--token")
    parser.add_argument("--public", help="the URL Twilio signs (PUBLIC_BASE_URL + /twilio/inbound)")
    parser.add_argument("--numbers")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--duplicates", type=float, default=0.1)
    parser.add_argument("--body")
    parser.add_argument("--ids")
    parser.add_argument("--logs", nargs="+")
    parser.add_argument("--sends")
    parser.add_argument("--expect", type=int)
    args = parser.parse_args()
    commands[args.command](args)


if __name__ == "__main__":
    main()
