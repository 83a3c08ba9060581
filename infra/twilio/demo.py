#!/usr/bin/env python3
"""The research-interview part of `infra/dev demo`: drives a served bundle over HTTP and plays the
participants' side through signed webhooks. Arguments: port, API key, Twilio auth token, public
base URL, repository root, binary directory, database path."""
import json, subprocess, sys, urllib.request

port, key, token, public, root, bin, database = sys.argv[1:8]
sys.path.insert(0, root + "/infra/twilio")
import webhooks  # noqa: E402

local = f"http://127.0.0.1:{port}"


def api(method, path, body=None):
    request = urllib.request.Request(local + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"X-API-Key": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
        return json.loads(text) if response.headers.get("Content-Type", "").startswith("application/json") else text


names = {"+4915112345678": "Dana Weber", "+447700900123": "Sam Patel", "+14155550134": "Kim Lee"}


def webhook(sid, phone, text, secret=token):
    return webhooks.post(local + "/twilio/inbound", public + "/twilio/inbound", secret,
                         webhooks.message(sid, phone, text, names.get(phone, "Participant")))


created = api("POST", "/campaigns", json.load(open(root + "/Tests/Fixtures/create-campaign/gas-station.json")))
campaign = created["campaign"]
print(f"campaign {campaign['id']} \"{campaign['name']}\": {len(campaign['schema'])} fields, {created['accepted_phones']} numbers "
      f"({created['duplicates_removed']} duplicate removed)")
for rejected in created["rejected_phones"]:
    print(f"  rejected number #{rejected['index']} \"{rejected['value']}\": {rejected['problem']}")
launch = api("POST", f"/campaigns/{campaign['id']}/launch", {})["launch"]
print(f"launched: {launch['conversations_created']} conversations, openings due from {launch['first_due_at']}")
cron = subprocess.run([bin + "/send-outreach"], input=b"", capture_output=True, env={"DATABASE_URL": database, "LOG_LEVEL": "error"})
outreach = json.loads(cron.stdout)["outreach"]
print(f"send-outreach (cron): {outreach['sent']} openings sent to the outbox (nothing leaves the machine), "
      f"written by the {outreach['opening_written_by']} provider, pace {outreach['rate_per_minute']} per minute")

script = [("+4915112345678", "Sure, happy to help!"), ("+447700900123", "Hi, what is this about?"), ("+4915112345678", "Mostly Aral"),
          ("+14155550134", "ok, go ahead"), ("+4915112345678", "About 4 times a month"), ("+447700900123", "please stop messaging me"),
          ("+4915112345678", "Yes, always"), ("+14155550134", "Shell, usually"), ("+4915112345678", "1.79 last time"),
          ("+4915112345678", "A cheaper price on my way to work")]
for index, (phone, text) in enumerate(script):
    status, body = webhook("SMdemo%04d" % index, phone, text)
    assert status == 200 and body.endswith("<Response/>"), (status, body)
print(f"{len(script)} signed webhooks, each answered with an empty TwiML <Response/>; the replies went out through the outbox, "
      "written by the offline LLM provider's deterministic rules")
status, _ = webhook("SMforged", "+4915112345678", "forged", secret="wrong-token")
print(f"a webhook signed with the wrong token: HTTP {status}")
status, _ = webhook("SMdemo0000", "+4915112345678", "Sure, happy to help!")
print(f"Twilio retrying a webhook (same MessageSid): HTTP {status}, stored and answered once")

for conversation in api("GET", f"/campaigns/{campaign['id']}/conversations")["conversations"]:
    full = api("GET", f"/conversations/{conversation['id']}")
    ending = f" ({full['end_reason']})" if full["end_reason"] else ""
    print(f"\n{full['phone']}: {full['status']}{ending}, extracted {json.dumps(full['extracted'])}")
    for message in full["messages"]:
        who = "participant" if message["direction"] == "inbound" else "agent      "
        print(f"  {who}: {message['body'].splitlines()[0]}")
stats = api("GET", f"/campaigns/{campaign['id']}")
counts = ", ".join(f"{count} {name}" for name, count in sorted(stats["counts"].items()) if count and name != "total")
print(f"\ncampaign: {counts}; completion rate {stats['completion_rate']:.0%}; status {stats['status']}")
print(f"\nGET /campaigns/{campaign['id']}/extractions?format=csv")
print(api("GET", f"/campaigns/{campaign['id']}/extractions?format=csv"), end="")
