"""A calendar file imported by POST to a calendar collection (Cyrus-style bulk import), then read
back with the caldav Python library as a client nobody here wrote would read it: every object
listed, each series with its overrides, and date searches. The POST itself goes through requests
(the library has no import call). Prints one JSON object."""
import json
import sys
from datetime import datetime, timezone

import caldav
import requests
from lxml import etree

url, user, password, ics_path = sys.argv[1:5]
client = caldav.DAVClient(url=url, username=user, password=password)
calendar = client.principal().make_calendar(name="Imported", cal_id="imported")

with open(ics_path, "rb") as f:
    body = f.read()
answer = requests.post(str(calendar.url), data=body, auth=(user, password), headers={"Content-Type": "text/calendar; charset=utf-8"})
tree = etree.fromstring(answer.content)
ns = {"D": "DAV:"}
items = []
for response in tree.findall("D:response", ns):
    status = response.findtext("D:status", default="", namespaces=ns) or response.findtext("D:propstat/D:status", default="", namespaces=ns)
    etag = response.findtext("D:propstat/D:prop/D:getetag", default="", namespaces=ns)
    items.append({"href": response.findtext("D:href", default="", namespaces=ns), "status": status.split(" ")[1] if status else "", "etag": etag})

events = calendar.events()
uids = []
series = {}
for event in events:
    components = [c for c in event.icalendar_instance.walk("VEVENT")]
    uid = str(components[0]["UID"])
    uids.append(uid)
    if len(components) > 1 or uid.startswith("series-"):
        series[uid] = {
            "masters": sum(1 for c in components if "RECURRENCE-ID" not in c and "RRULE" in c),
            "overrides": sorted(c["RECURRENCE-ID"].dt.strftime("%Y%m%dT%H%M%SZ") for c in components if "RECURRENCE-ID" in c),
        }

found = lambda start, end: sorted(str(e.icalendar_component["UID"]) for e in calendar.date_search(start=start, end=end, expand=False))
print(json.dumps({
    "post_status": answer.status_code,
    "post_type": answer.headers.get("Content-Type", ""),
    "items": items,
    "event_count": len(events),
    "uids": sorted(uids),
    "series": series,
    "search_march_week": found(datetime(2026, 3, 1, tzinfo=timezone.utc), datetime(2026, 3, 8, tzinfo=timezone.utc)),
    "search_moved_overrides": found(datetime(2031, 6, 1, tzinfo=timezone.utc), datetime(2031, 6, 2, tzinfo=timezone.utc)),
    "search_series_week": found(datetime(2031, 1, 13, tzinfo=timezone.utc), datetime(2031, 1, 14, tzinfo=timezone.utc)),
}))
