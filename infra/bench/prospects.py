"""Prospect-import benchmark for `infra/dev bench`: a generated 10,000-prospect CSV (loose
headers, LinkedIn URLs in several spellings, 500 companies each written two or three ways)
imported by `import-prospects`, against Python's csv module and sqlite3 importing the same file
in the same run, in interleaved rounds (each on a new, already migrated database), medians.

Two baselines: the plain import (every row inserted as it is) and the same rules (company key,
LinkedIn URL normalised, upsert by URL, companies de-duplicated) written in Python.

Usage: prospects.py BIN_DIR WORK_DIR"""
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import time

bin_dir, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
for stale in os.listdir(work):  # each round starts from a new database
    if ".sqlite" in stale:
        os.remove(os.path.join(work, stale))
TITLES = ["CTO", "VP Engineering", "Head of Data", "Director of Cloud Infrastructure", "CISO", "Chief Data Officer", "Platform Lead"]
INDUSTRIES = ["Financial Services", "Retail", "Healthcare", "Energy", "Manufacturing", "Media", "Transportation & Logistics"]
SUFFIXES = [("Corp", "Corporation", "CORP."), ("Inc", "Inc.", "Incorporated"), ("Ltd", "Limited", "LTD"), ("GmbH", "GmbH", "gmbh"), ("", "", "")]


def sheet(rows, seed=11):
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["LinkedIn Profile URL", "Full Name", "Job Title", "Organisation", "Employees", "Industry", "Location", "E-mail"])
    for n in range(rows):
        company = n % 500
        spelling = rng.choice(SUFFIXES[company % len(SUFFIXES)])
        name = f"Company {company} {spelling}".strip()
        url = rng.choice([f"https://www.linkedin.com/in/prospect-{n}/", f"linkedin.com/in/prospect-{n}", f"https://uk.linkedin.com/in/Prospect-{n}?trk=x"])
        writer.writerow([url, f"Prospect {n}", rng.choice(TITLES), name.upper() if n % 11 == 0 else name, rng.choice(["51-200", "1001-5000", ""]),
                         rng.choice(INDUSTRIES), rng.choice(["London, UK", "Berlin", "New York, NY"]), f"prospect{n}@company{company}.example"])
    return out.getvalue()


PLAIN = """
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute('BEGIN IMMEDIATE')
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))[1:]
db.executemany('INSERT INTO p VALUES (?,?,?,?,?,?,?,?)', rows)
db.execute('COMMIT')
"""

SAME_RULES = r"""
import csv, re, sqlite3, sys
LEGAL = {'corp','corporation','inc','incorporated','ltd','limited','llc','gmbh','sa','ag','plc','co','company'}
def key(name):
    words = re.findall(r'\w+', name.lower())
    while len(words) > 1 and words[-1] in LEGAL: words.pop()
    return ' '.join(words)
def linkedin(raw):
    m = re.match(r'^\s*(?:\w+://)?([^/?#]*linkedin\.com)/in/([^/?#\s]+)', raw, re.I)
    return 'https://www.linkedin.com/in/' + m.group(2).lower() if m else None
db = sqlite3.connect(sys.argv[2], isolation_level=None)
db.execute('BEGIN IMMEDIATE')
companies = {}
for row in list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))[1:]:
    url = linkedin(row[0])
    if not url or not row[1].strip() or not row[3].strip(): continue
    k = key(row[3])
    if k not in companies:
        companies[k] = db.execute('INSERT INTO c (name, name_key) VALUES (?, ?) ON CONFLICT (name_key) DO UPDATE SET name = c.name RETURNING id',
                                  (row[3].strip(), k)).fetchone()[0]
    db.execute('INSERT INTO p VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET name = excluded.name, title = excluded.title, company_id = excluded.company_id',
               (url, row[1].strip(), row[2].strip(), row[3].strip(), companies[k], row[4] or None, row[5] or None, row[6] or None, row[7].lower() or None))
db.execute('COMMIT')
"""


def timed(command, stdin=None, env=None):
    started = time.perf_counter()
    process = subprocess.run(command, input=stdin, capture_output=True, env=env)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {process.stdout.decode()[:500]} {process.stderr.decode()[-500:]}")
    return seconds, process.stdout


def python_db(path, rules):
    import sqlite3
    db = sqlite3.connect(path)
    if rules:
        db.executescript("CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE);"
                         "CREATE TABLE p (url TEXT NOT NULL UNIQUE, name, title, company, company_id INTEGER REFERENCES c (id), size, industry, location, email);")
    else:
        db.execute("CREATE TABLE p (url, name, title, company, size, industry, location, email)")
    db.commit()
    db.close()


rows = int(os.environ.get("BENCH_PROSPECT_ROWS", "10000"))
rounds = int(os.environ.get("BENCH_PROSPECT_ROUNDS", "7"))
text = sheet(rows)
csv_path = f"{work}/prospects.csv"
open(csv_path, "w", encoding="utf-8", newline="").write(text)
payload = json.dumps({"csv": text, "file_name": "prospects.csv"}).encode()
base_env = dict(os.environ, LLM_PROVIDER="offline", LOG_LEVEL="error")
bundle, plain, rules = [], [], []
answer = None
for n in range(rounds):
    env = dict(base_env, DATABASE_URL=f"{work}/round{n}.sqlite")
    subprocess.run([f"{bin_dir}/health"], input=b"{}", capture_output=True, env=env, check=True)  # migrated before timing
    seconds, out = timed([f"{bin_dir}/import-prospects"], payload, env)
    bundle.append(seconds)
    answer = json.loads(out)
    python_db(f"{work}/round{n}-plain.sqlite", rules=False)
    plain.append(timed([sys.executable, "-c", PLAIN, csv_path, f"{work}/round{n}-plain.sqlite"])[0])
    python_db(f"{work}/round{n}-rules.sqlite", rules=True)
    rules.append(timed([sys.executable, "-c", SAME_RULES, csv_path, f"{work}/round{n}-rules.sqlite"])[0])

median = lambda values: sorted(values)[len(values) // 2]
import sqlite3
check = sqlite3.connect(f"{work}/round0.sqlite")
prospects = check.execute("SELECT COUNT(*) FROM sales_prospects").fetchone()[0]
companies = check.execute("SELECT COUNT(*) FROM sales_companies").fetchone()[0]
size = len(text.encode()) / 1048576
print(f"{rows:,} rows ({size:.1f} MiB), median of {rounds} interleaved rounds, each a new process (start to exit):")
print(f"{'':52}{'seconds':>9}")
print(f"{'import-prospects (parse, check, normalise, upsert)':52}{median(bundle):9.3f}")
print(f"{'python csv + sqlite3, plain insert (the baseline)':52}{median(plain):9.3f}")
print(f"{'python csv + sqlite3, the same rules':52}{median(rules):9.3f}")
print(f"import-prospects = {median(bundle) / median(plain):.2f}x the plain Python import, {median(bundle) / median(rules):.2f}x Python with the same rules; "
      f"{answer['created']:,} created, {answer['skipped']} skipped, {prospects:,} prospects and {companies} companies stored")
if prospects != rows or companies != 500 or answer["created"] != rows:
    raise SystemExit(f"wrong counts: {prospects} prospects, {companies} companies, answer {answer['created']} created")
