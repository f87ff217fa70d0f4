"""Editing one instance of a recurring, organizer-less event with the caldav Python library:
the way its date_search(expand=True) hands out an occurrence and save() writes it back, and the
way a program adds an overridden RECURRENCE-ID component to the whole object and saves that.
Prints one JSON object of observations for the calling test to assert on."""
import copy
import json
import sys
from datetime import datetime, timedelta, timezone

import caldav

url, user, password = sys.argv[1:4]
client = caldav.DAVClient(url=url, username=user, password=password)
calendar = client.principal().make_calendar(name="Series", cal_id="series")
SERIES = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//py//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n"
          "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260302T090000\r\n"
          "DTEND;TZID=Europe/Berlin:20260302T093000\r\nRRULE:FREQ=DAILY;COUNT=10\r\nSEQUENCE:0\r\n"
          "SUMMARY:Daily\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
result = {}

# 1. An occurrence from an expanded date search, changed and saved back.
calendar.save_event(SERIES.format(uid="py-expanded"))
start, end = datetime(2026, 3, 4, tzinfo=timezone.utc), datetime(2026, 3, 5, tzinfo=timezone.utc)
occurrence = [o for o in calendar.date_search(start=start, end=end, expand=True)
              if str(o.icalendar_component["UID"]) == "py-expanded"][0]
result["expanded_has_recurrence_id"] = "RECURRENCE-ID" in occurrence.icalendar_component
occurrence.icalendar_component["SUMMARY"] = "Moved (expanded)"
occurrence.save()
result["expanded_saved"] = True

# 2. An overridden instance added to the whole series, which is saved back.
calendar.save_event(SERIES.format(uid="py-override"))
event = calendar.event_by_uid("py-override")
master = event.icalendar_component
override = copy.deepcopy(master)
del override["RRULE"]
instance = master["DTSTART"].dt + timedelta(days=2)
override.add("RECURRENCE-ID", instance)
del override["DTSTART"]
del override["DTEND"]
override.add("DTSTART", instance + timedelta(hours=1))
override.add("DTEND", instance + timedelta(hours=2))
override["SUMMARY"] = "Moved (override)"
event.icalendar_instance.add_component(override)
event.save()
stored = calendar.event_by_uid("py-override")
result["override_components"] = sorted(
    ("RECURRENCE-ID" in c) for c in stored.icalendar_instance.walk("VEVENT"))
found = calendar.date_search(start=start, end=end, expand=True)
result["override_instance_summaries"] = sorted(
    str(c["SUMMARY"]) for o in found for c in o.icalendar_instance.walk("VEVENT") if str(c["UID"]) == "py-override")
print(json.dumps(result))
