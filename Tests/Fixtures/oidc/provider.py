#!/usr/bin/env python3
"""A fake OpenID Connect provider on loopback, for the sign-in tests (standard library only).

It speaks the real wire format of the authorization code flow with PKCE:
  GET  /.well-known/openid-configuration   discovery (issuer = http://127.0.0.1:<port>)
  GET  /authorize                          auto-consent; redirects back with ?code&state&iss;
                                           the user is chosen by login_hint (an email)
  POST /token                              checks client credentials (Basic or in the form),
                                           redirect_uri, the PKCE verifier against the
                                           challenge, single use of the code; answers an ID
                                           token (a JWT with an RS256-looking header and a
                                           signature the bundle does not check)
  POST /control                            JSON: what the next tokens look like, for the tests:
      {"claims": {"aud": "someone-else"}}  claims merged over the real ones (null removes one)
      {"exp_offset": -3600}                exp (and iat) relative to now, in seconds
      {"token_status": 500}                the token endpoint fails with this status
      {"auth_methods": ["client_secret_post"]}  token_endpoint_auth_methods_supported
      {} resets everything.
  GET  /calls                              what the token endpoint received (for assertions)

Usage: provider.py --port-file FILE [--client-id ID --client-secret SECRET]
"""
import argparse
import base64
import hashlib
import json
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USERS = {
    "ada@example.com": {"sub": "sub-ada", "name": "Ada Lovelace"},
    "grace@other.org": {"sub": "sub-grace", "name": "Grace Hopper"},
}
DEFAULT_USER = "ada@example.com"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State:
    def __init__(self, client_id, client_secret):
        self.client_id = client_id
        self.client_secret = client_secret
        self.lock = threading.Lock()
        self.codes = {}
        self.control = {}
        self.calls = []
        self.issuer = ""


class Handler(BaseHTTPRequestHandler):
    state: State = None  # set before serving

    def log_message(self, *args):  # quiet
        pass

    def send_json(self, status, document, headers=None):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        s = self.state
        if url.path == "/.well-known/openid-configuration":
            with s.lock:
                methods = s.control.get("auth_methods", ["client_secret_basic", "client_secret_post"])
            return self.send_json(200, {
                "issuer": s.issuer,
                "authorization_endpoint": s.issuer + "/authorize",
                "token_endpoint": s.issuer + "/token",
                "userinfo_endpoint": s.issuer + "/userinfo",
                "jwks_uri": s.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": methods,
            })
        if url.path == "/authorize":
            problems = []
            if query.get("response_type") != "code":
                problems.append("response_type")
            if query.get("client_id") != s.client_id:
                problems.append("client_id")
            if query.get("code_challenge_method") != "S256" or len(query.get("code_challenge", "")) != 43:
                problems.append("code_challenge")
            for name in ("redirect_uri", "state", "nonce", "scope"):
                if not query.get(name):
                    problems.append(name)
            if "openid" not in query.get("scope", "").split():
                problems.append("scope")
            if problems:
                return self.send_json(400, {"error": "invalid_request", "error_description": "bad " + ", ".join(problems)})
            email = query.get("login_hint") or DEFAULT_USER
            code = secrets.token_urlsafe(24)
            with s.lock:
                s.codes[code] = {
                    "redirect_uri": query["redirect_uri"], "challenge": query["code_challenge"],
                    "nonce": query["nonce"], "email": email,
                }
            back = query["redirect_uri"] + ("&" if "?" in query["redirect_uri"] else "?") + urllib.parse.urlencode(
                {"code": code, "state": query["state"], "iss": s.issuer, "scope": query["scope"]})
            self.send_response(302)
            self.send_header("Location", back)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if url.path == "/calls":
            with s.lock:
                return self.send_json(200, {"calls": s.calls})
        self.send_json(404, {"error": "not_found"})

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1 << 20)).decode()
        s = self.state
        if url.path == "/control":
            with s.lock:
                s.control = json.loads(body or "{}")
            return self.send_json(200, {"ok": True})
        if url.path != "/token":
            return self.send_json(404, {"error": "not_found"})
        form = dict(urllib.parse.parse_qsl(body))
        with s.lock:
            control = dict(s.control)
            auth = self.headers.get("Authorization") or ""
            s.calls.append({"form_keys": sorted(form), "basic": auth.startswith("Basic ")})
        if control.get("token_status"):
            return self.send_json(int(control["token_status"]), {"error": "server_error"})
        # Client authentication: Basic (form-encoded id and secret, RFC 6749 2.3.1) or the form.
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if auth.startswith("Basic "):
            try:
                pair = base64.b64decode(auth[6:]).decode()
                raw_id, raw_secret = pair.split(":", 1)
                client_id, client_secret = urllib.parse.unquote_plus(raw_id), urllib.parse.unquote_plus(raw_secret)
            except Exception:
                return self.send_json(401, {"error": "invalid_client"})
        if client_id != s.client_id or client_secret != s.client_secret:
            return self.send_json(401, {"error": "invalid_client"})
        if form.get("grant_type") != "authorization_code":
            return self.send_json(400, {"error": "unsupported_grant_type"})
        with s.lock:
            grant = s.codes.pop(form.get("code", ""), None)  # single use: a replay finds nothing
        if grant is None:
            return self.send_json(400, {"error": "invalid_grant", "error_description": "unknown or used code"})
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return self.send_json(400, {"error": "invalid_grant", "error_description": "redirect_uri differs"})
        verifier = form.get("code_verifier", "")
        if b64url(hashlib.sha256(verifier.encode()).digest()) != grant["challenge"]:
            return self.send_json(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})

        user = USERS.get(grant["email"], {"sub": "sub-" + grant["email"], "name": None})
        now = int(time.time())
        offset = int(control.get("exp_offset", 3600))
        claims = {
            "iss": s.issuer, "sub": user["sub"], "aud": s.client_id, "azp": s.client_id,
            "exp": now + offset, "iat": now if offset > 0 else now + offset - 60,
            "nonce": grant["nonce"], "email": grant["email"], "email_verified": True,
        }
        if user["name"]:
            claims["name"] = user["name"]
        for name, value in control.get("claims", {}).items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        header = {"alg": "RS256", "typ": "JWT", "kid": "fake-key"}
        token = ".".join([b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()),
                          b64url(b"not-a-real-signature")])
        self.send_json(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                             "expires_in": 3600, "id_token": token, "scope": "openid email profile"},
                       headers={"Cache-Control": "no-store"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--client-id", default="bundle-test-client")
    parser.add_argument("--client-secret", default="bundle-test-secret")
    args = parser.parse_args()
    Handler.state = State(args.client_id, args.client_secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    Handler.state.issuer = f"http://127.0.0.1:{port}"
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(port))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
