"""Drives Orrery with the caldav Python library (Debian python3-caldav) and prints one JSON
object of observations for the calling test to assert on."""
import json
import sys
from datetime import datetime, timezone

import caldav

url, user, password = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password=password)
principal = client.principal()
result = {"principal": str(principal.url)}

calendar = principal.make_calendar(name="Python", cal_id="python")
result["calendars"] = sorted(str(c.url) for c in principal.calendars())

calendar.save_event(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//py//EN\r\nBEGIN:VEVENT\r\nUID:py-single\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260305T100000Z\r\nDTEND:20260305T110000Z\r\n"
    "SUMMARY:Single\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
calendar.save_event(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//py//EN\r\nBEGIN:VEVENT\r\nUID:py-weekly\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260302T090000\r\n"
    "DTEND;TZID=Europe/Berlin:20260302T093000\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\n"
    "SUMMARY:Weekly\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
calendar.save_todo(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//py//EN\r\nBEGIN:VTODO\r\nUID:py-todo\r\n"
    "DTSTAMP:20260101T000000Z\r\nDUE:20260306T120000Z\r\nSUMMARY:Task\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
)

start = datetime(2026, 3, 4, tzinfo=timezone.utc)
end = datetime(2026, 3, 11, tzinfo=timezone.utc)
found = calendar.date_search(start=start, end=end)
result["date_search"] = sorted(o.instance.vevent.uid.value for o in found)
expanded = calendar.date_search(start=start, end=end, expand=True)
result["expanded_starts"] = sorted(
    str(component.dtstart.value) for o in expanded for component in o.instance.vevent_list
)
result["todos"] = sorted(t.instance.vtodo.uid.value for t in calendar.todos())

objects = calendar.objects_by_sync_token(load_objects=False)
token = objects.sync_token
result["initial_sync"] = len(list(objects))
calendar.save_event(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//py//EN\r\nBEGIN:VEVENT\r\nUID:py-late\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260320T100000Z\r\nDTEND:20260320T110000Z\r\n"
    "SUMMARY:Late\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
delta = calendar.objects_by_sync_token(sync_token=token, load_objects=False)
result["incremental_sync"] = [str(o.url).rsplit("/", 1)[-1] for o in delta]

try:
    freebusy = calendar.freebusy_request(start, end)
    result["freebusy"] = freebusy.data
except Exception as error:  # reported, asserted by the test
    result["freebusy_error"] = repr(error)

print(json.dumps(result))
