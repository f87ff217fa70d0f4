"""Managed attachments (RFC 8607) driven with the Python requests library, in the shapes Apple
Calendar sends them: POST <object>?action=attachment-add with the file as the body, its type in
Content-Type, its name in Content-Disposition, If-Match on the object's ETag and Prefer:
return=representation; then attachment-update and attachment-remove by managed-id, an attachment
shared by two instances of a series (rid=), and an invitation whose attendee follows the ATTACH URL.
Prints one JSON object of observations for the calling test to assert on."""
import json
import re
import sys
import time
import xml.etree.ElementTree as ET

import requests

base, password_alice, password_bob = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
alice = requests.Session()
alice.auth = ("alice", password_alice)
bob = requests.Session()
bob.auth = ("bob", password_bob)
anonymous = requests.Session()
calendar = f"{base}/dav/calendars/user/alice/Default/"
out = {}

PNG = bytes(range(256)) * 64  # 16 KiB of every byte value, so that nothing may be text-decoded


def ics(*lines):
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Orrery RFC 8607 client test//EN", *lines, "END:VCALENDAR", ""])


def unfold(text):
    return re.sub(r"\r?\n[ \t]", "", text)


def attach_lines(text):
    return [line for line in unfold(text).splitlines() if line.startswith("ATTACH")]


def put(session, url, body, **headers):
    return session.put(url, data=body.encode(), headers={"Content-Type": "text/calendar; charset=utf-8", **headers})


def attachment_post(url, action, data, filename, content_type, etag=None, query=""):
    headers = {"Content-Type": content_type, "Content-Disposition": f"attachment;filename={filename}", "Prefer": "return=representation"}
    if etag:
        headers["If-Match"] = etag
    return alice.post(f"{url}?action={action}{query}", data=data, headers=headers)


# --- one event: add, read as owner, another user and anonymously, update, remove ---
event = f"{calendar}photo-event.ics"
created = put(alice, event, ics("BEGIN:VEVENT", "UID:photo-event", "DTSTAMP:20300101T000000Z", "DTSTART:20300301T090000Z", "DTEND:20300301T100000Z", "SUMMARY:Photos", "END:VEVENT"))
out["put"] = created.status_code
etag = created.headers.get("ETag")
stale = attachment_post(event, "attachment-add", PNG, "photo.png", "image/png", etag='"stale"')
out["add_stale_if_match"] = stale.status_code
added = attachment_post(event, "attachment-add", PNG, "photo.png", "image/png", etag=etag)
managed_id = added.headers.get("Cal-Managed-ID")
location = added.headers.get("Location")
out["add"] = {
    "status": added.status_code,
    "managed_id": managed_id,
    "location": location,
    "etag_changed": bool(added.headers.get("ETag")) and added.headers.get("ETag") != etag,
    "attach": attach_lines(added.text),
}
url = requests.compat.urljoin(base + "/", location) if location else None
owner_get = alice.get(url)
out["get_owner"] = {"status": owner_get.status_code, "same_bytes": owner_get.content == PNG, "type": owner_get.headers.get("Content-Type"), "disposition": owner_get.headers.get("Content-Disposition")}
other_get = bob.get(url)
out["get_other_user"] = {"status": other_get.status_code, "same_bytes": other_get.content == PNG}
anonymous_get = anonymous.get(url)
out["get_anonymous"] = anonymous_get.status_code

updated = attachment_post(event, "attachment-update", b"second version", "photo.txt", "text/plain", query=f"&managed-id={managed_id}")
new_id = updated.headers.get("Cal-Managed-ID")
new_url = requests.compat.urljoin(base + "/", updated.headers.get("Location") or "")
out["update"] = {"status": updated.status_code, "new_id_differs": bool(new_id) and new_id != managed_id, "attach": attach_lines(updated.text)}
out["old_after_update"] = alice.get(url).status_code
out["new_after_update"] = alice.get(new_url).text
removed = alice.post(f"{event}?action=attachment-remove&managed-id={new_id}")
out["remove"] = removed.status_code
out["object_after_remove"] = attach_lines(alice.get(event).text)
out["new_after_remove"] = alice.get(new_url).status_code
bogus = alice.post(f"{event}?action=attachment-remove&managed-id={new_id}")
out["remove_again"] = {"status": bogus.status_code, "condition": "valid-managed-id-parameter" in bogus.text}

# --- one attachment shared by two instances of a series ---
series = f"{calendar}series.ics"
put(alice, series, ics("BEGIN:VEVENT", "UID:series", "DTSTAMP:20300101T000000Z", "DTSTART:20300302T090000Z", "DTEND:20300302T093000Z", "RRULE:FREQ=DAILY;COUNT=5", "SUMMARY:Standup", "END:VEVENT"))
shared = attachment_post(series, "attachment-add", b"agenda for two days", "agenda.txt", "text/plain", query="&rid=20300303T090000Z,20300304T090000Z")
shared_id = shared.headers.get("Cal-Managed-ID")
shared_url = requests.compat.urljoin(base + "/", shared.headers.get("Location") or "")
text = unfold(alice.get(series).text)
components = text.split("BEGIN:VEVENT")[1:]
out["rid_add"] = {
    "status": shared.status_code,
    "overrides": sorted(re.findall(r"RECURRENCE-ID:(\S+)", text)),
    "attach_per_component": [len(attach_lines(c)) for c in components],
    "same_id_in_both": text.count(f"MANAGED-ID={shared_id}") == 2,
}
one = alice.post(f"{series}?action=attachment-remove&managed-id={shared_id}&rid=20300303T090000Z")
out["rid_remove_one"] = {"status": one.status_code, "still_served": alice.get(shared_url).text}
last = alice.post(f"{series}?action=attachment-remove&managed-id={shared_id}&rid=20300304T090000Z")
out["rid_remove_last"] = {"status": last.status_code, "served": alice.get(shared_url).status_code}

# --- an invitation carries the attachment; the attendee reads it ---
meeting = f"{calendar}meeting.ics"
put(alice, meeting, ics("BEGIN:VEVENT", "UID:meeting", "DTSTAMP:20300101T000000Z", "DTSTART:20300310T140000Z", "DTEND:20300310T150000Z", "SUMMARY:Review",
                        "ORGANIZER:mailto:alice@example.com", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com", "ATTENDEE;RSVP=TRUE:mailto:bob@example.com", "END:VEVENT"))
slides = attachment_post(meeting, "attachment-add", b"slides for the review", "slides.txt", "text/plain")
slides_location = slides.headers.get("Location")
out["meeting_add"] = slides.status_code


def bob_copy():
    listing = bob.request("PROPFIND", f"{base}/dav/calendars/user/bob/Default/", headers={"Depth": "1", "Content-Type": "application/xml"},
                          data='<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>')
    for href in ET.fromstring(listing.content).iter("{DAV:}href"):
        if href.text and href.text.endswith(".ics"):
            data = bob.get(requests.compat.urljoin(base + "/", href.text)).text
            if "UID:meeting" in data and "slides.txt" in unfold(data):
                return data
    return None


copy = None
for _ in range(50):  # scheduling delivers at once; allow a slow machine a few seconds
    copy = bob_copy()
    if copy:
        break
    time.sleep(0.1)
out["attendee_copy_attach"] = attach_lines(copy) if copy else []
# The value follows the first colon: none of the parameters Orrery writes holds one.
attendee_url = out["attendee_copy_attach"][0].split(":", 1)[1] if out["attendee_copy_attach"] else None
out["attendee_url_is_location"] = attendee_url == slides_location
attendee_get = bob.get(requests.compat.urljoin(base + "/", attendee_url or "/missing"))
out["attendee_get"] = {"status": attendee_get.status_code, "text": attendee_get.text}
print(json.dumps(out))
