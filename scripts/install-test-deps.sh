#!/usr/bin/env bash
# Installs the Debian packages the interoperability tests drive (litmus, the caldav and
# recurring-ical-events Python libraries, icalendar, the aiosmtpd SMTP server, Chromium for the
# calendar page's browser test, Cyrus IMAP's CalDAV server as an iSchedule peer), only when they
# are missing. CalDAVTester and pycalendar need
# nothing beyond python3's standard library (ElementTree and expat among it).
set -euo pipefail

missing=()
command -v /usr/bin/python3 >/dev/null 2>&1 || missing+=(python3)
/usr/bin/python3 -c 'import xml.etree.ElementTree, xml.parsers.expat, http.client' >/dev/null 2>&1 || missing+=(libpython3-stdlib)
command -v litmus >/dev/null 2>&1 || missing+=(litmus)
/usr/bin/python3 -c 'import caldav' >/dev/null 2>&1 || missing+=(python3-caldav)
/usr/bin/python3 -c 'import requests' >/dev/null 2>&1 || missing+=(python3-requests)
/usr/bin/python3 -c 'import recurring_ical_events' >/dev/null 2>&1 || missing+=(python3-recurring-ical-events)
/usr/bin/python3 -c 'import icalendar' >/dev/null 2>&1 || missing+=(python3-icalendar)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
# ICU's calendars, the independent source of scripts/rscale-fixture.py's RSCALE instances.
/usr/bin/python3 -c 'import icu' >/dev/null 2>&1 || missing+=(python3-icu)
command -v /usr/bin/chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/lib/cyrus/bin/imapd ] || missing+=(cyrus-imapd)
[ -x /usr/lib/cyrus/bin/httpd ] || missing+=(cyrus-caldav)
command -v saslpasswd2 >/dev/null 2>&1 || missing+=(sasl2-bin)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Missing test packages (${missing[*]}) and no root access to install them" >&2
    exit 1
  fi
fi
echo "Installing test dependencies: ${missing[*]}"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
