#!/usr/bin/env python3
"""Plays Twilio's side of the WhatsApp webhooks against a running bundle, signed as Twilio signs them.

The signature comes from Twilio's own Python library (twilio.request_validator.RequestValidator)
when it is installed (`pip install twilio`), else from the same algorithm written out here.

  webhooks.py sign  --token T --url URL [Name=Value ...]           prints X-Twilio-Signature
  webhooks.py send  --token T --url PUBLIC_URL --to LOCAL_URL [Name=Value ...]
                                                                    posts one webhook, prints status and body
  webhooks.py load  --token T --url PUBLIC_URL --to LOCAL_URL --numbers FILE --messages N
                    [--concurrency 16] [--duplicates 0.1] [--baseline URL]
                                                                    the benchmark: prints one JSON summary
"""
import argparse, base64, hashlib, hmac, json, random, statistics, sys, threading, time, urllib.error, urllib.parse, urllib.request

try:
    from twilio.request_validator import RequestValidator
except ImportError:  # the algorithm of UPSTREAMS.md, for machines without the library
    RequestValidator = None


def signature(token, url, params):
    if RequestValidator is not None:
        return RequestValidator(token).compute_signature(url, params)
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def post(local_url, public_url, token, params, timeout=30):
    body = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(local_url, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature(token, public_url, params),
        "User-Agent": "TwilioProxy/1.1"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def message(sid, phone, text, name="Participant"):
    return {"SmsMessageSid": sid, "NumMedia": "0", "ProfileName": name, "MessageType": "text", "SmsSid": sid,
            "WaId": phone.lstrip("+"), "SmsStatus": "received", "Body": text, "To": "whatsapp:+14155238886", "NumSegments": "1",
            "ReferralNumMedia": "0", "MessageSid": sid, "AccountSid": "AC00000000000000000000000000000000",
            "From": "whatsapp:" + phone, "ApiVersion": "2010-04-01"}


def fields(pairs):
    return dict(pair.split("=", 1) for pair in pairs)


def run_concurrently(items, concurrency, send):
    """Sends every item with `concurrency` threads; returns (seconds, sorted latencies in ms, statuses)."""
    latencies, statuses, lock = [], {}, threading.Lock()
    cursor = iter(items)

    def worker():
        while True:
            with lock:
                item = next(cursor, None)
            if item is None:
                return
            started = time.perf_counter()
            status = send(item)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sorted(latencies), statuses


def summary(count, seconds, latencies, statuses):
    return {"requests": count, "seconds": round(seconds, 3), "rps": round(count / seconds, 1),
            "p50_ms": round(statistics.median(latencies), 2), "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 2),
            "statuses": statuses}


def get_status(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def load(args):
    """`--messages` webhooks in all, of which the `--duplicates` fraction repeat an earlier MessageSid (Twilio's retries,
    sent after the originals); message i comes from number i modulo the list. With `--baseline URL`, the same number of
    GET requests to URL first, through the same client at the same concurrency."""
    numbers = [line.strip() for line in open(args.numbers) if line.strip()]
    duplicate_count = int(args.messages * args.duplicates)
    unique = [message("SM%032x" % index, numbers[index % len(numbers)], "answer %d" % index) for index in range(args.messages - duplicate_count)]
    schedule = unique + random.Random(7).sample(unique, duplicate_count)
    result = {"unique": len(unique), "duplicates": duplicate_count, "signer": "twilio library" if RequestValidator else "own"}
    if args.baseline:
        result["baseline"] = summary(len(schedule), *run_concurrently([args.baseline] * len(schedule), args.concurrency, get_status))
    result["webhooks"] = summary(len(schedule), *run_concurrently(schedule, args.concurrency,
                                                                   lambda params: post(args.to, args.url, args.token, params)[0]))
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["sign", "send", "load"])
    parser.add_argument("--token", required=True)
    parser.add_argument("--url", required=True, help="the public URL Twilio signs")
    parser.add_argument("--to", help="where to send it (the local address behind the proxy)")
    parser.add_argument("--numbers")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duplicates", type=float, default=0.1)
    parser.add_argument("--baseline", help="a URL to GET as many times first, for a baseline measured in the same run")
    parser.add_argument("fields", nargs="*")
    args = parser.parse_intermixed_args()
    if args.command == "sign":
        print(signature(args.token, args.url, fields(args.fields)))
    elif args.command == "send":
        status, body = post(args.to or args.url, args.url, args.token, fields(args.fields))
        print(status)
        print(body)
    else:
        load(args)


if __name__ == "__main__":
    main()
