#!/usr/bin/env python3
"""A minimal cron for `infra/dev serve`: runs the lines of a crontab on their schedules.

A local server should make work progress as a deployment does (queued jobs run, openings go out,
the calendar is polled), and a machine used for development rarely has a cron daemon to spare for
one checkout. This reads the generated `infra/cron/crontab` (the same file a deployment installs),
so what runs locally is exactly what cron would run: each matching line's command under /bin/sh,
at the start of each UTC minute, overlapping runs skipped by the line's own `flock -n`.

Fields: minute hour day-of-month month day-of-week, with `*`, numbers, ranges `a-b`, lists `a,b`
and steps `*/n` or `a-b/n` (day-of-week 0-7, 0 and 7 being Sunday). When both day fields are
restricted, either matching is enough (cron's rule). Environment assignments (`NAME=value` lines)
are applied to the commands; `CRON_TZ` other than UTC is refused.

`--tick SECONDS` checks the schedule every SECONDS instead of once a minute (tests use 1, so a
`* * * * *` line runs every second). Runs until SIGTERM or SIGINT; `infra/dev stop` ends its
process group, the commands it started included.
"""

import argparse
import datetime
import os
import re
import signal
import subprocess
import sys
import time

FIELD_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def parse_field(text, low, high):
    """The set of values a cron field allows; raises ValueError on anything else."""
    values = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
            if step < 1:
                raise ValueError("step must be at least 1")
        if part == "*":
            start, end = low, high
        elif "-" in part:
            start_text, end_text = part.split("-", 1)
            start, end = int(start_text), int(end_text)
        else:
            start = int(part)
            end = high if step > 1 else start
        if start < low or end > high or start > end:
            raise ValueError("%s is outside %d-%d" % (part, low, high))
        values.update(range(start, end + 1, step))
    return values


class Entry:
    def __init__(self, line):
        fields = line.split(None, 5)
        if len(fields) < 6:
            raise ValueError("a crontab line needs five time fields and a command")
        self.sets = [parse_field(text, low, high) for text, (low, high) in zip(fields[:5], FIELD_RANGES)]
        if 7 in self.sets[4]:
            self.sets[4].add(0)
        self.day_restricted = fields[2] != "*"
        self.weekday_restricted = fields[4] != "*"
        self.command = fields[5]

    def matches(self, moment):
        minute, hour, day, month, weekday = self.sets
        if moment.minute not in minute or moment.hour not in hour or moment.month not in month:
            return False
        cron_weekday = moment.isoweekday() % 7
        if self.day_restricted and self.weekday_restricted:
            return moment.day in day or cron_weekday in weekday
        return moment.day in day and cron_weekday in weekday


def read_crontab(path):
    entries, environment = [], {}
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            assignment = ASSIGNMENT.match(line)
            if assignment:
                environment[assignment.group(1)] = assignment.group(2)
                continue
            try:
                entries.append(Entry(line))
            except ValueError as error:
                sys.exit("%s:%d: %s" % (path, number, error))
    zone = environment.pop("CRON_TZ", "UTC")
    if zone not in ("UTC", "Etc/UTC"):
        sys.exit("%s: CRON_TZ=%s is not supported (schedules are UTC)" % (path, zone))
    return entries, environment


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crontab")
    parser.add_argument("--tick", type=float, default=60.0, help="seconds between checks (default: each minute)")
    arguments = parser.parse_args()
    entries, assignments = read_crontab(arguments.crontab)
    environment = dict(os.environ, **assignments)
    shell = environment.pop("SHELL", "/bin/sh")

    def stop(*_):
        raise SystemExit(0)  # interrupts the sleep; the commands' own process group is stopped by the caller

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("run-crontab: %d line(s) from %s" % (len(entries), arguments.crontab), file=sys.stderr, flush=True)
    running = []
    while True:
        if arguments.tick >= 60:
            time.sleep(60 - time.time() % 60)  # the start of the next minute, as cron does
        else:
            time.sleep(arguments.tick)
        moment = datetime.datetime.now(datetime.timezone.utc)
        running = [process for process in running if process.poll() is None]  # reaps finished runs
        for entry in entries:
            if entry.matches(moment):
                running.append(subprocess.Popen([shell, "-c", entry.command], env=environment, stdin=subprocess.DEVNULL))


if __name__ == "__main__":
    main()
