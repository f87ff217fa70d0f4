"""Discovery with the caldav Python library from the URL a user types: finds the principal and
calendar home, lists the calendars, creates one and stores an event in it. Prints one JSON
object of observations for the calling test to assert on."""
import json
import sys

import caldav

url, user, password, cal_id = sys.argv[1:5]
client = caldav.DAVClient(url=url, username=user, password=password)
principal = client.principal()
result = {"principal": str(principal.url)}
result["calendar_home"] = str(principal.calendar_home_set.url)
result["calendars_before"] = sorted(str(c.url) for c in principal.calendars())
calendar = principal.make_calendar(name=cal_id, cal_id=cal_id)
result["created"] = str(calendar.url)
event = calendar.save_event(
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//py//EN\r\nBEGIN:VEVENT\r\nUID:disc-" + cal_id + "\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260305T100000Z\r\nDTEND:20260305T110000Z\r\n"
    "SUMMARY:Found\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
result["event"] = str(event.url)
result["events"] = sorted(e.instance.vevent.uid.value for e in calendar.events())
print(json.dumps(result))
