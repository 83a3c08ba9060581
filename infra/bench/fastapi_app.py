"""The FastAPI stack `infra/dev bench fastcgi` measures the bundle against: the same three routes doing
the same SQLite work as the bundle's handlers, written as a FastAPI app with sqlite3 commonly is.

Run by uvicorn[standard] (uvloop, httptools) with 2 workers, from its own virtual environment:
  DATABASE_URL=<sqlite path> uvicorn fastapi_app:app --app-dir infra/bench --workers 2

- A connection per request (a dependency with `yield`, as FastAPI's SQL guides do), with the
  bundle's pragmas (WAL, foreign keys, synchronous=NORMAL, in-memory temp store, 32 MiB cache) and
  busy timeout (5 s); reads in one deferred transaction, the write in `BEGIN IMMEDIATE`, as the
  bundle's SQLite store does.
- `GET /health`: the database opens and its migrations are all applied (the same two queries as
  the bundle's migrator: the known ids in `applied_migrations`, then the count), the LLM provider
  named; the known ids are what the database holds at start (the app "ships" them).
- `GET /meetings`: the API key checked as the bundle checks it (SHA-256 of `X-API-Key` or
  `Authorization: Bearer`, looked up among the active keys, compared in constant time, the read
  scope), then a page of `meetings` newest first with the total, every row decoded (JSON columns
  parsed, start/end reformatted) into the bundle's output shape.
- `POST /jobs`: the write scope, the body validated (a known function, an object input, the key's
  length, max_attempts 1-20), then the bundle's enqueue: a replay by `idempotency_key`, else
  `INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING *`; 202 with `Location`.
Pydantic response models, so FastAPI serializes through pydantic-core (its fast path); every
response carries an `X-Request-Id`, the request's id stored with the job as the bundle does.
Endpoints and dependencies are `async def` running the sqlite3 calls on the event loop: measured
here, that costs about a fifth less CPU per request than plain `def` ones, which FastAPI runs in its
thread pool (one hop per dependency), as its docs advise for blocking calls (FASTAPI_ENDPOINTS=sync).
With 2 cores busy either way, the cheaper one is the faster one, so the bench runs it.
"""
import datetime
import functools
import hashlib
import hmac
import json
import os
import sqlite3
import threading
import uuid
from typing import Any, Literal, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Response
from pydantic import BaseModel, Field

DATABASE = os.environ["DATABASE_URL"]
STATUSES = ("new", "enriching", "enriched", "drafted", "feedback_given", "cancelled", "error")
# The functions a job may name, with their timeouts (the bundle reads both from its catalog).
FUNCTIONS = {"health": 10, "poll-calendar": 60, "send-outreach": 300}
VERSION = "0.1.0"


def connect() -> sqlite3.Connection:
    db = sqlite3.connect(DATABASE, timeout=5, isolation_level=None, check_same_thread=False)
    db.row_factory = sqlite3.Row
    if db.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() != "wal":
        raise RuntimeError("WAL journal mode is not available")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA temp_store=MEMORY")
    db.execute("PRAGMA cache_size=-32768")
    return db


def _known_migrations() -> list:
    db = connect()
    try:
        return [row[0] for row in db.execute("SELECT id FROM applied_migrations ORDER BY position")]
    finally:
        db.close()


MIGRATIONS = _known_migrations()
MIGRATIONS_CURRENT = f"SELECT COUNT(*) FROM applied_migrations WHERE id IN ({', '.join('?' * len(MIGRATIONS))})"


ASYNC = os.environ.get("FASTAPI_ENDPOINTS", "async") == "async"
# FASTAPI_CONNECTION=worker keeps one connection per worker thread instead, as the warm workers keep
# theirs: the bench's reference row. A new connection parses the bundle's schema (some 90 tables,
# FTS5 and all) at its first statement: about 1.5 ms of CPU per request here, most of GET /health.
PER_REQUEST = os.environ.get("FASTAPI_CONNECTION", "request") == "request"
_kept = threading.local()


def _open():
    if PER_REQUEST:
        return connect()
    if getattr(_kept, "db", None) is None:
        _kept.db = connect()
    return _kept.db


def _close(db):
    if PER_REQUEST:
        db.close()


def _wrap(function):
    """`function` as `async def` (run on the event loop, blocking it), or as it is for FASTAPI_ENDPOINTS=sync."""
    if not ASYNC:
        return function

    @functools.wraps(function)
    async def run(*args, **kwargs):
        return function(*args, **kwargs)
    return run


if ASYNC:
    async def database():
        db = _open()
        try:
            yield db
        finally:
            _close(db)
else:
    def database():
        db = _open()
        try:
            yield db
        finally:
            _close(db)


@_wrap
def request_id(response: Response) -> str:
    value = uuid.uuid4().hex
    response.headers["X-Request-Id"] = value
    return value


def _principal(scope: str):
    def check(x_api_key: Optional[str] = Header(None), authorization: Optional[str] = Header(None),
              db: sqlite3.Connection = Depends(database)) -> str:
        key = (x_api_key or "").strip()
        if not key and authorization and authorization[:7].lower() == "bearer ":
            key = authorization[7:].strip()
        if not key:
            raise HTTPException(401, "this route needs an API key (X-API-Key or Authorization: Bearer)")
        digest = hashlib.sha256(key.encode()).hexdigest()
        row = None
        if key.startswith("fbk_") and len(key) < 200:
            db.execute("BEGIN")
            try:
                row = db.execute("SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", (digest,)).fetchone()
            finally:
                db.execute("COMMIT")
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            raise HTTPException(401, "the API key is not valid (unknown or revoked)")
        if scope not in (row["scopes"] or "").split():
            raise HTTPException(403, f"this API key does not have the {scope} scope")
        return "api_key:" + row["name"]
    return _wrap(check)


reader, writer = _principal("read"), _principal("write")


def _timestamp(text: str) -> str:
    """A stored time (milliseconds) as the bundle shows it (seconds, Z)."""
    when = datetime.datetime.fromisoformat(text).astimezone(datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _now_ms() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json(text):
    return None if text is None else json.loads(text)


class DatabaseStatus(BaseModel):
    reachable: bool
    backend: str
    schema_version: int
    latest_schema_version: int


class Health(BaseModel):
    status: str
    version: str
    time: str
    database: DatabaseStatus
    providers: dict[str, str]


class Attendee(BaseModel):
    email: str
    name: Optional[str] = None
    response: str
    is_organizer: bool


class Meeting(BaseModel):
    id: int
    calendar_event_id: str
    series_id: Optional[str]
    title: str
    start: str
    end: str
    is_all_day: bool
    location: Optional[str]
    description: Optional[str]
    attendees: list[Attendee]
    company: Optional[str]
    company_domain: Optional[str]
    role: Optional[str]
    status: str
    enrichment: Any
    insights: Any
    hooks: Any
    competitors: Any
    pre_meeting_draft: Any
    follow_up_draft: Any
    draft_ids: Any
    notion_page_id: Optional[str]
    feedback_score: Optional[int]
    feedback_notes: Optional[str]
    steering_version: Optional[int]
    error: Optional[str]
    datetime_utc: str
    error_message: Optional[str]
    created_at: str
    updated_at: str


class MeetingPage(BaseModel):
    meetings: list[Meeting]
    total: int
    limit: int
    offset: int


class EnqueueInput(BaseModel):
    function: str
    input: Optional[dict[str, Any]] = None
    idempotency_key: Optional[str] = Field(None, min_length=1, max_length=200)
    run_after: Optional[datetime.datetime] = None
    max_attempts: int = Field(3, ge=1, le=20)


class Job(BaseModel):
    id: int
    function: str
    status: str
    input: Any
    attempts: int
    max_attempts: int
    progress: int
    progress_message: Optional[str]
    result: Any
    error: Any
    exit_code: Optional[int]
    duration_ms: Optional[int]
    idempotency_key: Optional[str]
    run_after: str
    created_at: str
    updated_at: str
    started_at: Optional[str]
    finished_at: Optional[str]


def _meeting(row: sqlite3.Row) -> dict:
    start = _timestamp(row["start_at"])
    return {
        "id": row["id"], "calendar_event_id": row["calendar_event_id"], "series_id": row["series_id"], "title": row["title"],
        "start": start, "end": _timestamp(row["end_at"]), "is_all_day": bool(row["is_all_day"]), "location": row["location"],
        "description": row["description"], "attendees": json.loads(row["attendees"]), "company": row["company"],
        "company_domain": row["company_domain"], "role": row["role"], "status": row["status"],
        "enrichment": _json(row["enrichment"]), "insights": _json(row["insights"]), "hooks": _json(row["hooks"]),
        "competitors": _json(row["competitors"]), "pre_meeting_draft": _json(row["pre_meeting_draft"]),
        "follow_up_draft": _json(row["follow_up_draft"]), "draft_ids": _json(row["draft_ids"]),
        "notion_page_id": row["notion_page_id"], "feedback_score": row["feedback_score"], "feedback_notes": row["feedback_notes"],
        "steering_version": row["steering_version"], "error": row["error"], "datetime_utc": start, "error_message": row["error"],
        "created_at": row["created_at"], "updated_at": row["updated_at"],
    }


def _job(row: sqlite3.Row) -> dict:
    job = {name: row[name] for name in Job.model_fields}
    for name in ("input", "result", "error"):
        job[name] = _json(job[name])
    return job


def health(db: sqlite3.Connection = Depends(database), _: str = Depends(request_id)) -> Health:
    current = db.execute(MIGRATIONS_CURRENT, MIGRATIONS).fetchone()[0] == len(MIGRATIONS)
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'applied_migrations'").fetchone()
    applied = db.execute("SELECT COUNT(*) FROM applied_migrations").fetchone()[0] if exists else 0
    if not current:
        raise HTTPException(503, "not ready: the database is not migrated")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Health(status="ok", version=VERSION, time=now,
                  database=DatabaseStatus(reachable=True, backend="sqlite", schema_version=applied, latest_schema_version=len(MIGRATIONS)),
                  providers={"llm": "offline", "llm_model": "offline-rules-v1"})


def list_meetings(status: Optional[Literal[STATUSES]] = None, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0),
                  db: sqlite3.Connection = Depends(database), _: str = Depends(reader), __: str = Depends(request_id)) -> MeetingPage:
    where, arguments = ("WHERE status = ?", [status]) if status else ("", [])
    db.execute("BEGIN")
    try:
        total = db.execute(f"SELECT COUNT(*) FROM meetings {where}", arguments).fetchone()[0]
        rows = db.execute(f"SELECT * FROM meetings {where} ORDER BY start_at DESC, id DESC LIMIT ? OFFSET ?",
                          arguments + [limit, offset]).fetchall()
    finally:
        db.execute("COMMIT")
    return MeetingPage(meetings=[_meeting(row) for row in rows], total=total, limit=limit, offset=offset)


def enqueue(body: EnqueueInput, response: Response, db: sqlite3.Connection = Depends(database), principal: str = Depends(writer),
            request: str = Depends(request_id)) -> Job:
    if body.function not in FUNCTIONS:
        raise HTTPException(422, f'no function named "{body.function[:80]}"')
    job_input = json.dumps(body.input or {}, separators=(",", ":"), sort_keys=True)
    now = _now_ms()
    run_after = body.run_after.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z") \
        if body.run_after else now
    db.execute("BEGIN IMMEDIATE")
    try:
        row = None
        if body.idempotency_key is not None:
            row = db.execute("SELECT * FROM jobs WHERE idempotency_key = ?", (body.idempotency_key,)).fetchone()
        created = row is None
        if created:
            row = db.execute("""
                INSERT INTO jobs (function, input, status, idempotency_key, max_attempts, timeout_s, run_after, principal,
                                  request_id, created_at, updated_at)
                VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING *
                """, (body.function, job_input, body.idempotency_key, body.max_attempts, FUNCTIONS[body.function], run_after,
                      principal, request, now, now)).fetchone()
        elif row["function"] != body.function or row["input"] != job_input:
            raise HTTPException(409, f'idempotency_key "{body.idempotency_key}" was used for job {row["id"]} with another function or input')
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    response.headers["Location"] = f"/jobs/{row['id']}"
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return _job(row)


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
app.get("/health", response_model=Health)(_wrap(health))
app.get("/meetings", response_model=MeetingPage)(_wrap(list_meetings))
app.post("/jobs", response_model=Job, status_code=202)(_wrap(enqueue))
