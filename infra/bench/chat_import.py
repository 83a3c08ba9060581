"""Chat-import benchmark for `infra/dev bench`: a generated ChatGPT `conversations.json` of about
50 MB (conversations of ten messages, one with a regenerated answer in every tenth) imported by
`import-chats` through the CGI path (the binary started as fcgiwrap starts it: CGI variables, the
multipart body on stdin), its wall time and peak RSS (wait4) as a ratio of the file's size, against
Python's `json.load` of the same file (time and peak RSS, in a child process of its own) in the
same run.

Usage: chat_import.py BIN_DIR WORK_DIR [MEGABYTES]"""
import json
import os
import shutil
import resource
import subprocess
import sys
import time

bin_dir, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
megabytes = int(sys.argv[3]) if len(sys.argv) > 3 else 50
os.makedirs(work, exist_ok=True)
FILLER = "The quick brown fox jumps over the lazy dog while the cache warms up. " * 6


def conversation(index):
    mapping = {"root": {"id": "root", "parent": None, "children": [f"n{index}-0"], "message": None}}
    for n in range(10):
        node = f"n{index}-{n}"
        children = [f"n{index}-{n + 1}"] if n < 9 else []
        if index % 10 == 0 and n == 8:
            children.append(f"n{index}-alt")
        mapping[node] = {"id": node, "parent": "root" if n == 0 else f"n{index}-{n - 1}", "children": children,
                         "message": {"id": node, "author": {"role": "user" if n % 2 == 0 else "assistant"}, "create_time": 1764662400 + n,
                                     "content": {"content_type": "text", "parts": [f"Message {n} of chat {index}. {FILLER}"]},
                                     "metadata": {"model_slug": "gpt-4o"}}}
    if index % 10 == 0:
        mapping[f"n{index}-alt"] = {"id": f"n{index}-alt", "parent": f"n{index}-8", "children": [],
                                    "message": {"id": f"n{index}-alt", "author": {"role": "assistant"}, "create_time": 1764662500,
                                                "content": {"content_type": "text", "parts": ["A regenerated answer."]}}}
    return {"id": f"bench-{index}", "title": f"Generated chat {index}", "create_time": 1764662400, "update_time": 1764662600,
            "current_node": f"n{index}-9", "mapping": mapping}


export_path = os.path.join(work, "conversations.json")
with open(export_path, "w") as out:
    out.write("[")
    size, index = 1, 0
    while size < megabytes << 20:
        text = ("," if index else "") + json.dumps(conversation(index), separators=(",", ":"))
        out.write(text)
        size += len(text)
        index += 1
    out.write("]")
file_bytes = os.path.getsize(export_path)

boundary = "----bench-chat-import"
head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"conversations.json\"\r\n"
        "Content-Type: application/json\r\n\r\n").encode()
body_path = os.path.join(work, "body.multipart")
with open(body_path, "wb") as body, open(export_path, "rb") as export:
    body.write(head)
    shutil.copyfileobj(export, body, 1 << 20)  # in pieces: a child inherits this process's peak
    body.write(f"\r\n--{boundary}--\r\n".encode())
body_bytes = os.path.getsize(body_path)


def measured(argv, env, stdin_path=None):
    """Wall seconds and peak RSS bytes of one child (wait4), and its stdout."""
    started = time.monotonic()
    with open(stdin_path or os.devnull, "rb") as stdin:
        child = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=work)
        out = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
    return time.monotonic() - started, usage.ru_maxrss * 1024, out, status


database = os.path.join(work, "bench.sqlite")
for stale in os.listdir(work):
    if stale.startswith("bench.sqlite"):
        os.remove(os.path.join(work, stale))
base_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": database, "LOG_LEVEL": "error", "LLM_PROVIDER": "offline"}
key = json.loads(subprocess.run([os.path.join(bin_dir, "create-api-key")], input=b'{"name": "bench"}', capture_output=True,
                                env=base_env, cwd=work, check=True).stdout)["key"]
cgi = dict(base_env, GATEWAY_INTERFACE="CGI/1.1", REQUEST_METHOD="POST", REQUEST_URI="/api/conversations/import",
           PATH_INFO="/api/conversations/import", CONTENT_TYPE=f"multipart/form-data; boundary={boundary}",
           CONTENT_LENGTH=str(body_bytes), HTTP_X_API_KEY=key)
seconds, peak, out, status = measured([os.path.join(bin_dir, "bundle")], cgi, body_path)
text = out.decode("utf-8", "replace")
answer = text[text.find("\r\n\r\n") + 4:] if "\r\n\r\n" in text else text
try:
    summary = json.loads(answer)
    outcome = f"{summary['imported']} imported, {summary['skipped']} skipped" if "imported" in summary else answer[:300]
except ValueError:
    outcome = answer[:300]
py_seconds, py_peak, _, _ = measured([sys.executable, "-c", "import json,sys; json.load(open(sys.argv[1]))", export_path], base_env)

mib = 1 << 20
print(f"export: {file_bytes / mib:.1f} MiB, {index} conversations; multipart body {body_bytes / mib:.1f} MiB")
print(f"{'':34}{'wall s':>10}{'peak MiB':>10}{'peak/file':>11}")
print(f"{'import-chats (CGI path)':34}{seconds:10.2f}{peak / mib:10.1f}{peak / file_bytes:10.2f}x")
print(f"{'python json.load (baseline)':34}{py_seconds:10.2f}{py_peak / mib:10.1f}{py_peak / file_bytes:10.2f}x")
print(f"import: {outcome}")
print(f"import / json.load: time {seconds / py_seconds:.2f}x, peak RSS {peak / py_peak:.2f}x; "
      f"goal peak < 3x the file: {'met' if peak < 3 * file_bytes else 'NOT met'}")
