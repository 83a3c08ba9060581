#!/usr/bin/env python3
"""The upstreams of the multi-host test (infra/multihost/run), on the `fakes` host: Twilio's
Messages API and an OpenAI-compatible LLM server's model listing. Python's standard library only.

  fakes.py --address ADDR --twilio-port N --llm-port N --account-sid AC… --auth-token T

Twilio (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`), as UPSTREAMS.md and Twilio's API
reference describe it: HTTP Basic with the account SID and auth token, form fields `To`, `From` or
`MessagingServiceSid`, `Body` or `ContentSid` (+ `ContentVariables`), `StatusCallback`; 201 with the
message resource (`sid` SM…, `status` queued); Twilio's error document otherwise (20003 for
credentials, 21604/21603/21602 for a missing To/From/Body, 20404 for another account's path). Every
accepted send is recorded; `GET /_sends` returns them (to, from, body, content_sid, sid, at: the
fake's Unix time), `GET /_sends?count=1` only how many.

LLM: `GET /v1/models` answers OpenAI's list shape after `--models-delay` seconds (changed at run time
with `POST /_llm` `{"models_delay": s}`), so a job that lists models takes that long; `GET /_llm`
says how many listings were asked for.
"""
import argparse, base64, json, secrets, threading, time, urllib.parse
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
SENDS = []
LLM = {"models_delay": 0.0, "listings": 0}


class Server(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, value, headers=()):
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, text in headers:
            self.send_header(name, text)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))


class Twilio(Handler):
    def error(self, status, code, message):
        self.answer(status, {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status})

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path)
        if path.path == "/_sends":
            with LOCK:
                sends = list(SENDS)
            self.answer(200, {"count": len(sends)} if "count=1" in path.query else {"count": len(sends), "sends": sends})
        else:
            self.error(404, 20404, "The requested resource was not found")

    def do_POST(self):
        raw = self.body()
        parts = self.path.split("?")[0].strip("/").split("/")
        if len(parts) != 4 or parts[0] != "2010-04-01" or parts[1] != "Accounts" or parts[3] != "Messages.json":
            return self.error(404, 20404, f"The requested resource {self.path} was not found")
        expected = "Basic " + base64.b64encode(f"{ARGS.account_sid}:{ARGS.auth_token}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            return self.error(401, 20003, "Authenticate")
        if parts[2] != ARGS.account_sid:
            return self.error(404, 20404, f"The requested resource {self.path} was not found")
        if not (self.headers.get("Content-Type") or "").startswith("application/x-www-form-urlencoded"):
            return self.error(400, 21602, "Message body is required.")
        form = {name: values[0] for name, values in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}
        if not form.get("To"):
            return self.error(400, 21604, "A 'To' phone number is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return self.error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body") and not form.get("ContentSid") and not form.get("MediaUrl"):
            return self.error(400, 21602, "Message body is required.")
        sid = "SM" + secrets.token_hex(16)
        now = time.time()
        with LOCK:
            SENDS.append({"sid": sid, "to": form["To"], "from": form.get("From"), "body": form.get("Body"),
                          "content_sid": form.get("ContentSid"), "status_callback": form.get("StatusCallback"), "at": now})
        date = formatdate(now, usegmt=True).replace("GMT", "+0000")
        self.answer(201, {
            "account_sid": ARGS.account_sid, "api_version": "2010-04-01", "body": form.get("Body") or "",
            "date_created": date, "date_sent": None, "date_updated": date, "direction": "outbound-api",
            "error_code": None, "error_message": None, "from": form.get("From"),
            "messaging_service_sid": form.get("MessagingServiceSid"), "num_media": "0", "num_segments": "1",
            "price": None, "price_unit": "USD", "sid": sid, "status": "queued",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{ARGS.account_sid}/Messages/{sid}/Media.json"},
            "to": form["To"], "uri": f"/2010-04-01/Accounts/{ARGS.account_sid}/Messages/{sid}.json"})


class LLMServer(Handler):
    def do_GET(self):
        if self.path.split("?")[0].rstrip("/") == "/v1/models":
            with LOCK:
                LLM["listings"] += 1
                delay = LLM["models_delay"]
            time.sleep(delay)
            return self.answer(200, {"object": "list", "data": [
                {"id": "fake-model-1", "object": "model", "created": 1700000000, "owned_by": "multihost-fakes"}]})
        if self.path == "/_llm":
            with LOCK:
                return self.answer(200, dict(LLM))
        self.answer(404, {"error": {"message": f"Unknown request URL: GET {self.path}", "type": "invalid_request_error", "code": "unknown_url"}})

    def do_POST(self):
        raw = self.body()
        if self.path == "/_llm":
            with LOCK:
                LLM["models_delay"] = float(json.loads(raw or b"{}").get("models_delay", LLM["models_delay"]))
                return self.answer(200, dict(LLM))
        self.answer(404, {"error": {"message": f"Unknown request URL: POST {self.path}", "type": "invalid_request_error", "code": "unknown_url"}})


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--twilio-port", type=int, required=True)
    parser.add_argument("--llm-port", type=int, required=True)
    parser.add_argument("--account-sid", required=True)
    parser.add_argument("--auth-token", required=True)
    parser.add_argument("--models-delay", type=float, default=0.0)
    ARGS = parser.parse_args()
    LLM["models_delay"] = ARGS.models_delay
    llm = Server((ARGS.address, ARGS.llm_port), LLMServer)
    threading.Thread(target=llm.serve_forever, daemon=True).start()
    Server((ARGS.address, ARGS.twilio_port), Twilio).serve_forever()


if __name__ == "__main__":
    main()
