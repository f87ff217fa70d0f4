#!/usr/bin/python3
"""Writes test/fixtures/rscale/instances.json: the instances of RSCALE recurrence rules (RFC 7529)
computed with ICU through PyICU (Debian: apt-get install python3-icu), a source independent of the
server's own Intl-based calendar code.

ICU supplies the calendar data: each month of each calendar year (found by walking ICU's calendar
from the first day of one month to the first of the next), its length, whether it is a leap month,
and its first day in the Gregorian calendar; ICU's Hebrew years are also checked against the
calendar's arithmetic rules. The rule shapes the fixture holds are evaluated here from that table by RFC 7529 §4.1/§4.2: a
month and day every year (FREQ=YEARLY;BYMONTH=m;BYMONTHDAY=d) and a day every month
(FREQ=MONTHLY;BYMONTHDAY=d), with SKIP moving or omitting the dates that do not exist, and
weekdays within the calendar's months (BYDAY, all of them or the nth).

Run: /usr/bin/python3 scripts/rscale-fixture.py [OUT]  (without OUT it rewrites the fixture; commit it with the change)
"""
import datetime
import json
import os
import sys

import icu

FIRST = datetime.date(2014, 1, 1)
# Ends before Hebrew year 5806: ICU 72.1 (Debian 13's libicu72) puts the new year of 5807 on
# 2046-10-02, a day late (the arithmetic rules and ICU 78 give 2046-10-01), which lengthens Heshvan
# 5806 (November 2045). check_hebrew_years() refuses to write a fixture over such a year.
LAST = datetime.date(2044, 12, 31)
EPOCH = datetime.date(1970, 1, 1)
# PyICU passes ICU's UDate as seconds since the epoch (a Python time value), not milliseconds.
DAY_SECONDS = 86_400
# UCAL_IS_LEAP_MONTH, which PyICU does not name.
IS_LEAP_MONTH = getattr(icu.UCalendarDateFields, 'IS_LEAP_MONTH', 22)

# RSCALE name -> ICU calendar keyword.
CALENDARS = {
    'GREGORIAN': 'gregorian',
    'HEBREW': 'hebrew',
    'CHINESE': 'chinese',
    'DANGI': 'dangi',
    'ISLAMIC-CIVIL': 'islamic-civil',
    'ISLAMIC-TBLA': 'islamic-tbla',
    'ISLAMIC-UMALQURA': 'islamic-umalqura',
    'ISLAMIC': 'islamic',
    'ETHIOPIC': 'ethiopic',
    'ETHIOPIC-AMETE-ALEM': 'ethiopic-amete-alem',
    'COPTIC': 'coptic',
    'INDIAN': 'indian',
    'PERSIAN': 'persian',
    'BUDDHIST': 'buddhist',
}

# (RSCALE, FREQ, BYMONTH or None, BYMONTHDAY, SKIP): rules over months and days that do not exist every year.
CASES = [
    ('HEBREW', 'YEARLY', '5L', 1, skip) for skip in ('OMIT', 'BACKWARD', 'FORWARD')
] + [
    ('HEBREW', 'YEARLY', '5L', 30, 'FORWARD'),
    ('HEBREW', 'YEARLY', '2', 30, 'OMIT'),
    ('HEBREW', 'YEARLY', '2', 30, 'BACKWARD'),
    ('HEBREW', 'YEARLY', '2', 30, 'FORWARD'),
    ('HEBREW', 'YEARLY', '3', 30, 'BACKWARD'),
    ('HEBREW', 'YEARLY', '6', 14, 'OMIT'),
    ('HEBREW', 'MONTHLY', None, 30, 'BACKWARD'),
    ('CHINESE', 'YEARLY', '1', 1, 'OMIT'),
    ('CHINESE', 'YEARLY', '12', 30, 'FORWARD'),
    ('CHINESE', 'YEARLY', '6L', 1, 'OMIT'),
    ('CHINESE', 'YEARLY', '4L', 15, 'BACKWARD'),
    ('CHINESE', 'YEARLY', '4L', 15, 'FORWARD'),
    ('CHINESE', 'MONTHLY', None, 30, 'OMIT'),
    ('CHINESE', 'MONTHLY', None, 30, 'FORWARD'),
    ('DANGI', 'YEARLY', '1', 1, 'OMIT'),
    ('DANGI', 'MONTHLY', None, 30, 'BACKWARD'),
    ('ISLAMIC-CIVIL', 'MONTHLY', None, 30, 'OMIT'),
    ('ISLAMIC-CIVIL', 'MONTHLY', None, 30, 'BACKWARD'),
    ('ISLAMIC-CIVIL', 'MONTHLY', None, 30, 'FORWARD'),
    ('ISLAMIC-CIVIL', 'YEARLY', '9', 1, 'OMIT'),
    ('ISLAMIC-CIVIL', 'YEARLY', '12', 30, 'BACKWARD'),
    ('ISLAMIC-TBLA', 'MONTHLY', None, 30, 'FORWARD'),
    ('ISLAMIC-UMALQURA', 'MONTHLY', None, 30, 'BACKWARD'),
    ('ISLAMIC', 'YEARLY', '9', 1, 'OMIT'),
    ('ETHIOPIC', 'YEARLY', '13', 6, 'OMIT'),
    ('ETHIOPIC', 'YEARLY', '13', 6, 'BACKWARD'),
    ('ETHIOPIC', 'YEARLY', '13', 6, 'FORWARD'),
    ('ETHIOPIC', 'YEARLY', '13', -1, 'OMIT'),
    ('ETHIOPIC', 'YEARLY', '1', 1, 'OMIT'),
    ('ETHIOPIC', 'MONTHLY', None, 30, 'BACKWARD'),
    ('ETHIOPIC-AMETE-ALEM', 'YEARLY', '13', 6, 'FORWARD'),
    ('COPTIC', 'YEARLY', '13', 6, 'BACKWARD'),
    ('INDIAN', 'YEARLY', '1', 31, 'OMIT'),
    ('INDIAN', 'YEARLY', '1', 31, 'BACKWARD'),
    ('INDIAN', 'YEARLY', '1', 31, 'FORWARD'),
    ('INDIAN', 'MONTHLY', None, 31, 'FORWARD'),
    ('PERSIAN', 'YEARLY', '12', 30, 'OMIT'),
    ('PERSIAN', 'YEARLY', '12', 30, 'FORWARD'),
    ('BUDDHIST', 'YEARLY', '2', 29, 'BACKWARD'),
    ('GREGORIAN', 'YEARLY', '2', 29, 'OMIT'),
    ('GREGORIAN', 'YEARLY', '2', 29, 'BACKWARD'),
    ('GREGORIAN', 'YEARLY', '2', 29, 'FORWARD'),
    ('GREGORIAN', 'MONTHLY', None, 31, 'OMIT'),
    ('GREGORIAN', 'MONTHLY', None, 31, 'BACKWARD'),
    ('GREGORIAN', 'MONTHLY', None, 31, 'FORWARD'),
    ('GREGORIAN', 'MONTHLY', None, -30, 'OMIT'),
    ('GREGORIAN', 'MONTHLY', None, -30, 'BACKWARD'),
    ('GREGORIAN', 'MONTHLY', None, -30, 'FORWARD'),
]


# (RSCALE, FREQ, BYMONTH or None, BYDAY): weekdays counted within the calendar's own months
# (RFC 5545 §3.3.10: with BYMONTH, or in a MONTHLY rule, a numbered BYDAY is the nth in the month).
WEEKDAY_CASES = [
    ('HEBREW', 'YEARLY', '7', '1SA'),
    ('HEBREW', 'MONTHLY', None, '-1FR'),
    ('CHINESE', 'MONTHLY', None, '-1SU'),
    ('CHINESE', 'YEARLY', '8', '2MO'),
    ('ISLAMIC-CIVIL', 'YEARLY', '9', 'FR'),
    ('ETHIOPIC', 'YEARLY', '13', '1MO'),
    ('INDIAN', 'MONTHLY', None, '2TU'),
]
WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']

def month_table(rscale):
    """[(year, [(number, leap, first_day, length), ...]), ...] for the calendar years overlapping FIRST..LAST."""
    keyword = CALENDARS[rscale]
    cal = icu.Calendar.createInstance(icu.TimeZone.getGMT(), icu.Locale('en@calendar=' + keyword))
    day = (FIRST - EPOCH).days - 400
    cal.setTime(float(day * DAY_SECONDS))
    day -= cal.get(icu.UCalendarDateFields.DAY_OF_MONTH) - 1
    years = []
    # Walk month by month through day numbers: setting fields instead (add MONTH, set DAY_OF_MONTH)
    # loses the leap flag of Chinese leap months and walks in a circle.
    while day <= (LAST - EPOCH).days + 400:
        cal.setTime(float(day * DAY_SECONDS))
        year = cal.get(icu.UCalendarDateFields.EXTENDED_YEAR)
        index = cal.get(icu.UCalendarDateFields.MONTH)
        leap = bool(cal.get(IS_LEAP_MONTH))
        length = cal.getActualMaximum(icu.UCalendarDateFields.DAY_OF_MONTH)
        number, leap = month_number(rscale, index, leap)
        if not years or years[-1][0] != year:
            years.append((year, []))
        years[-1][1].append((number, leap, day, length))
        day += length
    # The first year may be partial (the walk began inside it); drop it.
    years = years[1:]
    if rscale == 'HEBREW':
        check_hebrew_years(years)
    return years


def hebrew_new_year(year):
    """Day number of 1 Tishri of a Hebrew year by the calendar's arithmetic rules (molad and
    postponements, Dershowitz and Reingold, Calendrical Calculations, ch. 8)."""
    def elapsed(y):
        months = (235 * y - 234) // 19
        parts = 12084 + 13753 * months
        day = 29 * months + parts // 25920
        return day + 1 if (3 * (day + 1)) % 7 < 3 else day
    before, this, after = elapsed(year - 1), elapsed(year), elapsed(year + 1)
    delay = 2 if after - this == 356 else 1 if this - before == 382 else 0
    return (datetime.date.fromordinal(this + delay - 1373427) - EPOCH).days


def check_hebrew_years(years):
    """Refuses ICU data whose Hebrew years do not begin where the arithmetic rules put them."""
    for year, months in years:
        if months[0][2] != hebrew_new_year(year):
            raise SystemExit(f'ICU {icu.ICU_VERSION} starts Hebrew year {year} on day {months[0][2]}, the rules on day {hebrew_new_year(year)}')


def month_number(rscale, index, leap):
    """ICU's 0-based MONTH field as RFC 7529 numbers it. Hebrew: ICU's month 5 is Adar I (5L)."""
    if rscale == 'HEBREW':
        if index < 5:
            return index + 1, False
        if index == 5:
            return 5, True
        return index, False
    return index + 1, leap


def instances(rscale, freq, bymonth, day, skip):
    years = month_table(rscale)
    days = []
    if freq == 'YEARLY':
        number = int(bymonth.rstrip('L'))
        want_leap = bymonth.endswith('L')
        for position, (_, months) in enumerate(years):
            month = next((m for m in months if m[0] == number and m[1] == want_leap), None)
            if month is None and want_leap and skip != 'OMIT':
                base = next((i for i, m in enumerate(months) if m[0] == number and not m[1]), None)
                if base is not None:
                    if skip == 'BACKWARD':
                        month = months[base]
                    elif base + 1 < len(months):
                        month = months[base + 1]
                    elif position + 1 < len(years):
                        month = years[position + 1][1][0]
            if month is not None:
                days.extend(day_in_month(month, day, skip))
    else:
        for _, months in years:
            for month in months:
                days.extend(day_in_month(month, day, skip))
    first, last = (FIRST - EPOCH).days, (LAST - EPOCH).days
    return sorted({d for d in days if first <= d <= last})


def day_in_month(month, day, skip):
    _, _, first_day, length = month
    n = day if day > 0 else length + 1 + day
    if 1 <= n <= length:
        return [first_day + n - 1]
    if skip == 'BACKWARD':
        return [first_day + length - 1 if n > length else first_day - 1]
    if skip == 'FORWARD':
        return [first_day + length if n > length else first_day]
    return []


def weekday_instances(rscale, freq, bymonth, byday):
    """The days of a BYDAY rule: every such weekday of the month, or the nth (from the end when negative)."""
    position = int(byday[:-2]) if len(byday) > 2 else 0
    weekday = WEEKDAYS.index(byday[-2:])
    days = []
    for _, months in month_table(rscale):
        for number, leap, first_day, length in months:
            if bymonth is not None and (number != int(bymonth) or leap):
                continue
            # Day 0 (1970-01-01) was a Thursday, Python's weekday 3.
            matching = [d for d in range(first_day, first_day + length) if (d + 3) % 7 == weekday]
            if position == 0:
                days.extend(matching)
            elif -len(matching) <= (position - 1 if position > 0 else position) < len(matching):
                days.append(matching[position - 1 if position > 0 else position])
    first, last = (FIRST - EPOCH).days, (LAST - EPOCH).days
    return sorted({d for d in days if first <= d <= last})


def date_text(day):
    return (EPOCH + datetime.timedelta(days=day)).strftime('%Y%m%d')


def main():
    cases = []
    for rscale, freq, bymonth, day, skip in CASES:
        found = instances(rscale, freq, bymonth, day, skip)
        rule = f'RSCALE={rscale};FREQ={freq}' + (f';BYMONTH={bymonth}' if bymonth else '') + f';BYMONTHDAY={day};SKIP={skip}'
        # DTSTART is the first instance, so that the rule's set is exactly the instances listed.
        cases.append({'rrule': rule, 'dtstart': date_text(found[0]), 'until': LAST.strftime('%Y%m%d'), 'instances': [date_text(d) for d in found]})
    for rscale, freq, bymonth, byday in WEEKDAY_CASES:
        found = weekday_instances(rscale, freq, bymonth, byday)
        rule = f'RSCALE={rscale};FREQ={freq}' + (f';BYMONTH={bymonth}' if bymonth else '') + f';BYDAY={byday}'
        cases.append({'rrule': rule, 'dtstart': date_text(found[0]), 'until': LAST.strftime('%Y%m%d'), 'instances': [date_text(d) for d in found]})
    # An explicit path (a test comparing a fresh run with the checked-in fixture) or the fixture itself.
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'rscale', 'instances.json')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w', encoding='utf-8') as f:
        json.dump({'generator': 'scripts/rscale-fixture.py', 'icu': icu.ICU_VERSION, 'cases': cases}, f, indent=1)
        f.write('\n')
    print(f'{len(cases)} rules, {sum(len(c["instances"]) for c in cases)} instances (ICU {icu.ICU_VERSION}) -> {os.path.normpath(out)}')


if __name__ == '__main__':
    main()
