"""To-do date search with the caldav Python library: one VTODO per row of RFC 4791 §9.9's table,
searched as the library does it (search(todo=True, ...) with and without completed ones, and
date_search(compfilter="VTODO")). Prints one JSON object of found UIDs per search and range."""
import json
import sys
from datetime import datetime, timezone

import caldav

url, user, password = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password=password)
calendar = client.principal().make_calendar(name="Tasks", cal_id="tasks")
ROWS = {
    "start-duration": ["DTSTART:20260310T120000Z", "DURATION:PT2H"],
    "start-due": ["DTSTART:20260310T120000Z", "DUE:20260310T140000Z"],
    "start-only": ["DTSTART:20260310T120000Z"],
    "due-only": ["DUE:20260310T120000Z"],
    "completed-created": ["CREATED:20260308T120000Z", "COMPLETED:20260310T120000Z"],
    "completed-only": ["COMPLETED:20260310T120000Z"],
    "created-only": ["CREATED:20260310T120000Z"],
    "undated": [],
}
for uid, lines in ROWS.items():
    calendar.save_todo("\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//py//EN", "BEGIN:VTODO", "UID:" + uid,
         "DTSTAMP:20260101T000000Z", *lines, "SUMMARY:" + uid, "END:VTODO", "END:VCALENDAR", ""]))

uids = lambda found: sorted(str(t.icalendar_component["UID"]) for t in found)
RANGES = {
    "before": (datetime(2026, 3, 1, tzinfo=timezone.utc), datetime(2026, 3, 5, tzinfo=timezone.utc)),
    "overlapping": (datetime(2026, 3, 10, tzinfo=timezone.utc), datetime(2026, 3, 11, tzinfo=timezone.utc)),
    "after": (datetime(2026, 3, 15, tzinfo=timezone.utc), datetime(2026, 3, 20, tzinfo=timezone.utc)),
}
result = {}
for name, (start, end) in RANGES.items():
    result[name] = {
        "pending": uids(calendar.search(todo=True, start=start, end=end)),
        "all": uids(calendar.search(todo=True, start=start, end=end, include_completed=True)),
        "date_search": uids(calendar.date_search(start=start, end=end, compfilter="VTODO")),
    }
print(json.dumps(result))
