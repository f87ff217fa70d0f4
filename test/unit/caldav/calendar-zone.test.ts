// The zone a calendar's floating times are read in, from its stored calendar-timezone: read once
// per stored value and kept, and a changed value gives the changed zone (offsets in seconds).
import { describe, expect, it } from 'vitest';
import { calendarZone } from '../../../src/caldav/calendar-zone.ts';
import { serializeDeadProperty } from '../../../src/dav/properties/registry.ts';
import { el } from '../../../src/dav/xml/element.ts';
import { caldav } from '../../../src/dav/xml/names.ts';

/** A stored calendar-timezone holding a VTIMEZONE of an unknown TZID with a fixed offset. */
function storedTimezone(tzid: string, offset: string): string {
  const text = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VTIMEZONE', `TZID:${tzid}`,
    'BEGIN:STANDARD', 'DTSTART:19700101T000000', `TZOFFSETFROM:${offset}`, `TZOFFSETTO:${offset}`, 'END:STANDARD', 'END:VTIMEZONE', 'END:VCALENDAR', '',
  ].join('\r\n');
  return serializeDeadProperty(el(caldav('calendar-timezone'), text));
}

describe('calendarZone from calendar-timezone', () => {
  it('reads a stored value once: the same value gives the same zone, with what it has worked out', () => {
    const stored = storedTimezone('Custom/Plus-Three', '+0300');
    const zone = calendarZone(undefined, stored)!;
    expect(zone.offsetAtUtc(Date.UTC(2026, 0, 1))).toBe(3 * 3600);
    expect(calendarZone(undefined, stored)).toBe(zone);
  });

  it('gives the new zone once the value changes', () => {
    const before = calendarZone(undefined, storedTimezone('Custom/Shifting', '+0300'))!;
    const after = calendarZone(undefined, storedTimezone('Custom/Shifting', '-0500'))!;
    expect(after).not.toBe(before);
    expect(after.offsetAtUtc(Date.UTC(2026, 0, 1))).toBe(-5 * 3600);
  });

  it('reads a value it cannot read as no zone, every time', () => {
    const broken = serializeDeadProperty(el(caldav('calendar-timezone'), 'not a calendar'));
    expect(calendarZone(undefined, broken)).toBeUndefined();
    expect(calendarZone(undefined, broken)).toBeUndefined();
  });
});
