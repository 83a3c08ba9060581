"""Solution-search benchmark for `infra/dev bench`: search-solutions (FTS5 BM25 and the exact
vector scan, fused) over catalogues of 1,000 and 100,000 generated solutions with 384-dimension
vectors, p50/p99 per invocation, next to two baselines measured in the same run: `health` (the
process floor: start, open the database, answer) and Python's sqlite3 + numpy doing the same two
queries in-process (an FTS5 MATCH ranked by bm25, and every stored vector read and dotted with
the query).

Usage: solutions.py BIN_DIR WORK_DIR"""
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time

import numpy as np

bin_dir, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
WORDS = ("data storage stream analytics queue container kubernetes serverless database relational graph search index cache "
         "machine learning model vision speech translation backup archive network edge delivery security identity audit "
         "compliance monitoring logging workflow event message iot device fleet media video transcoding billing ledger").split()
CATEGORIES = ["Compute", "Storage", "Database", "Analytics", "Machine Learning", "Networking & Content Delivery", "Security Identity & Compliance"]
INDUSTRIES = ["all", "healthcare", "retail", "financial services", "media", "manufacturing"]
QUERIES = ["managed relational database with backups", "real-time streaming analytics", "speech translation for video",
           "secure identity audit compliance", "serverless event workflow queue"]
MODEL = "offline-hash-ngrams-v1"


def build(path, rows):
    """A bench database: migrated and loaded by the binary (bundled catalogue embedded), then
    `rows` generated solutions with random unit vectors of the offline model added directly."""
    if os.path.exists(path):
        os.remove(path)
    env = dict(os.environ, DATABASE_URL=path, LLM_PROVIDER="offline", LOG_LEVEL="error", EMBEDDINGS_PROVIDER="offline")
    subprocess.run([f"{bin_dir}/list-solutions"], input=b'{"limit": 1}', capture_output=True, env=env, check=True)
    rng = random.Random(11)
    vectors = np.random.default_rng(11).standard_normal((rows, 384)).astype("<f4")
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    db = sqlite3.connect(path)
    with db:
        for n in range(rows):
            words = rng.sample(WORDS, 12)
            cursor = db.execute(
                "INSERT INTO sales_solutions (name, category, description, use_cases, industries, keywords, pricing_model, docs_url, source, last_updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'api', '2026-06-01T09:00:00.000Z') RETURNING id",
                (f"Generated service {n}", rng.choice(CATEGORIES), " ".join(words[:8]), f'["{words[8]} {words[9]}"]',
                 f'["{rng.choice(INDUSTRIES)}"]', f'["{words[10]}", "{words[11]}"]', "Pay-as-you-go", None))
            item = cursor.fetchone()[0]
            db.execute("INSERT INTO retrieval_vectors (collection, item_id, model, dimensions, vector, content_hash, updated_at)"
                       " VALUES ('sales.solutions', ?, ?, 384, ?, 'bench', '2026-06-01T09:00:00.000Z')", (item, MODEL, vectors[n].tobytes()))
    db.close()
    return env


def timed(command, payload, env, rounds):
    samples = []
    for n in range(rounds):
        started = time.perf_counter()
        process = subprocess.run(command, input=payload(n).encode(), capture_output=True, env=env)
        samples.append((time.perf_counter() - started) * 1000)
        if process.returncode != 0:
            raise SystemExit(f"{command[0]} failed: {process.stdout.decode()[:300]} {process.stderr.decode()[-300:]}")
        if b'"mode":"hybrid"' not in process.stdout and os.path.basename(command[0]) == "search-solutions":
            raise SystemExit(f"search did not use vectors: {process.stdout.decode()[:300]}")
    return samples


def python_baseline(path, rounds):
    """The same two queries in one warm Python process (no process start), per query."""
    db = sqlite3.connect(path)
    query = np.random.default_rng(5).standard_normal(384).astype("<f4")
    query /= np.linalg.norm(query)
    samples = []
    for n in range(rounds):
        started = time.perf_counter()
        terms = " OR ".join(f'"{w}"' for w in QUERIES[n % len(QUERIES)].split())
        db.execute("SELECT rowid, bm25(sales_solutions_fts) AS r FROM sales_solutions_fts WHERE sales_solutions_fts MATCH ? ORDER BY r LIMIT 50",
                   (terms,)).fetchall()
        rows = db.execute("SELECT item_id, vector FROM retrieval_vectors WHERE collection = 'sales.solutions' AND model = ?", (MODEL,)).fetchall()
        matrix = np.frombuffer(b"".join(blob for _, blob in rows), dtype="<f4").reshape(len(rows), 384)
        scores = matrix @ query
        np.argpartition(-scores, 50)[:50]
        samples.append((time.perf_counter() - started) * 1000)
    db.close()
    return samples


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


print(f"{'':44}{'p50 ms':>10}{'p99 ms':>10}")
for rows, rounds in ((1_000, 40), (100_000, 15)):
    path = f"{work}/solutions-{rows}.sqlite"
    env = build(path, rows)
    health = timed([f"{bin_dir}/health"], lambda n: "{}", env, rounds)
    search = timed([f"{bin_dir}/search-solutions"], lambda n: f'{{"q": "{QUERIES[n % len(QUERIES)]}", "limit": 10}}', env, rounds)
    python = python_baseline(path, rounds)
    total = rows + 69
    print(f"{f'{total:,} solutions: search-solutions (process)':44}{percentile(search, 50):10.2f}{percentile(search, 99):10.2f}")
    print(f"{f'{total:,} solutions: health (process floor)':44}{percentile(health, 50):10.2f}{percentile(health, 99):10.2f}")
    print(f"{f'{total:,} solutions: Python sqlite3+numpy, warm':44}{percentile(python, 50):10.2f}{percentile(python, 99):10.2f}")
    search_only = statistics.median(search) - statistics.median(health)
    print(f"  search beyond the process floor {search_only:.1f} ms = {search_only / statistics.median(python):.2f}x the warm Python scan"
          f" (goal for the shipped catalogue: under 500 ms per search)")
