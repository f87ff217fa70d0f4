"""The reference side of the differential time-range test: which objects recurring_ical_events
finds in each range. Reads {"objects": [{"uid", "text"}], "ranges": [[start_ms, end_ms]]} as JSON
on stdin and writes {"matches": [[uid, ...] per range], "errors": {uid: message}}.
"""
import datetime
import json
import sys

import icalendar
import recurring_ical_events


def utc(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)


def main():
    request = json.load(sys.stdin)
    calendars = []
    errors = {}
    for obj in request["objects"]:
        try:
            calendars.append((obj["uid"], recurring_ical_events.of(icalendar.Calendar.from_ical(obj["text"]))))
        except Exception as error:  # reported per object, so one bad object does not hide the rest
            errors[obj["uid"]] = "parse: %r" % error
    matches = []
    for start_ms, end_ms in request["ranges"]:
        start, end = utc(start_ms), utc(end_ms)
        found = []
        for uid, calendar in calendars:
            try:
                if calendar.between(start, end):
                    found.append(uid)
            except Exception as error:
                errors.setdefault(uid, "between: %r" % error)
        matches.append(sorted(found))
    json.dump({"matches": matches, "errors": errors}, sys.stdout)


if __name__ == "__main__":
    main()
