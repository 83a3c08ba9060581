"""File attachment uploads through nginx + fcgiwrap, for `infra/dev bench`: a 10 MB file posted to
POST /api/conversations/{id}/files (multipart) against nginx serving the same file statically
(GET), both through nginx on loopback in the same run. Two kinds of file: an image (stored only)
and plain text (stored, chunked and indexed for search), each posted ROUNDS times.

usage: file_upload.py <bin dir> <work dir> <bundle port> <static port> <database path>
"""
import http.client
import json
import os
import statistics
import subprocess
import sys
import time

SIZE, ROUNDS = 10 * 1000 * 1000, 5


def files(work):
    """A PNG (the signature, then bytes that vary) and a text file of words, each SIZE bytes."""
    png = b"\x89PNG\r\n\x1a\n" + os.urandom(SIZE - 8)
    words = b"budget travel lisbon porto trains hotels planning notes summary draft "
    text = (words * (SIZE // len(words) + 1))[:SIZE]
    paths = {}
    for name, data in (("image.png", png), ("notes.txt", text)):
        path = os.path.join(work, "static", name)
        with open(path, "wb") as handle:
            handle.write(data)
        paths[name] = (path, data)
    return paths


def multipart(name, data):
    boundary = "bench" + os.urandom(8).hex()
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def timed(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    start = time.monotonic()
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    payload = response.read()
    elapsed = time.monotonic() - start
    connection.close()
    return elapsed, response.status, payload


def main():
    bin_dir, work, port, static_port, database = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    paths = files(work)
    key = json.loads(subprocess.run([os.path.join(bin_dir, "create-api-key")], input=b'{"name": "bench", "scopes": ["read", "write"]}',
                                    capture_output=True, env=dict(os.environ, DATABASE_URL=database), check=True).stdout)["key"]
    transcript = "# Trip planning\n\n**User:** Where should I travel in May?\n\n**Assistant:** Lisbon, then Porto by train.\n"
    _, status, payload = timed(port, "POST", "/api/conversations/import", json.dumps({"content": transcript, "filename": "trip.md"}),
                               {"X-API-Key": key, "Content-Type": "application/json"})
    if status >= 300:
        print(f"the conversation could not be imported (HTTP {status}): {payload[:300]!r}")
        sys.exit(1)
    print(f"{ROUNDS} rounds of a {SIZE / 1e6:.0f} MB file, medians")
    print(f"{'':44}{'ms':>10}{'MB/s':>10}")
    for name, (path, data) in paths.items():
        static, upload = [], []
        for _ in range(ROUNDS):
            elapsed, status, payload = timed(static_port, "GET", "/" + name)
            if status != 200 or len(payload) != SIZE:
                print(f"nginx did not serve {name} (HTTP {status})")
                sys.exit(1)
            static.append(elapsed)
            body, content_type = multipart(name, data)
            elapsed, status, payload = timed(port, "POST", "/api/conversations/1/files", body,
                                             {"X-API-Key": key, "Content-Type": content_type})
            if status != 201:
                print(f"the upload of {name} failed (HTTP {status}): {payload[:300]!r}")
                sys.exit(1)
            upload.append(elapsed)
        s, u = statistics.median(static), statistics.median(upload)
        print(f"{'nginx serving ' + name + ' statically (GET)':44}{s * 1000:10.1f}{SIZE / 1e6 / s:10.1f}")
        print(f"{'upload ' + name + ' through nginx (POST)':44}{u * 1000:10.1f}{SIZE / 1e6 / u:10.1f}")
        print(f"  upload / static = {u / s:.1f}x the time")


main()
