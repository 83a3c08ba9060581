"""Chat-search benchmark for `infra/dev bench`: search-chats (url/title levels, BM25 over the word
and trigram indexes, the exact vector scan, fused) over 100,000 generated chunks in 1,000
conversations, p50/p99 per invocation for a set of queries, next to baselines measured in the same
run: `health` (the process floor: start, open the database, answer) and Python's sqlite3 + numpy
doing a plain FTS5 MATCH over the same word index and the same vector scan, warm, per query.

Setup stays short: the chunks go in with one transaction (their triggers fill the indexes); the
first 2,000 distinct texts are embedded by the binary (`reembed-chats`, offline embedder), and the
other chunks repeat those texts (with a distinguishing number) and copy their vectors. Chunks are
~400 characters rather than ~3,000 to keep the trigram index (and the setup) small; search cost
grows with the number of rows matched and scanned, which this keeps at 100,000.

Usage: workspace_search.py BIN_DIR WORK_DIR"""
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
WORDS = ("harbour lighthouse database migration kubernetes invoice budget travel lisbon porto espresso recipe garden "
         "tomato python swift compiler sqlite index vector embedding search ranking fusion snippet highlight "
         "meeting notes roadmap quarterly revenue hiring interview candidate onboarding contract lawyer tenant "
         "mortgage holiday flight hotel museum painting guitar chord melody marathon training injury physio").split()
QUERIES = ["kubernetes database migration", "holiday flight to lisbon", "guitar chord melody", "mortgage contract lawyer",
           "embeddi", "Quarterly revenue roadmap", "https://chatgpt.com/share/bench-17"]
MODEL = "offline-hash-ngrams-v1"
CONVERSATIONS, PER_CONVERSATION, DISTINCT = 1_000, 100, 2_000
NOW = "2026-12-02T09:00:00.000Z"


# The topical words are a fifth of the text, the rest a 3,000-word filler vocabulary: a query word
# is in about one chunk in five (a 55-word vocabulary would put every word in every chunk).
FILLER = [f"{a}{b}{c}" for a in "bcdfghklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "ou", "ea") for c in
          ("ber", "dal", "fin", "gor", "han", "jel", "kos", "lum", "mir", "nax", "pol", "quen", "ros", "sul", "tav", "ved", "wix", "yor", "zan", "tren", "blen", "crom", "dril", "flax")]


def text(n, rng):
    role = "User" if n % 2 == 0 else "Assistant"
    return f"{role}: " + " ".join(rng.choice(WORDS) if rng.random() < 0.2 else rng.choice(FILLER) for _ in range(55)) + "."


def build(path):
    if os.path.exists(path):
        os.remove(path)
    env = dict(os.environ, DATABASE_URL=path, LLM_PROVIDER="offline", LOG_LEVEL="error", EMBEDDINGS_PROVIDER="offline")
    subprocess.run([f"{bin_dir}/search-chats"], input=b'{"q": "migrate"}', capture_output=True, env=env, check=True)
    rng = random.Random(16)
    texts = [text(n, rng) for n in range(DISTINCT)]
    started = time.perf_counter()
    db = sqlite3.connect(path)
    chunk = 0
    with db:
        for c in range(CONVERSATIONS):
            title = " ".join(rng.sample(WORDS, 4)).capitalize()
            conversation = db.execute(
                "INSERT INTO workspace_conversations (source, source_key, source_id, url, title, message_count, branch_count, content_hash,"
                " imported_at, updated_at) VALUES ('chatgpt', ?, ?, ?, ?, ?, 0, 'bench', ?, ?) RETURNING id",
                (f"chatgpt:id:bench-{c}", f"bench-{c}", f"https://chatgpt.com/share/bench-{c}", title, PER_CONVERSATION * 2, NOW, NOW)
            ).fetchone()[0]
            for position in range(PER_CONVERSATION):
                body = texts[chunk % DISTINCT] + f" Note {chunk}."
                db.execute("INSERT INTO workspace_chunks (conversation_id, source_type, position, first_message, last_message, text)"
                           " VALUES (?, 'imported_chat', ?, ?, ?, ?)", (conversation, position, position * 2, position * 2 + 1, body))
                chunk += 1
    db.close()
    inserted = time.perf_counter() - started
    # Embed the first DISTINCT chunks with the binary, then copy their vectors to the repeats.
    started = time.perf_counter()
    # reembed-chats embeds every chunk lacking a vector: hide the repeats from it by embedding a
    # copy database holding only the first DISTINCT chunks' texts, then reading those vectors.
    seed = f"{work}/seed.sqlite"
    if os.path.exists(seed):
        os.remove(seed)
    seed_env = dict(env, DATABASE_URL=seed)
    subprocess.run([f"{bin_dir}/search-chats"], input=b'{"q": "migrate"}', capture_output=True, env=seed_env, check=True)
    sdb = sqlite3.connect(seed)
    with sdb:
        conversation = sdb.execute("INSERT INTO workspace_conversations (source, source_key, title, message_count, branch_count, content_hash,"
                                   " imported_at, updated_at) VALUES ('generic', 'seed', 'seed', 1, 0, 'seed', ?, ?) RETURNING id", (NOW, NOW)).fetchone()[0]
        for n in range(DISTINCT):
            sdb.execute("INSERT INTO workspace_chunks (id, conversation_id, position, first_message, last_message, text) VALUES (?, ?, ?, 0, 0, ?)",
                        (n + 1, conversation, n, texts[n]))
    sdb.close()
    result = subprocess.run([f"{bin_dir}/reembed-chats"], input=b"{}", capture_output=True, env=seed_env)
    if result.returncode != 0:
        raise SystemExit(f"reembed-chats failed: {result.stdout.decode()[:300]} {result.stderr.decode()[-300:]}")
    sdb = sqlite3.connect(seed)
    vectors = {item: blob for item, blob in sdb.execute("SELECT item_id, vector FROM retrieval_vectors WHERE collection = 'workspace.chunks'")}
    sdb.close()
    db = sqlite3.connect(path)
    with db:
        ids = [row[0] for row in db.execute("SELECT id FROM workspace_chunks ORDER BY id")]
        db.executemany("INSERT INTO retrieval_vectors (collection, item_id, model, dimensions, vector, content_hash, updated_at)"
                       " VALUES ('workspace.chunks', ?, ?, 384, ?, 'bench', ?)",
                       ((item, MODEL, vectors[n % DISTINCT + 1], NOW) for n, item in enumerate(ids)))
    db.close()
    embedded = time.perf_counter() - started
    print(f"setup: {len(ids):,} chunks inserted (indexes by trigger) in {inserted:.1f} s; {DISTINCT:,} embedded + copied in {embedded:.1f} s")
    return env


def timed(command, payload, env, rounds):
    samples = []
    for n in range(rounds):
        started = time.perf_counter()
        process = subprocess.run(command, input=payload(n).encode(), capture_output=True, env=env)
        samples.append((time.perf_counter() - started) * 1000)
        if process.returncode != 0:
            raise SystemExit(f"{command[0]} failed: {process.stdout.decode()[:300]} {process.stderr.decode()[-300:]}")
        if os.path.basename(command[0]) == "search-chats" and b'"status":"complete"' not in process.stdout:
            raise SystemExit(f"search did not use vectors: {process.stdout.decode()[:300]}")
    return samples


def python_baseline(path, rounds):
    """A plain FTS5 MATCH (bm25, top 300) and the vector scan, in one warm Python process."""
    db = sqlite3.connect(path)
    query = np.random.default_rng(5).standard_normal(384).astype("<f4")
    query /= np.linalg.norm(query)
    fts, scan = [], []
    for n in range(rounds):
        terms = " OR ".join(f'"{w}"' for w in QUERIES[n % 4].split())
        started = time.perf_counter()
        db.execute("SELECT rowid, bm25(workspace_chunks_words) AS r FROM workspace_chunks_words WHERE workspace_chunks_words MATCH ?"
                   " ORDER BY r LIMIT 300", (terms,)).fetchall()
        middle = time.perf_counter()
        rows = db.execute("SELECT item_id, vector FROM retrieval_vectors WHERE collection = 'workspace.chunks' AND model = ?", (MODEL,)).fetchall()
        matrix = np.frombuffer(b"".join(blob for _, blob in rows), dtype="<f4").reshape(len(rows), 384)
        np.argpartition(-(matrix @ query), 300)[:300]
        fts.append((middle - started) * 1000)
        scan.append((time.perf_counter() - middle) * 1000)
    db.close()
    return fts, scan


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


rounds = int(os.environ.get("BENCH_SEARCH_ROUNDS", "21"))
path = f"{work}/chats.sqlite"
env = build(path)
health = timed([f"{bin_dir}/health"], lambda n: "{}", env, rounds)
print(f"{'':52}{'p50 ms':>10}{'p99 ms':>10}")
medians = []
for query in QUERIES:
    search = timed([f"{bin_dir}/search-chats"], lambda n: f'{{"q": "{query}", "limit": 20}}', env, rounds)
    medians.append(statistics.median(search))
    print(f"{f'search-chats {query[:34]!r}':52}{percentile(search, 50):10.2f}{percentile(search, 99):10.2f}")
fts, scan = python_baseline(path, rounds)
print(f"{'health (process floor)':52}{percentile(health, 50):10.2f}{percentile(health, 99):10.2f}")
print(f"{'Python sqlite3 FTS5 MATCH top 300, warm':52}{percentile(fts, 50):10.2f}{percentile(fts, 99):10.2f}")
print(f"{'Python sqlite3+numpy vector scan, warm':52}{percentile(scan, 50):10.2f}{percentile(scan, 99):10.2f}")
beyond = statistics.median(medians) - statistics.median(health)
floor = statistics.median(fts) + statistics.median(scan)
print(f"  search beyond the process floor {beyond:.1f} ms (median over queries) = {beyond / floor:.2f}x the warm FTS + scan baseline")
